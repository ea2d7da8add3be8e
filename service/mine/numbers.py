"""Numbers: digits with separators and decimals, number words, scales and currencies."""

from __future__ import annotations

import re

from service.mine.doc import H
from service.text.numbers import SCALE, SMALL, TENS
from service.text.words import alternation

ORDINALS = {
    w: i
    for i, w in enumerate(
        str.split(
            "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
            "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        ),
        start=2,
    )
} | {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
     "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100}  # fmt: skip
SCALE_WORDS = alternation(sorted(SCALE, key=len, reverse=True))  # 'lakhs' before 'lakh'
# Thousands grouped by commas, or by single spaces as many outlets outside the US write
# them ('3 518 people', also with a no-break or thin space): a group of three digits
# after one space joins the number before it; a year or any four digits never starts one.
_SPACES = " \u00a0\u2009\u202f"
DIGITS = (
    r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
    rf"|[0-9]{{1,3}}(?:[{_SPACES}][0-9]{{3}})+(?![0-9]|[.,][0-9])"
    r"|[0-9]{1,15}(?:\.[0-9]+)?"
)
GROUPED = re.compile(rf"[0-9][,{_SPACES}][0-9]{{3}}")
"""A thousands separator between digits, as `DIGITS` groups them ('90,000', '3 518')."""
WORD_NUMBER = (
    rf"(?:{'|'.join(TENS)})(?:(?:-|{H})(?:{'|'.join(list(SMALL)[1:10])})\b)?"
    rf"|(?:a|one){H}+(?:hundred|thousand|million|billion)|(?:a{H}+)?dozen"
    rf"|{'|'.join(sorted(SMALL, key=len, reverse=True))}"
)
# $ EUR GBP JPY INR CHF; a rupee's or franc's letters may stand apart from the number
CURRENCY = r"(?:US|A|C|HK|NZ)?\$|\u20ac|\u00a3|\u00a5|\u20b9|Rs\.?[^\S\n]?|CHF[^\S\n]?"
_PARSE = re.compile(
    rf"(?:{CURRENCY})?\s*(?P<n>{DIGITS}|{WORD_NUMBER})(?:\s*(?P<s>{SCALE_WORDS}))?", re.I
)


def parse_number(text: str) -> float | None:
    """Read one figure: '2,000' -> 2000.0, '1.3 million' -> 1300000.0, 'two' -> 2.0.

    Accepts digits with thousands separators and decimals, number words up to ninety-nine,
    'a dozen', 'a hundred', an optional currency sign and a scale word; anything else -> None.
    """
    m = _PARSE.fullmatch(text.strip())
    if not m:
        return None
    value = number_value(m.group("n"))
    return value * SCALE[m.group("s").lower()] if m.group("s") else value


def number_value(raw: str) -> float:
    """The value of a number the patterns matched: digits, or number words ('twenty-one')."""
    raw = raw.lower()
    if raw[0].isdigit():
        return float(re.sub(r"[,\s]", "", raw))  # \s: no-break and thin spaces too
    parts = re.split(r"[\s-]+", raw)
    if parts[0] in ("a", "one") and len(parts) > 1:
        return 12.0 if parts[1] == "dozen" else SCALE[parts[1]]
    if parts[0] == "dozen":
        return 12.0
    return float(sum(TENS.get(p, 0) + SMALL.get(p, 0) for p in parts))
