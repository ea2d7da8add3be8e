"""Which figures are one fact: frames that fit, clustered so that every pair fits.

Two figures fit when nothing in their frames tells them apart (`fit`): the same unit
dimension, ordinal and vagueness, both or neither a change ('39 fewer', 'up 5') and both
or neither a part of a group ('64 children' among the dead), the same scope qualifiers
('another', 'already') and the same place ('' is the event's own place or the whole
country), no two different counted things (a generic 'people' meets a specific
'civilians'), no two different happenings (killed vs injured), no two disjoint qualifiers
(teachers vs rail staff; for two durations the qualifier says what they last: '14 years
of Conservative government'), and for counts tied to an occasion (a march, a strike) the
same day: a count for another day or city is another fact, never a revision; a count of a
state now ('190 still in hospital') is not the running tally of what befell them. Running
tallies (the dead, the missing) may come from different days: the later figure may revise
the earlier. Undated figures of any other thing that moves (a share, a sum, a count) in
articles over `drift_days` apart, with values that do not meet, are of two times, unless
two named sources dispute them.

Each pair that fits gets a confidence (1 when entity and happening are stated on both
sides and agree; less when a side leaves a slot open, names only a generic thing, or
when the frame was read from a description) and the slots it matched. Clusters grow by
complete linkage, surest pairs first, so a figure joins a fact only when it fits every
figure already there; one that fits no fact well stays on its own rather than being
chained into one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from service.merge.counted import COUNT_CLASS, classify_unit
from service.merge.frame_words import (
    CLASS_HAPPENINGS,
    OCCASION_HAPPENINGS,
    PEOPLE_NOUNS,
    TALLY_HAPPENINGS,
)
from service.merge.frames import FigureFrame, entity_of, same_party
from service.merge.intervals import days_apart
from service.merge.tokens import dice
from service.merge.tolerances import MergeTolerances

NO_ALIASES: Final[Mapping[str, str]] = MappingProxyType({})
"""No counted thing read as another."""

STEADY_DIMENSIONS: Final = frozenset({"length", "mass", "duration"})
"""Units of things that stay as they are while a story runs (a distance, a depth, an age, a
sentence's length): a figure of them reported a week later is still an account of the same."""


@dataclass(frozen=True, slots=True)
class Fit:
    """How sure two frames are about one thing, and the slots they agree on."""

    confidence: float
    slots: frozenset[str]


def fit(
    a: FigureFrame,
    b: FigureFrame,
    days_a: Days,
    days_b: Days,
    tol: MergeTolerances,
    *,
    lone_place: bool = False,
) -> Fit | None:
    """Whether two figures may be one fact, and how sure that is; None when a slot tells
    them apart (`judge` says which)."""
    return fitted(judge(a, b, days_a, days_b, tol, lone_place=lone_place))


def fitted(judged: Fit | str) -> Fit | None:
    """A judgement as `fit` gives it: the fit, or None for a reason to keep apart."""
    return judged if isinstance(judged, Fit) else None


APART_REASONS: Final = (
    "dimension",
    "ordinal",
    "vague",
    "scope",
    "part",
    "change",
    "period",
    "rate",
    "instance",
    "state",
    "names",
    "owner",
    "place",
    "entity",
    "happening",
    "qualifier",
    "one-sided happening",
    "no happening",
    "one-sided qualifier",
    "time",
)
"""What `judge` may name as setting two figures apart: 'scope' is a scope qualifier
('another', 'already'); 'state' a count of a state now against
the tally of what befell them; 'one-sided ...' a slot one figure leaves open with
descriptions that do not read alike; 'no happening' neither saying what happened with
descriptions that do not read alike."""


def judge(
    a: FigureFrame,
    b: FigureFrame,
    days_a: Days,
    days_b: Days,
    tol: MergeTolerances,
    *,
    lone_place: bool = False,
    aliases: Mapping[str, str] = NO_ALIASES,
    same_figure: bool = False,
    drift: bool = False,
    below: int = 0,
) -> Fit | str:
    """`fit`'s judgement: the fit, or the first of `APART_REASONS` that tells the two
    figures apart. `days_a` / `days_b` are when each holds (its `as_of`, or for an
    occasion count its publication days). `lone_place`: when one figure names a place
    and the other none, no figure of their kind names another place, so the place
    narrows nothing ('killed in Ukraine' where every such count is in Ukraine). The
    thresholds and confidence factors are `tol`'s `like_wording`, `stale_days` and `conf_*`.
    `aliases` reads counted things as others ('seat' as 'mp', `anchors.entity_aliases`).
    `same_figure`: both give one and the same number (whatever its hedge or date), so a
    specific thing counted alike needs no happening ('121 seats' in two accounts of the
    count), and a place one side leaves out is the other's ('55,000 in Paris' and
    '55,000').
    `drift`: their values do not meet and they are no dispute between named sources, so
    undated figures of a moving thing reported over `tol.drift_days` apart are of two
    times (`_same_time`).
    `below`: -1 when every value of `a` lies below every value of `b`, 1 when above, else
    0; a kind of people counted below the people counted may be a part of them ('48
    passengers' of '52 people on board'), so the two are not one fact, unless they are a
    running tally (a later count may be higher whoever it counts)."""
    entity_a, entity_b = aliases.get(a.entity, a.entity), aliases.get(b.entity, b.entity)
    for slot in ("dimension", "ordinal", "vague", "scope"):
        if getattr(a, slot) != getattr(b, slot):
            return slot  # km are not people, '80th' is not 80, 'another 6,000' not 6,000
    if a.part != b.part:
        return "part"  # '64 children' among the dead are not the death toll
    if a.change != b.change:
        return "change"  # '39 fewer' seats are a change, not a count of seats
    if a.period != b.period and ((a.period and b.period) or "last_day" in (a.period, b.period)):
        # one day's count is not the running total 'since Friday', and a count over the
        # 24 hours before a report is neither the event's count nor another day's
        return "period"
    if a.rate != b.rate and ((a.rate and b.rate) or not same_figure):
        # '$1 billion a month' is not the '$5 billion' a strike cost in all; the same
        # figure once with its rate and once without is one ('500,000 cars a year').
        return "rate"
    if a.instance != b.instance:
        return "instance"  # the fifth round of talks is not the second
    if _state_and_tally(a, b) or _state_and_tally(b, a):
        return "state"  # '190 still in hospital' are not the 1,000 injured
    confidence = 1.0
    slots: set[str] = set()
    if a.names and b.names and not a.names & b.names:
        return "names"  # 'the Eaton fire' and 'the Palisades fire'
    if a.owner and b.owner and not same_party(a.owner, b.owner):
        return "owner"  # 'Labour won 412 seats' and 'the Conservatives won 121 seats'
    if a.place != b.place:
        open_side = not (a.place and b.place)
        if not (open_side and (lone_place or same_figure)) or a.elsewhere or b.elsewhere:
            return "place"  # 'Elsewhere in Indonesia' is no lone place of the story's
        confidence *= tol.conf_open_place
    elif a.place:
        slots.add("place")
    if a.entity and b.entity:
        if entity_a == entity_b:
            if not a.generic:
                slots.add("entity")
            else:
                confidence *= tol.conf_generic
        elif _agents_of(a, b) or _agents_of(b, a):
            slots.add("entity")  # people who protested are protesters
        elif _people_and_kind(a.entity, b.entity):
            if below == (1 if a.entity == "person" else -1) and not (a.tally or b.tally):
                return "part"  # '48 passengers' may be some of '52 people on board'
            confidence *= tol.conf_generic
        else:
            return "entity"
    else:
        confidence *= tol.conf_open_entity
    if a.happening and b.happening:
        if a.happening != b.happening:
            return "happening"
        slots.add("happening")
    elif a.happening or b.happening:
        confidence *= tol.conf_open_happening
    else:
        confidence *= tol.conf_no_happening
    if a.qualifier and b.qualifier:
        if not _qualifiers_meet(a, b):
            return "qualifier"
        slots.add("qualifier")
    elif a.qualifier or b.qualifier:
        confidence *= tol.conf_open_qualifier
    wording = dice(a.counted, b.counted) if a.counted and b.counted else None
    # Descriptions read alike when they share words besides the thing counted: 'troops'
    # and 'troops', or 'people' for the class 'person', say nothing more than the entity did,
    # nor does the name of the unit a measure or share is given in ('percent', 'km').
    beyond = {
        word
        for word in (a.counted & b.counted) - {*a.qualifier, *b.qualifier}
        if entity_of(word)[0] not in (a.entity, b.entity) and not _unit_name(word, a.dimension)
    }
    alike = wording is not None and wording >= tol.like_wording and bool(beyond)
    one_sided = bool(a.happening) != bool(b.happening)
    named = (
        (a.named_thing and b.named_thing and entity_a == entity_b)
        or _spans_of(a, b)
        or (a.occurrence and entity_a == entity_b)  # '66 cases' and '64 cases confirmed'
        or (same_figure and entity_a == entity_b and not (a.generic or a.unit_word))
    )
    if one_sided and not alike and not named:
        # '101 soldiers' on a memorial wall are not '2,000 soldiers killed', and 'a
        # million' is not '309 people arrested': a happening one side leaves out must
        # be made up for by descriptions that read alike.
        return "one-sided happening"
    if not (a.happening or b.happening) and not alike and not named:
        # Neither says what happened: the descriptions must read alike, or a city's
        # population would meet a death toll, '26 countries' '2 countries' and a reign's
        # years a relationship's. A sum or measure of a named thing ('damage' in dollars)
        # needs no happening.
        return "no happening"
    if bool(a.qualifier) != bool(b.qualifier) and not alike and entity_a != entity_b:
        # 'Indian nationals on board' is a part of 'people on board'; 'North Korean
        # troops' and 'troops' count the same troops.
        return "one-sided qualifier"
    drift_days = tol.drift_days if drift else None
    if not _same_time(a, b, days_a, days_b, tol.stale_days, drift_days, same_figure=same_figure):
        return "time"
    if days_a is not None and days_b is not None:
        slots.add("time")
    if wording is not None and wording < tol.like_wording / 2:
        confidence *= tol.conf_unlike_wording
    if a.derived or b.derived:
        confidence *= tol.conf_derived
    return Fit(round(confidence, 6), frozenset(slots))


Days = tuple[int, int] | None


def _qualifiers_meet(a: FigureFrame, b: FigureFrame) -> bool:
    """Qualifiers meet when they share a word, and more than a head noun when both say
    which one: 'defence, space and security unit' and 'commercial airplanes unit' are two
    units, 'secondary teachers' and 'primary and secondary teachers' meet."""
    shared = a.qualifier & b.qualifier
    heads = a.qualifier_heads | b.qualifier_heads
    if not shared:
        return False
    if shared - heads:
        return True
    return not (a.qualifier - heads and b.qualifier - heads)


def _unit_name(word: str, dimension: str) -> bool:
    """`word` names a unit of `dimension`, a measure's or a share's ('percent', 'miles')."""
    return dimension != COUNT_CLASS and classify_unit(word)[0] == dimension


def _spans_of(a: FigureFrame, b: FigureFrame) -> bool:
    """Two measures in one unit ('14 years') whose qualifiers say what they measure and
    meet ('years of Conservative government', '... of Conservative-led government'): the
    qualifier is the thing measured, as 'damage' is for a sum in dollars."""
    return (
        a.dimension == b.dimension != COUNT_CLASS
        and a.unit_word
        and b.unit_word
        and bool(a.qualifier and b.qualifier)
        and _qualifiers_meet(a, b)
    )


def _state_and_tally(a: FigureFrame, b: FigureFrame) -> bool:
    """`a` counts a state that holds now ('190 still in hospital') and `b` the running
    tally of what befell them (the injured, the dead): a part that moves both ways, not
    the tally. Against a count of no tally happening the state may still be one fact."""
    return a.current and not b.current and not b.happening.isdisjoint(TALLY_HAPPENINGS)


def _agents_of(a: FigureFrame, b: FigureFrame) -> bool:
    """`a` counts people to whom `b`'s class owes its name: '1.03 million people took to
    the streets' and '240,000 protesters' both count people who protested."""
    happening = CLASS_HAPPENINGS.get(b.entity, "")
    return a.entity == "person" and bool(happening) and happening in a.happening


def _people_and_kind(a: str, b: str) -> bool:
    """'people' meets any kind of people ('civilians'), and nothing else ('families')."""
    return (a == "person" and b in PEOPLE_NOUNS) or (b == "person" and a in PEOPLE_NOUNS)


def _same_time(
    a: FigureFrame,
    b: FigureFrame,
    days_a: Days,
    days_b: Days,
    stale: int,
    drift: int | None,
    *,
    same_figure: bool = False,
) -> bool:
    """Whether two figures can be about the same time. Running tallies always can (a
    later one may revise an earlier one), unless both count the day before their report
    ('over the previous 24 hours'), which like occasion counts must hold on days that
    meet, or both are increments ('another 23 bodies on Tuesday'), which as other
    figures must meet when both are dated (an increment said undated in a later report
    may be any earlier day's).
    Other figures must meet when both are dated; a figure dated well before the other's
    article (a previous year's revenue, an earlier quake) is of another time (`stale` days).
    Given `drift` (days), two undated figures of a thing that moves, from articles further
    apart than that, are of two times: a share, a count or a sum a week later is the
    situation of then, not a second account of the first (a length, a weight or a duration
    is no such thing: `STEADY_DIMENSIONS`). Two undated figures giving the same number
    (`same_figure`) are one figure said again ('about 1,200 jobs' in a report and in a
    follow-up weeks later), however far apart their reports."""
    one_day = a.period == b.period == "last_day"
    increment = a.increment and b.increment  # 'another 23 bodies' on two days: two facts
    if a.tally and b.tally and not (one_day or increment):
        return True
    if days_a is None or days_b is None:
        return True
    gap = days_apart(days_a, days_b)
    if gap <= 0:
        return True
    moving = a.dimension not in STEADY_DIMENSIONS and a.days is None and b.days is None
    if drift is not None and moving and gap > drift:
        return False
    occasion = bool((a.happening | b.happening) & OCCASION_HAPPENINGS)
    if occasion or one_day or (a.days is not None and b.days is not None):
        return False
    if a.days is None and b.days is None and same_figure:
        return True  # 'about 1,200 jobs' said again weeks later: one figure, said twice
    dated, undated = (days_a, days_b) if a.days is not None else (days_b, days_a)
    return dated[1] >= undated[0] - stale


def cluster_frames(
    count: int,
    keys: Sequence[Sequence[Hashable]],
    pair_fit: Callable[[int, int], Fit | None],
    order: Sequence[int],
) -> list[tuple[list[int], float, frozenset[str]]]:
    """Complete-linkage clusters of nodes 0..count-1, surest pairs first.

    Only nodes sharing a blocking key are compared. Returns each cluster (node indices,
    ascending), the lowest confidence of its pairs and the slots every pair matched;
    a lone node has confidence 1 and no slots. Ties are broken by `order`, so the
    result does not depend on the input order.
    """
    postings: dict[Hashable, list[int]] = defaultdict(list)
    for index, node_keys in enumerate(keys):
        for key in set(node_keys):
            postings[key].append(index)
    fits: dict[tuple[int, int], Fit] = {}
    for members in postings.values():
        for x, first in enumerate(members):
            for second in members[x + 1 :]:
                pair = (first, second) if first < second else (second, first)
                if pair not in fits:
                    found = pair_fit(*pair)
                    if found is not None:
                        fits[pair] = found
    ranked = sorted(fits, key=lambda p: (-fits[p].confidence, order[p[0]], order[p[1]]))
    cluster_of = list(range(count))
    members_of: dict[int, list[int]] = {i: [i] for i in range(count)}
    for first, second in ranked:
        ca, cb = cluster_of[first], cluster_of[second]
        if ca == cb:
            continue
        if all((min(x, y), max(x, y)) in fits for x in members_of[ca] for y in members_of[cb]):
            keep, gone = min(ca, cb), max(ca, cb)
            for node in members_of[gone]:
                cluster_of[node] = keep
            members_of[keep].extend(members_of.pop(gone))
    result: list[tuple[list[int], float, frozenset[str]]] = []
    for members in members_of.values():
        nodes = sorted(members)
        pairs = [fits[(x, y)] for i, x in enumerate(nodes) for y in nodes[i + 1 :]]
        if not pairs:
            result.append((nodes, 1.0, frozenset()))
            continue
        confidence = min(p.confidence for p in pairs)
        slots = frozenset.intersection(*(p.slots for p in pairs))
        result.append((nodes, confidence, slots))
    result.sort(key=lambda c: min(order[i] for i in c[0]))
    return result
