"""The doctests of the small text helpers are part of the suite."""

import doctest
import importlib

import pytest

MODULES = [
    "metroextract.fields",
    "metroextract.normalize",
    "metroextract.text",
    "metroextract.typography",
    "metroextract.layout",
    "metroextract.assemble",
    "metroextract.repair",
    "metroextract.activity_report",
    "metroextract.segment",
    "metroextract.section_checks",
    "metroextract.blank",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
