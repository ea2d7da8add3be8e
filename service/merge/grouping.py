"""Majority picks: the value most records give, ties broken the same way in every order."""

from __future__ import annotations

from collections.abc import Callable, Mapping


def most_common(counts: Mapping[str, int], tiebreak: Callable[[str], object]) -> str:
    """The most counted key; ties go to the smallest `tiebreak` value."""
    return min(counts, key=lambda key: (-counts[key], tiebreak(key)))
