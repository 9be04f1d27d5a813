"""metroextract: Metropolis progress-report PDFs → clean, validated JSON datasets.

from metroextract import extract_report
report = extract_report("rapport.pdf")   # a pydantic `Report`
"""

__version__ = "0.1.0"
# Bumped whenever extraction output can change: the ingest flow re-extracts reports
# whose stored parser_version differs.
PARSER_VERSION = "0.3.0"

__all__ = ["extract_report", "Report", "PARSER_VERSION", "__version__"]


def __getattr__(name: str):  # lazy: `import metroextract` stays cheap for the CLI and flows
    if name == "extract_report":
        from .pipeline import extract_report

        return extract_report
    if name == "Report":
        from .models import Report

        return Report
    raise AttributeError(f"module 'metroextract' has no attribute {name!r}")
