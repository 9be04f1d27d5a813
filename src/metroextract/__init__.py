"""metroextract: Metropolis progress-report PDFs → clean, validated JSON datasets.

from metroextract import extract_report
report = extract_report("rapport.pdf")   # a pydantic `Report`
"""

from .version import PARSER_VERSION, __version__  # PARSER_VERSION is bumped there

__all__ = ["extract_report", "Report", "PARSER_VERSION", "__version__"]


def __getattr__(name: str):  # lazy: `import metroextract` stays cheap for the CLI and flows
    if name == "extract_report":
        from .pipeline import extract_report

        return extract_report
    if name == "Report":
        from .models import Report

        return Report
    raise AttributeError(f"module 'metroextract' has no attribute {name!r}")
