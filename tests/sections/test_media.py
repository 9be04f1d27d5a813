"""sections.media: months, outlets, titles."""

from __future__ import annotations

from metroextract.models import (
    Line,
    MediaMention,
)
from metroextract.sections import (
    parse_media,
)

from ._lines import BODY, EN, ES, FR, P2021, L


def test_media_month_outlet_title_in_columns() -> None:
    lines = [
        L("Janvier", 40, 98.7, 15, True, color="#00a19a"),
        L("ALLAS", 40, 122.9, 9.5, True),
        L("Montevideo global", 40, 135.0, 9.0, color="#7b8194"),
        L("Chicago Council on Global", 40, 154.6, 9.5, True),
        L("Affairs", 40, 166.7, 9.5, True),
        L("MetroTalks", 40, 178.8, 9.0, color="#7b8194"),
        L("Avril", 237, 98.7, 15, True, color="#00a19a"),
        L("Agence shahr", 237, 122.9, 9.5, True),
        L("Ciudad Sostenible", 237, 143.1, 9.5, True),
        L("Webinaire sur les inégalités", 237, 155.1, 9.0, color="#7b8194"),
        L("urbaines", 237, 166.6, 9.0, color="#7b8194"),
    ]
    assert parse_media(lines, BODY, FR, P2021) == [
        MediaMention(month="2021-01", outlet="ALLAS", title="Montevideo global"),
        MediaMention(month="2021-01", outlet="Chicago Council on Global Affairs", title="MetroTalks"),
        MediaMention(month="2021-04", outlet="Agence shahr", title=None),
        MediaMention(month="2021-04", outlet="Ciudad Sostenible", title="Webinaire sur les inégalités urbaines"),
    ]


def test_media_months_in_english_and_spanish() -> None:
    en = [L("March", 40, 98, 15, True), L("UNDP", 40, 122, 9.5, True), L("Tactical urbanism webinar", 40, 134, 9)]
    es = [L("Febrero", 40, 98, 15, True), L("AMB", 40, 122, 9.5, True)]
    assert parse_media(en, BODY, EN, P2021) == [MediaMention(month="2021-03", outlet="UNDP", title="Tactical urbanism webinar")]
    assert parse_media(es, BODY, ES, P2021) == [MediaMention(month="2021-02", outlet="AMB", title=None)]


def test_media_run_in_outlet_and_title_from_runs() -> None:
    def run_line(runs: list[tuple[str, bool]], top: float) -> Line:
        base = L(" ".join(t for t, _ in runs), 46, top, 9.0, bold=False, width=200)
        return base.model_copy(update={"runs": runs})  # a bold outlet run in before a plain title

    lines = [
        L("Janvier", 46, 475.9, 11.5, True, color="#00857c"),
        run_line([("ALLAS", True), ("Montevideo global", False)], 493.2),
        run_line([("Chicago Council on Global Affairs", True), ("MetroTalks", False)], 507.7),
        L("Agence shahr", 46, 522.2, 9.0, True),
    ]
    assert parse_media(lines, BODY, FR, P2021) == [
        MediaMention(month="2021-01", outlet="ALLAS", title="Montevideo global"),
        MediaMention(month="2021-01", outlet="Chicago Council on Global Affairs", title="MetroTalks"),
        MediaMention(month="2021-01", outlet="Agence shahr", title=None),
    ]


def test_media_numbered_run_ins_with_separators_quotes_and_month_in_parentheses() -> None:
    def run_line(runs: list[tuple[str, bool]], top: float) -> Line:
        return L(" ".join(t for t, _ in runs), 24, top, 8.8, width=300).model_copy(update={"runs": runs})

    lines = [
        L("JANUARY", 40, 80, 8.2, True, color="#8c1d40"),
        run_line([("ALLAS", True), ("· Montevideo global", False)], 96),
        run_line([("1. Cities Today", True), (", “Interview with Mayor Ada Colau” (January)", False)], 110),
        run_line([("2. AMB", True), (", «Metropolis General Assembly» (February)", False)], 124),
    ]
    assert parse_media(lines, BODY, EN, P2021) == [
        MediaMention(month="2021-01", outlet="ALLAS", title="Montevideo global"),
        MediaMention(month="2021-01", outlet="Cities Today", title="Interview with Mayor Ada Colau"),
        MediaMention(month="2021-02", outlet="AMB", title="Metropolis General Assembly"),
    ]
