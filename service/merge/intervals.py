"""Figures and dates as intervals of true values, and how a figure reads.

Each figure becomes an interval from its hedge and `MergeTolerances`: "about X" is
X ± `approx_rel`; "more than X" is (X, X·(1 + `open_bound_slack`)]; "at least X" closes
that interval at X; "up to X" / "fewer than X" mirror them below X; a bare figure is
X ± `exact_rel`, or ± half a unit of its last written digit when the writing
rounds ('$17.8 billion', '4%'; `stated_step`); a range is its bounds ± `exact_rel`.
A measurement (a length, a weight) is always rounded: '22 miles' is 21.5-22.5 miles, so
it meets '35 km' (34.5-35.5 km) once both are in metres; its ends are open, so '26 km'
and '27 km' of one unit still do not meet.
Dates compare as day ranges, so "2025-09" is compatible with "2025-09-03".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Final, NamedTuple

from schemas.consensus import Interval
from schemas.record import Hedge
from service.merge.tolerances import MergeTolerances
from service.merge.vocabulary import HEDGE_WORDS

ISO_DAY_CHARS: Final = len("2025-09-02")


_ISO_DATE: Final = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@cache
def day_range(iso: str | None) -> tuple[int, int] | None:
    """The first and last day (proleptic ordinals) an ISO date covers, None if unparseable."""
    if iso is None:
        return None
    match = _ISO_DATE.match(iso.strip())
    if match is None:
        return None
    year, month, day = match.group(1, 2, 3)
    try:
        if day is not None:
            ordinal = date(int(year), int(month), int(day)).toordinal()
            return ordinal, ordinal
        if month is not None:
            first = date(int(year), int(month), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first.toordinal(), (following - timedelta(days=1)).toordinal()
        return date(int(year), 1, 1).toordinal(), date(int(year), 12, 31).toordinal()
    except ValueError:
        return None


def days_apart(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days from the end of the earlier of two day ranges to the start of the later; 0 or
    less when they meet."""
    return max(a[0] - b[1], b[0] - a[1])


def date_order(iso: str | None) -> tuple[int, int, int, str]:
    """Sort key: parsed dates by range, then unparseable ones, then undated."""
    days = day_range(iso)
    if days is not None:
        return (0, days[0], days[1], iso or "")
    return (1 if iso is not None else 2, 0, 0, iso or "")


@dataclass(frozen=True, slots=True)
class Range:
    """A closed, half-open or open interval of true values."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def to_schema(self) -> Interval:
        return Interval(
            low=self.low, high=self.high, low_open=self.low_open, high_open=self.high_open
        )


def common(ranges: Iterable[Range]) -> bool:
    """True when one value lies in every range (pairwise overlap suffices on a line)."""
    items = list(ranges)
    low = max(r.low for r in items)
    high = min(r.high for r in items)
    if low != high:
        return low < high
    low_open = any(r.low_open for r in items if r.low == low)
    high_open = any(r.high_open for r in items if r.high == high)
    return not (low_open or high_open)


def lies_below(a: Range, b: Range) -> bool:
    """Every value of `a` is below every value of `b`."""
    return a.high < b.low or (a.high == b.low and (a.high_open or b.low_open))


def meets(a: Range, b: Range) -> bool:
    """`common` for two ranges, spelled out: it runs for every pair of figures."""
    if a.low < b.high and b.low < a.high:
        return True
    if a.low == b.high:
        return not (a.low_open or b.high_open)
    if b.low == a.high:
        return not (b.low_open or a.high_open)
    return False


def _below(x: float, share: float) -> float:
    return x - abs(x) * share


def _above(x: float, share: float) -> float:
    return x + abs(x) * share


Number = tuple[float | None, float | None, float | None, float]
"""A figure's number whatever its hedge or date: value, low, high and scale."""


class Figure(NamedTuple):
    """The parts of a quantity that decide its interval, plus when it held.

    `scale` converts the figure's unit to its dimension's base unit (1 for counts).
    """

    value: float | None
    low: float | None
    high: float | None
    hedge: Hedge
    as_of: str | None
    scale: float = 1.0
    step: float = 0.0
    """Half a unit of the last digit the figure was written with, when the writing rounds
    ('$17.8 billion' holds 17.75-17.85 billion, '4%' 3.5-4.5 %; `stated_step`)."""
    measured: bool = False
    """A measurement (`MEASURED_DIMENSIONS`): its step's ends are open."""

    def scaled(self, tol: MergeTolerances) -> Range:
        """The interval in the base unit, for comparing figures given in different units."""
        own = self.range(tol)
        if self.scale == 1.0:
            return own
        return Range(own.low * self.scale, own.high * self.scale, own.low_open, own.high_open)

    def range(self, tol: MergeTolerances) -> Range:
        """The interval of true values the hedged figure allows, in its own unit."""
        if self.low is not None and self.high is not None:
            lo, hi = self.low, self.high
        elif self.value is not None:
            lo = hi = self.value
        else:  # Quantity's validator rules this out; keep the type checker honest.
            raise ValueError("a quantity needs a value or both low and high")
        slack = tol.open_bound_slack
        match self.hedge:
            case "about":
                result = Range(_below(lo, tol.approx_rel), _above(hi, tol.approx_rel))
            case "at_least":
                result = Range(lo, _above(hi, slack))
            case "more_than":
                result = Range(lo, _above(hi, slack), low_open=True)
            case "up_to":
                result = Range(_below(lo, slack), hi)
            case "less_than":
                result = Range(_below(lo, slack), hi, high_open=True)
            case _:
                low = min(_below(lo, tol.exact_rel), lo - self.step)
                high = max(_above(hi, tol.exact_rel), hi + self.step)
                rounded = self.measured and self.step > 0
                result = Range(
                    low,
                    high,
                    low_open=rounded and low == lo - self.step,
                    high_open=rounded and high == hi + self.step,
                )
        if result.low == result.high:
            # "more than 0" or zero slack would make an empty interval; keep the point.
            return Range(result.low, result.high)
        return result

    def order(self) -> tuple[object, ...]:
        return (
            date_order(self.as_of),
            _optional(self.value),
            _optional(self.low),
            _optional(self.high),
            self.hedge,
            self.scale,
            self.measured,
        )


