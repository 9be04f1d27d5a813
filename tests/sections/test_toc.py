"""sections.toc: table-of-contents entries and items."""

from __future__ import annotations

from metroextract.models import (
    TocEntry,
)
from metroextract.sections import (
    parse_toc,
)

from ._lines import BODY, L


def test_toc_page_word_entries_with_wrapped_titles_and_items() -> None:
    lines = [
        L("PAGE 3 → Note du secrétaire", 40, 117.2, 12, True, width=193),
        L("général", 40, 132.2, 12, True, width=52),
        L("PAGE 4 → Activités", 40, 163.2, 12, True, width=126),
        L("Ligne d'action 1 (L1)", 54, 182.1, 9.5, width=98),
        L("Métropolis dans les médias", 54, 194.6, 9.5, width=129),
        L("PAGE 21 → Écoute active", 300, 117.2, 12, True, width=167),
        L("Engagement des membres", 314, 136.1, 9.5, width=128),
    ]
    assert parse_toc(lines, BODY) == [
        TocEntry(page=3, title="Note du secrétaire général", items=[]),
        TocEntry(page=4, title="Activités", items=["Ligne d'action 1 (L1)", "Métropolis dans les médias"]),
        TocEntry(page=21, title="Écoute active", items=["Engagement des membres"]),
    ]


def test_toc_trailing_page_numbers_and_wrapped_items() -> None:
    lines = [
        L("Nota del secretario general 3", 46, 240.2, 9.5, True, width=140),
        L("Progreso 16", 220.8, 240.2, 9.5, True, width=60),
        L("Resultados principales", 228.8, 252.1, 8.3, width=90),
        L("Implementación del Plan de acción", 228.8, 262.5, 8.3, width=135),
        L("estratégico", 228.8, 272.9, 8.3, width=45),
    ]
    assert parse_toc(lines, BODY) == [
        TocEntry(page=3, title="Nota del secretario general", items=[]),
        TocEntry(page=16, title="Progreso", items=["Resultados principales", "Implementación del Plan de acción estratégico"]),
    ]
