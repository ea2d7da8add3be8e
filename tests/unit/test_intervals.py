"""How a figure's written precision widens its interval (`stated_step`)."""

from __future__ import annotations

import pytest

from service.merge import DEFAULT_TOLERANCES
from service.merge.intervals import Figure, figures_fit, magnitude_bands, stated_step


@pytest.mark.parametrize(
    ("phrase", "value", "share", "step"),
    [
        ("$17.8 billion", 17.8e9, False, 0.05e9),
        ("1.1%", 1.1, True, 0.05),
        ("4%", 4.0, True, 0.5),
        ("5 billion", 5e9, False, 0.5e9),
        ("230 passengers", 230.0, False, 0.0),  # a whole count is exact
        ("10,000 troops", 10_000.0, False, 0.0),
        ("", 12.0, False, 0.0),
    ],
)
def test_stated_step(phrase: str, value: float, share: bool, step: float) -> None:
    assert stated_step(phrase, value, share=share) == pytest.approx(step)


def _figure(value: float, step: float = 0.0) -> Figure:
    return Figure(value, None, None, "exact", None, 1.0, step)


def test_a_rounded_figure_meets_the_precise_one() -> None:
    rounded = _figure(17.8e9, stated_step("$17.8 billion", 17.8e9, share=False))
    precise = _figure(17.84e9, stated_step("$17.84 billion", 17.84e9, share=False))
    assert figures_fit(rounded, precise, DEFAULT_TOLERANCES)
    other = _figure(18.1e9, stated_step("$18.1 billion", 18.1e9, share=False))
    assert not figures_fit(rounded, other, DEFAULT_TOLERANCES)


def test_whole_counts_stay_exact() -> None:
    assert not figures_fit(_figure(230.0), _figure(231.0), DEFAULT_TOLERANCES)


def _measure(phrase: str, value: float, scale: float) -> Figure:
    step = stated_step(phrase, value, share=False, measured=True)
    return Figure(value, None, None, "exact", None, scale, step, True)


def test_a_measurement_is_rounded_and_meets_its_conversion() -> None:
    assert stated_step("22 miles", 22.0, share=False, measured=True) == pytest.approx(0.5)
    assert stated_step("22 miles", 22.0, share=False) == 0.0  # the same words as a count
    mile, km = 1609.344, 1000.0
    assert figures_fit(
        _measure("22 miles", 22, mile), _measure("35 km", 35, km), DEFAULT_TOLERANCES
    )
    assert figures_fit(_measure("6 miles", 6, mile), _measure("10 km", 10, km), DEFAULT_TOLERANCES)
    assert figures_fit(_measure("10 km", 10, km), _measure("10.4 km", 10.4, km), DEFAULT_TOLERANCES)
    # Whole numbers of one unit still differ: the rounding's ends are open.
    assert not figures_fit(_measure("26 km", 26, km), _measure("27 km", 27, km), DEFAULT_TOLERANCES)
    assert not figures_fit(_measure("5 km", 5, km), _measure("10 km", 10, km), DEFAULT_TOLERANCES)


def test_magnitude_bands_split_where_values_lie_further_apart_than_the_span() -> None:
    figures = [_figure(17_000.0), _figure(7.0), _figure(16_500.0), _figure(150.0)]
    # 7 and 150 are within 30 times of each other; 150 and 16,500 are not.
    assert magnitude_bands(figures, DEFAULT_TOLERANCES) == [[1, 3], [2, 0]]
    wide = DEFAULT_TOLERANCES.model_copy(update={"conflict_span": 200.0})
    assert magnitude_bands(figures, wide) == [[1, 3, 2, 0]]
    assert magnitude_bands([_figure(0.0), _figure(500.0)], DEFAULT_TOLERANCES) == [[0, 1]]
