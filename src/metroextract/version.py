"""The package's and the parser's versions.

A bottom module (it imports nothing): stages that stamp their output read the parser
version here, not from the package, whose `__init__` imports the pipeline.
"""

__version__ = "0.1.0"
# Bumped whenever extraction output can change: the ingest flow re-extracts reports
# whose stored parser_version differs.
PARSER_VERSION = "0.6.14"
