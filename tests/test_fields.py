"""Fields stage: dates, periods, codes, challenges and name lists in the three languages."""

from datetime import date

import pytest

from metroextract.fields import join_lines, parse_challenges, parse_dates, parse_int, parse_period, parse_results, split_names
from metroextract.models import Challenge
from metroextract.vocab import all_vocabularies, load_vocabulary

FR, EN, ES = (load_vocabulary(x) for x in ("fr", "en", "es"))
ALL = list(all_vocabularies().values())


@pytest.mark.parametrize(
    "vocab,text,period,expected",
    [
        (FR, "03 février", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
        (FR, "15-21 février", ("2021-01", "2021-04"), [date(2021, 2, 15), date(2021, 2, 21)]),
        (FR, "7 et 20 avril", ("2021-01", "2021-04"), [date(2021, 4, 7), date(2021, 4, 20)]),
        (FR, "Les 7 et 20 avril", ("2021-01", "2021-04"), [date(2021, 4, 7), date(2021, 4, 20)]),
        (FR, "03/02/2021", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
        (FR, "15/02 - 21/02", ("2021-01", "2021-04"), [date(2021, 2, 15), date(2021, 2, 21)]),
        (EN, "2021-02-03", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
        (FR, "1er janvier", ("2021-01", "2021-04"), [date(2021, 1, 1)]),
        (FR, "du 15 au 26 mars", ("2021-01", "2021-04"), [date(2021, 3, 15), date(2021, 3, 26)]),
        (FR, "12 janvier", ("2021-10", "2022-01"), [date(2022, 1, 12)]),
        (FR, "6 et 13 décembre", ("2021-10", "2022-01"), [date(2021, 12, 6), date(2021, 12, 13)]),
        (FR, "30 mars - 2 avril", ("2021-01", "2021-04"), [date(2021, 3, 30), date(2021, 4, 2)]),
        (EN, "3 February", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
        (EN, "February 3", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
        (EN, "7 and 20 April", ("2021-01", "2021-04"), [date(2021, 4, 7), date(2021, 4, 20)]),
        (EN, "April 7 and 20", ("2021-01", "2021-04"), [date(2021, 4, 7), date(2021, 4, 20)]),
        (EN, "23rd March", ("2021-01", "2021-04"), [date(2021, 3, 23)]),
        (ES, "3 de febrero", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
        (ES, "7 y 20 de abril", ("2021-01", "2021-04"), [date(2021, 4, 7), date(2021, 4, 20)]),
        (ES, "15-21 de febrero", ("2021-01", "2021-04"), [date(2021, 2, 15), date(2021, 2, 21)]),
        (ES, "del 15 al 26 de marzo", ("2021-01", "2021-04"), [date(2021, 3, 15), date(2021, 3, 26)]),
        (FR, "Mercredi 3 févr. 2021", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
        (ES, "martes 7 de abr.", ("2021-01", "2021-04"), [date(2021, 4, 7)]),
        (EN, "Wednesday, 3 February 2021", ("2021-01", "2021-04"), [date(2021, 2, 3)]),
    ],
)
def test_parse_dates(vocab, text, period, expected) -> None:
    parsed = parse_dates(text, vocab, *period)
    assert parsed is not None
    assert parsed.dates == expected
    assert (parsed.start, parsed.end) == (min(expected), max(expected))


@pytest.mark.parametrize("text", ["Lancement du guide", "2021", "Membres activés", "45 février", "mars", "2.1", "1.1 Résilience sociale", "12/13/2021"])
def test_not_dates(text) -> None:
    assert parse_dates(text, FR, "2021-01", "2021-04") is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Janvier —> avril 2021", ("2021-01", "2021-04")),
        ("Janvier —————> avril 2021", ("2021-01", "2021-04")),
        ("Octobre 2021 —> janvier 2022", ("2021-10", "2022-01")),
        ("January —> April 2021", ("2021-01", "2021-04")),
        ("Enero —> abril 2021", ("2021-01", "2021-04")),
        ("Septembre —> décembre 2019", ("2019-09", "2019-12")),
        ("Novembre —> février 2020", ("2019-11", "2020-02")),
        ("Mai —> août 2021", ("2021-05", "2021-08")),
        ("May —> August 2021", ("2021-05", "2021-08")),
    ],
)
def test_parse_period(text, expected) -> None:
    assert parse_period(text, ALL) == expected


def test_results_and_invalid_codes() -> None:
    assert parse_results("L1A2D4, L3A2D2") == (["L1A2D4", "L3A2D2"], [])
    assert parse_results("L2A2D5 ; L2A2") == (["L2A2D5"], ["L2A2"])
    assert parse_results("L1.A2.D4 / L3-A2-D2") == (["L1A2D4", "L3A2D2"], [])


def test_challenges_bullets_wrapping_and_run_in() -> None:
    assert parse_challenges(["- 1.1 Lutter contre les inégalités et la", "ségrégation", "- 2.1 Résilience sociale"]) == [
        Challenge(code="1.1", label="Lutter contre les inégalités et la ségrégation"),
        Challenge(code="2.1", label="Résilience sociale"),
    ]
    assert parse_challenges(["2.1 Resiliencia social; 3.2 Transparencia y rendición de cuentas"]) == [
        Challenge(code="2.1", label="Resiliencia social"),
        Challenge(code="3.2", label="Transparencia y rendición de cuentas"),
    ]


def test_names_keep_parentheses_and_wrapped_names() -> None:
    assert split_names(["Barcelone (aire métropolitaine), Ville de Mexico, Valle de Aburra"]) == [
        "Barcelone (aire métropolitaine)",
        "Ville de Mexico",
        "Valle de Aburra",
    ]
    assert split_names(["Antananarivo, Berlin, Bogotá, New Delhi-", "NIUA, Xi'an"]) == ["Antananarivo", "Berlin", "Bogotá", "New Delhi-NIUA", "Xi'an"]
    assert split_names(["Barcelona (área", "metropolitana)", "Bruselas"]) == ["Barcelona (área metropolitana)", "Bruselas"]


def test_parse_int() -> None:
    assert [parse_int(x) for x in ("+1 380", "+1,380", "+1.380", "119", "1\u202f380", "—")] == [1380, 1380, 1380, 119, 1380, None]


def test_a_compound_hyphen_at_a_line_end_is_kept_when_the_report_prints_both_words() -> None:
    lexicon = {"bourgmestre", "gouverneur", "de", "berlin", "développement"}
    assert join_lines(["Bourgmestre-", "gouverneur de Berlin"], lexicon) == "Bourgmestre-gouverneur de Berlin"
    # without the report's words, the dictionaries know both halves and not the two as one
    assert join_lines(["Bourgmestre-", "gouverneur de Berlin"]) == "Bourgmestre-gouverneur de Berlin"
    assert join_lines(["Chargée de dévelop-", "pement"]) == "Chargée de développement"
    assert join_lines(["Chargée de dévelop-", "pement"], lexicon) == "Chargée de développement"


def test_a_meeting_format_a_narrow_cell_broke_is_read_whole() -> None:
    # "présentiel" is in no general word list: the language files' meeting formats are
    assert join_lines(["Présenti", "el"]) == "Présentiel"
    assert join_lines(["Presenci", "al"]) == "Presencial"
    assert join_lines(["En", "ligne"]) == "En ligne"
    # "hybrid" is an English word; with the "e" the narrow cell put under it, French's format
    assert join_lines(["Hybrid", "e"]) == "Hybride"
