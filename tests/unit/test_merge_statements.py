"""Statements that give different figures never say the same, spelled out or in digits."""

from __future__ import annotations

import pytest

from service.merge.statements import figures_fit
from service.text.numbers import spelled_figures


@pytest.mark.parametrize(
    ("a", "b", "fit"),
    [
        ("Eight people have died of the fever in Norland", "Eleven people have died", False),
        ("Two ferries sank off Tarro", "Nine ferries sank off Tarro", False),
        ("Eight people have died of the fever", "8 people have died of the fever", True),
        ("Twenty-one miners were rescued", "21 miners were rescued on Monday", True),
        ("It was one of the largest floods", "It was the largest flood since 1990", True),
        ("The port reopened on Friday", "Seven ships left the port on Friday", True),
    ],
)
def test_spelled_figures_keep_statements_apart(a: str, b: str, fit: bool) -> None:
    assert figures_fit(a, b) is fit


def test_spelled_figures_read_as_digits() -> None:
    assert spelled_figures("Eleven of the thirty-six patients, and twenty more") == {
        "11",
        "36",
        "20",
    }
    assert spelled_figures("no one was hurt; one of the crew") == frozenset()
