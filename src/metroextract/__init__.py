"""metroextract: Metropolis progress-report PDFs → clean, validated JSON datasets."""

__version__ = "0.1.0"
# Bumped whenever extraction output can change: the ingest flow re-extracts reports
# whose stored parser_version differs.
PARSER_VERSION = "0.1.0"
