"""Settings: limits and paths, from arguments or METROEXTRACT_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Validated on creation: a bad value is a settings error, raised at once."""

    model_config = SettingsConfigDict(env_prefix="METROEXTRACT_", frozen=True)

    max_bytes: int = Field(100 * 1024 * 1024, description="largest PDF accepted, in bytes")
    max_pages: int = Field(400, description="most pages accepted")
    timeout_seconds: float = Field(300.0, description="longest extraction of one file before it is killed")
    max_memory_mb: int | None = Field(
        2048,
        description="address space of each worker process that reads PDFs (extraction, OCR, proof images), in MB; a file needing more ends as out_of_memory; 0 or unset: no cap",
    )
    proof_page_timeout_seconds: float = Field(20.0, description="longest rendering of one proof-page image; a slower page gets a placeholder and a warning")
    registry: Path | None = Field(None, description="member/alliance registry YAML (default: packaged file)")
    resolve_names: bool = Field(True, description="resolve members and alliances against the registry")
    ocr: bool = Field(True, description="run OCR (ocrmypdf + tesseract) on PDFs without a text layer")
    ocr_languages: str = Field("fra+eng+spa", description="tesseract language packs used by OCR")
    ocr_jobs: int | None = Field(
        None,
        description="pages of one file OCR'd side by side (one single-threaded tesseract each); unset: every core of the machine, shared among the files a run extracts at once",
    )
    ocr_cache: Path | None = Field(
        None,
        description="folder keeping each page's OCR between runs (a re-run after a parser change, a copy of a scan, a damaged edition OCR nothing twice); unset: kept in memory for the process only",
    )
    min_readable_page_share: float = Field(
        0.5,
        description="a damaged PDF is extracted from its readable pages (each page skipped is a warning) unless fewer than this share of its pages can be read: then it is quarantined as corrupt",
    )

    @field_validator("ocr_jobs")
    @classmethod
    def _jobs(cls, v: int | None) -> int | None:
        if v is not None and v <= 0:
            raise ValueError("must be positive")
        return v

    @field_validator("max_bytes", "max_pages")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v <= 0:
            raise ValueError("must be positive")
        return v

    @field_validator("timeout_seconds", "proof_page_timeout_seconds")
    @classmethod
    def _positive_time(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("must be positive")
        return v

    @field_validator("min_readable_page_share")
    @classmethod
    def _share(cls, v: float) -> float:
        if not 0 < v <= 1:
            raise ValueError("must be a share in (0, 1]")
        return v


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not every platform has affinity
        return max(1, os.cpu_count() or 1)


def ocr_jobs_for(settings: Settings, files_at_once: int = 1) -> int:
    """Pages OCR'd side by side: the setting, else the cores shared among the files a run
    extracts at once (two files on two cores: one page each, never four tesseracts)."""
    if settings.ocr_jobs is not None:
        return settings.ocr_jobs
    return max(1, available_cores() // max(1, files_at_once))
