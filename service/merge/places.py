"""The place fact: the records' `where`, compared by normalised name.

Places conflict only when their names differ and their stated countries do not match.
"""

from __future__ import annotations

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
    if count_outlets(obs) == 1:
        status = "single_source"
    elif len(names) == 1 and len(countries) <= 1:
        status = "agreed"
    elif all(_places_fit(ctx.tol, a, b) for i, a in enumerate(groups) for b in groups[i + 1 :]):
        status = "compatible"
    else:
        status = "conflicting"
    values = grouped_values(ctx, obs, lambda g: g)
    shown = " / ".join(dict.fromkeys(v.text for v in values))
    statement = with_outlets(f"Event place: {shown}", obs)
    if status == "conflicting":
        statement = "Event place: conflicting — " + "; ".join(
            f"{v.text} ({', '.join(v.outlets)})" for v in values
        )
    return [Draft("place", "event place", status, statement, values, obs)]


def _places_fit(tol: MergeTolerances, a: str, b: str) -> bool:
    """Whether two (name, country) place keys can both be right about one event."""
    name_a, country_a = a.split("\x1f")
    name_b, country_b = b.split("\x1f")
    if country_a and country_b and country_a != country_b:
        return False
    words_a, words_b = set(name_a.split()), set(name_b.split())
    if words_a <= words_b or words_b <= words_a:
        return True
    if fuzz.ratio(name_a, name_b) >= tol.name_match:
        return True
    # Without a gazetteer, a shared stated country is the best sign of nesting.
    return bool(country_a) and country_a == country_b
