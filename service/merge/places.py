"""The place fact: the records' `where`, compared by name and by the gazetteer.

Two places fit when one lies in the other ("Altadena" in "Los Angeles County", "Paris"
in "France", as the gazetteer or a stated country says), or when their names are alike.
They conflict only when they are shown to lie in different countries. Places the
gazetteer does not know and whose names differ stay `compatible`, with a low confidence,
so an editor is asked to check them rather than told they disagree.
"""

from __future__ import annotations

from typing import Final

from rapidfuzz import fuzz

from schemas.consensus import FactStatus
from service.merge.context import MergeContext
from service.merge.drafts import (
    Draft,
    Observation,
    count_outlets,
    grouped_values,
    observe,
    with_outlets,
)
from service.merge.tokens import place_key, plain
from service.merge.tolerances import MergeTolerances
from service.nlp.places import contains, country_of, known_country
from service.nlp.places import fold as fold_place

_UNSURE: Final = 0.5
"""Confidence of two places that may nest but that nothing shows to."""


def build_place_facts(ctx: MergeContext) -> list[Draft]:
    """The one event-place draft, or none when no record names a place."""
    obs: list[Observation] = []
    for record in ctx.records:
        place = record.where
        if place is None:
            continue
        country = (place.country or "").strip()
        text = place.name.strip()
        if country and place_key(country) not in place_key(text):
            text = f"{text}, {country}"
        group = f"{place_key(place.name)}\x1f{place_key(country)}"
        obs.append(observe(ctx, record, place, text, group=group))
    if not obs:
        return []
    groups = sorted({o.group for o in obs})
    names = {plain(g.split("\x1f")[0]) for g in groups}
    countries = {g.split("\x1f")[1] for g in groups} - {""}
    status: FactStatus
    confidence: float | None = None
    if count_outlets(obs) == 1:
        status = "single_source"
    elif len(names) == 1 and len(countries) <= 1:
        status = "agreed"
        confidence = 1.0
    else:
        said = _stated_countries(groups)
        fits = {
            (a, b): _places_fit(ctx.tol, a, b, said)
            for i, a in enumerate(groups)
            for b in groups[i + 1 :]
        }
        status = "conflicting" if False in fits.values() else "compatible"
        confidence = _UNSURE if None in fits.values() else 1.0
        if status == "conflicting" and _lone_dissents(obs, groups, fits):
            # Each other place is one outlet's alone, against a place two or more give:
            # more likely an article's own scene (a dateline, a briefing's city) read as
            # the event's place than outlets disagreeing on where it happened. An editor
            # checks it; it is no conflict.
            status, confidence = "compatible", _UNSURE
    values = grouped_values(ctx, obs, lambda g: g)
    shown = " / ".join(dict.fromkeys(v.text for v in values))
    statement = with_outlets(f"Event place: {shown}", obs)
    if status == "conflicting":
        statement = "Event place: conflicting — " + "; ".join(
            f"{v.text} ({', '.join(v.outlets)})" for v in values
        )
    return [Draft("place", "event place", status, statement, values, obs, confidence=confidence)]


def _lone_dissents(
    obs: list[Observation], groups: list[str], fits: dict[tuple[str, str], bool | None]
) -> bool:
    """Whether the place most outlets back (its own key or one that nests with it) has two
    or more outlets, and every place that conflicts with it only one. `fits` holds
    `_places_fit` of each pair of `groups`, in their order."""
    outlets: dict[str, set[str]] = {g: set() for g in groups}
    for o in obs:
        outlets[o.group].add(o.outlet_key)

    def fit(a: str, b: str) -> bool | None:
        return True if a == b else fits[(a, b) if (a, b) in fits else (b, a)]

    backed = {g: set().union(*(outlets[h] for h in groups if fit(g, h) is True)) for g in groups}
    top = min(groups, key=lambda g: (-len(backed[g]), g))
    apart = [g for g in groups if fit(top, g) is False]
    lone = all(len(backed[g]) == 1 for g in apart)
    return lone and len(backed[top] - set().union(*(outlets[g] for g in apart))) >= 2


def _stated_countries(groups: list[str]) -> dict[str, str]:
    """Place name → the country a record states for it, where the records state one known
    country for that name."""
    stated: dict[str, set[str]] = {}
    for group in groups:
        name, country = group.split("\x1f")
        if country and (known := known_country(country)):
            stated.setdefault(name, set()).add(known)
    return {name: next(iter(c)) for name, c in stated.items() if len(c) == 1}


def _places_fit(tol: MergeTolerances, a: str, b: str, said: dict[str, str]) -> bool | None:
    """Whether two (name, country) place keys can both be right about one event: True
    when they nest or read alike, False when they lie in different countries, None when
    nothing tells. A key's own known country is its country; a bare name takes the
    country the other records state for it (`said`: 'Flores' beside 'Flores, Indonesia'
    is not Uruguay's department), else the gazetteer's reading."""
    name_a, country_a = a.split("\x1f")
    name_b, country_b = b.split("\x1f")
    # A place named in full ('Brenmoor, Westmarch') holds its short name ('Brenmoor'),
    # whichever field the country went to.
    words_a = set(f"{name_a} {country_a}".split())
    words_b = set(f"{name_b} {country_b}".split())
    if words_a <= words_b or words_b <= words_a:
        return True
    # Only countries the gazetteer knows tell places apart: a region or an invented
    # name given as the country is no evidence of another country.
    stated = {known for c in (country_a, country_b) if c and (known := known_country(c))}
    if len(stated) > 1:
        return False
    country = next(iter(stated), "")
    found = {
        _key_country(name_a, country_a, said, country),
        _key_country(name_b, country_b, said, country),
    } - {None}
    if len(found) > 1:
        return False
    if fuzz.ratio(name_a, name_b) >= tol.name_match:
        return True
    if contains(name_a, name_b, country) or contains(name_b, name_a, country):
        return True
    if (country and fold_place(name_a) == country) or fold_place(name_b) == country:
        return True
    return None


def _key_country(name: str, own: str, said: dict[str, str], context: str) -> str | None:
    """The country of one place key: its own if the gazetteer knows it as a country, else
    the one the other records state for the name, else the gazetteer's reading (in
    `context`, the pair's stated country, first)."""
    if own and (known := known_country(own)):
        return known
    return said.get(name) or country_of(name, context)
