"""Number words: the values English spells out ('eleven', 'twenty-one'), for the miner's
figures and for telling apart statements that give different figures."""

from __future__ import annotations

import re
from typing import Final

SMALL: Final = {
    w: i
    for i, w in enumerate(
        str.split(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        )
    )
}
"""Number words below twenty, by value."""

TENS: Final = {
    w: 10 * i
    for i, w in enumerate(
        str.split("twenty thirty forty fifty sixty seventy eighty ninety"), start=2
    )
}
"""Words for the tens from twenty, by value."""

SCALE: Final = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9,
                "trillion": 1e12, "bn": 1e9, "mn": 1e6, "lakh": 1e5, "lakhs": 1e5,
                "crore": 1e7, "crores": 1e7}  # fmt: skip
"""Scale words by value, with South Asian English's lakh (100,000) and crore (10 million):
'2 to 3 lakh people', 'Rs 10 lakh'."""

_UNITS: Final = "|".join(list(SMALL)[1:10])
_SPELLED: Final = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(TENS)})(?:[-\s](?P<unit>{_UNITS}))?"
    rf"|(?P<small>{'|'.join(sorted(list(SMALL)[2:], key=len, reverse=True))}))\b",
    re.I,
)


def spelled_figures(text: str) -> frozenset[str]:
    """The figures a text spells out, as digits: 'Eight people' → {'8'}, 'twenty-one' →
    {'21'}. 'zero' and 'one' are left out: 'one of the largest', 'no one' count nothing."""
    found: set[str] = set()
    for m in _SPELLED.finditer(text):
        if m["small"]:
            found.add(str(SMALL[m["small"].lower()]))
        else:
            unit = SMALL[m["unit"].lower()] if m["unit"] else 0
            found.add(str(TENS[m["tens"].lower()] + unit))
    return frozenset(found)
