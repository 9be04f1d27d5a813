"""sections.note: paragraphs, signatory and role."""

from __future__ import annotations

from metroextract.models import (
    SecretaryGeneralNote,
)
from metroextract.sections import (
    parse_note,
)

from ._lines import BODY, L


def test_note_paragraphs_signatory_and_role() -> None:
    lines = [
        L("Notre Plan d'action a été validé en fin d'année", 40, 100, 9.5, width=350),
        L("2020. Il constitue la feuille de route. Pour cela, une écoute", 40, 113.5, 9.5, width=350),
        L("active est fondamentale.", 40, 127, 9.5, width=110),
        L("En réponse aux demandes, la pre-", 46, 148.5, 9.5, width=344),
        L("mière réunion a eu lieu en", 40, 162, 9.5, width=350),
        L("2021 et nos membres", 427, 100, 9.5, width=350),
        L("ont participé.", 427, 113.5, 9.5, width=60),
        L("Octavi de la Varga", 427, 135, 10.5, True, color="#1d2b5a", width=118),
        L("Secrétaire général", 427, 148, 9.5, color="#7b8194", font="Sans-Oblique", width=88),
    ]
    assert parse_note(lines, BODY, {"première"}) == SecretaryGeneralNote(
        text="Notre Plan d'action a été validé en fin d'année 2020. Il constitue la feuille de route. Pour cela, une écoute active est fondamentale."
        "\n\nEn réponse aux demandes, la première réunion a eu lieu en 2021 et nos membres ont participé.",
        signatory="Octavi de la Varga",
        role="Secrétaire général",
    )