_WRITTEN_NUMBER: Final = re.compile(r"\d[\d,]*(?:\.(\d+))?")


MEASURED_DIMENSIONS: Final = frozenset({"length", "mass"})
"""Dimensions of physical measurements (the lexicon's `measures`): never exact, so their
whole numbers round too ('22 miles', '35 km'), unlike a count or a stated term ('14 years')."""


def stated_step(phrase: str, value: float | None, *, share: bool, measured: bool = False) -> float:
    """Half a unit of the last digit a figure's words give, when the writing rounds: a
    decimal ('17.8 billion', '1.1%'), a whole number scaled by a word ('5 billion'), a
    whole percentage (`share`) or a whole measurement (`measured`: '22 miles'). A whole
    count ('230 passengers') is exact: 0."""
    if value is None:
        return 0.0
    match = _WRITTEN_NUMBER.search(phrase)
    if match is None:
        return 0.0
    written = float(match.group(0).replace(",", ""))
    decimals = match.group(1)
    unit = 10.0 ** -len(decimals) if decimals else 1.0
    if written <= 0:
        return 0.0
    factor = value / written
    if not decimals and not share and not measured and abs(factor - 1.0) < 1e-9:
        return 0.0
    if abs(factor - round(factor)) > 1e-6 * max(1.0, factor) or factor < 1.0 - 1e-9:
        return 0.0  # the words give another number than the value (a unit converted)
    return 0.5 * unit * factor


def _optional(number: float | None) -> tuple[int, float]:
    return (0, 0.0) if number is None else (1, number)


def _format_number(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,.6f}".rstrip("0").rstrip(".")


def _ordinal(number: float) -> str:
    if not number.is_integer():
        return _format_number(number)
    whole = int(number)
    suffix = (
        "th"
        if 10 <= abs(whole) % 100 <= 20
        else {1: "st", 2: "nd", 3: "rd"}.get(abs(whole) % 10, "th")
    )
    return f"{whole:,}{suffix}"


def render_figure(figure: Figure, *, ordinal: bool, unit: str | None) -> str:
    """A figure as a statement shows it: 'at least 2,000', '1,300 km', '3rd'."""
    if figure.low is not None and figure.high is not None:
        body = f"{_format_number(figure.low)}\u2013{_format_number(figure.high)}"
    elif figure.value is not None:
        body = _ordinal(figure.value) if ordinal else _format_number(figure.value)
    else:
        body = "?"
    text = HEDGE_WORDS[figure.hedge] + body
    return f"{text} {unit}" if unit else text


def centre(figure: Figure) -> float:
    """The number a figure states, scaled to its dimension's base unit: the value, or
    the middle of a stated range."""
    if figure.low is not None and figure.high is not None:
        middle = (figure.low + figure.high) / 2
    elif figure.value is not None:
        middle = figure.value
    else:  # Quantity's validator rules this out; keep the type checker honest.
        raise ValueError("a quantity needs a value or both low and high")
    return middle * figure.scale


def _inside(x: float, r: Range) -> bool:
    above = x > r.low or (x == r.low and not r.low_open)
    below = x < r.high or (x == r.high and not r.high_open)
    return above and below


def figures_fit(a: Figure, b: Figure, tol: MergeTolerances) -> bool:
    """Two figures can stand side by side: the number one states lies in the range the
    other allows ('at least 1,000' and 'about 1,200'; 'about 2,000' and 'at least 2,000').

    Comparing each stated number with the other's range, rather than the two ranges with
    each other, keeps a verdict off the edge of a tolerance: 'more than 10,000' and
    'around 15,000' stay apart whether 'more than' reaches 30% or 40% above its number.
    """
    return _inside(centre(a), b.scaled(tol)) or _inside(centre(b), a.scaled(tol))


def magnitude_bands(
    figures: Sequence[Figure], tol: MergeTolerances, span: float | None = None
) -> list[list[int]]:
    """Indexes of `figures` in bands of one order of magnitude, lowest first: sorted by
    their intervals, a band ends where the next interval starts more than `span`
    (default `tol.conflict_span`) times above the highest reach so far ('7' and 'about
    17,000'). A stated range bridges the values it spans ('between 40,000 and 600,000').
    Figures at or below zero are never split off."""
    factor = tol.conflict_span if span is None else span
    ranges = [f.scaled(tol) for f in figures]
    if any(r.low <= 0 for r in ranges):
        return [list(range(len(figures)))]
    bands: list[list[int]] = []
    reach = 0.0
    for i in sorted(range(len(figures)), key=lambda i: (ranges[i].low, ranges[i].high)):
        if bands and ranges[i].low <= reach * factor:
            bands[-1].append(i)
            reach = max(reach, ranges[i].high)
        else:
            bands.append([i])
            reach = ranges[i].high
    return bands
