"""One catalogue of error classes and stable codes.

Exceptions carry a stable `code` (the quarantine record's `code`) and say whether a retry
could help (`transient`). Data problems inside a readable report are not exceptions: they
become `Warning_` entries with a `WarningCode`.
"""

from __future__ import annotations

from enum import StrEnum


class QuarantineCode(StrEnum):
    """Why a file ended in quarantine. Stable: datasets are filtered by these."""

    EMPTY_FILE = "empty_file"
    NOT_A_PDF = "not_a_pdf"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    NO_TEXT_LAYER = "no_text_layer"
    TOO_LARGE = "too_large"
    TOO_MANY_PAGES = "too_many_pages"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out_of_memory"  # needs more than METROEXTRACT_MAX_MEMORY_MB
    NOT_A_PROGRESS_REPORT = "not_a_progress_report"
    # A Metropolis report by its marks (name, title, period, members, headings) whose
    # structure was not recognised: for a person to look at, and read again by a new parser.
    UNRECOGNIZED_LAYOUT = "unrecognized_layout"
    LOW_QUALITY = "low_quality"  # only with --strict: the quality verdict was needs_review
    INTERNAL_ERROR = "internal_error"


class WarningCode(StrEnum):
    """Problems found in a report that was extracted anyway."""

    OCR_USED = "ocr_used"
    UNPLACED_TEXT = "unplaced_text"
    ACTIVITY_WITHOUT_TITLE = "activity_without_title"
    DATE_UNPARSED = "date_unparsed"
    RESULT_CODE_INVALID = "result_code_invalid"
    RESULT_NOT_IN_PLAN = "result_not_in_plan"
    CHALLENGE_NOT_IN_TAXONOMY = "challenge_not_in_taxonomy"
    CHALLENGE_LABEL_MISMATCH = "challenge_label_mismatch"
    MEMBER_NOT_IN_REGIONS = "member_not_in_regions"
    KEY_FIGURE_UNPARSED = "key_figure_unparsed"
    MEMBER_COUNT_MISMATCH = "member_count_mismatch"
    SECTION_MISSING = "section_missing"
    NAME_UNRESOLVED = "name_unresolved"
    LANGUAGE_UNCERTAIN = "language_uncertain"
    PERIOD_MISSING = "period_missing"
    PAGE_UNREADABLE = "page_unreadable"  # a page skipped: its content could not be read
    STRAY_ACTIVITY_BLOCK = "stray_activity_block"  # dated title + field labels outside activities
    SECTION_IMPLAUSIBLE = "section_implausible"  # a section far beyond its kind's usual size
    NO_ACTIVITIES = "no_activities"  # no activity found in a report that should have some
    PAGE_FALLBACK_READER = "page_fallback_reader"  # a page pdfminer could not read, read with pypdfium2
    DATE_MISSING = "date_missing"  # an activity report's activity with no date in its first paragraph
    ROW_REJECTED = "row_rejected"  # a dataset row left out: it broke its table's declaration
    OCR_CORRECTED = "ocr_corrected"  # an OCR reading changed: a weak line read again, a word respelled (before -> after)


class MetroextractError(Exception):
    """Base of every error metroextract raises on purpose."""

    code: str = QuarantineCode.INTERNAL_ERROR
    stage: str = "extract"
    transient: bool = False

    def __init__(self, message: str, *, code: str | None = None, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if stage is not None:
            self.stage = stage


class InputError(MetroextractError):
    """The file itself is unusable: never retried."""

    stage = "open"


class NotAPdf(InputError):
    code = QuarantineCode.NOT_A_PDF


class EncryptedPdf(InputError):
    code = QuarantineCode.ENCRYPTED


class CorruptPdf(InputError):
    code = QuarantineCode.CORRUPT


class LimitExceeded(InputError):
    code = QuarantineCode.TOO_LARGE
    stage = "limits"


class NoTextLayer(InputError):
    code = QuarantineCode.NO_TEXT_LAYER
    stage = "layout"


class NotAProgressReport(InputError):
    code = QuarantineCode.NOT_A_PROGRESS_REPORT
    stage = "segment"


class UnrecognizedLayout(InputError):
    """A Metropolis report by its marks whose structure the parser did not recognise.

    Unlike `NotAProgressReport` the file belongs: a person should look, and a parser
    change may read it (backfill tries it again when the parser version changes)."""

    code = QuarantineCode.UNRECOGNIZED_LAYOUT
    stage = "segment"


class ExtractionTimeout(InputError):
    code = QuarantineCode.TIMEOUT
    stage = "extract"


class TransientIOError(MetroextractError):
    """Reading or writing failed in a way a retry may fix (network share, busy disk)."""

    code = "io_error"
    stage = "io"
    transient = True


class RegistryError(MetroextractError):
    """The member/alliance registry file is invalid: a settings error, raised at once."""

    code = "registry_invalid"
    stage = "settings"
