"""Figure frames: what a figure counts, what happened to it, where and when, normalised.

A record's `Quantity` carries its frame as written (`entity`, `happening`, `qualifier`,
`place_scope`, `time_scope`, `as_of`, `attributed_to`). The merge compares normalised
frames (`FigureFrame`): the happening and the counted thing folded into classes of
meaning (`frame_words`), scope qualifiers ('another', 'already') kept apart from other
qualifiers, a place reduced to a key ('' for the event's own place or the whole
country), and the days the figure holds.

A quantity without a frame (an older record, or a model that filled only `counted`)
gets one read from its `counted` description and its unit, word by word: less sure, and
said so by `FigureFrame.derived`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Final

from lexicon import load
from schemas.record import Quantity
from service.merge.counted import COUNT_CLASS, Clause, classify_unit, is_vague
from service.merge.frame_words import (
    CAPITAL_NOUNS,
    CHANGE_COMPARATIVES,
    CHANGE_MOVEMENTS,
    CHANGE_THAN,
    CLASS_HAPPENINGS,
    CURRENT_WORDS,
    DAY_TIMES,
    DISTRIBUTIVES,
    ENTITY_CLASSES,
    ENTITY_HAPPENINGS,
    GENERIC_ENTITIES,
    HAPPENING_CLASSES,
    LAST_DAY_TIMES,
    MEASURE_NOUNS,
    OCCURRENCE_NOUNS,
    OTHER_PLACES,
    PART_AMONG,
    PART_INCLUDING,
    PART_POINTING,
    PEOPLE_NOUNS,
    PLACE_PREFIXES,
    PROJECTING,
    RATE_NOT_AFTER,
    RATE_OPENERS,
    RATE_UNITS,
    SCOPE_QUALIFIERS,
    SEQUENCE_NOUNS,
    SNAPSHOT_TIMES,
    SPAN_TIMES,
    STOCK_HAPPENINGS,
    TALLY_HAPPENINGS,
    TALLYING_VERBS,
    WHOLE_COUNTRY,
    WHOLE_WORLD,
    WORLD,
)
from service.merge.intervals import day_range
from service.merge.tokens import WORDS, fold, singularise
from service.merge.vocabulary import STOP_WORDS, VAGUE_COUNT
from service.nlp.places import known_country
from service.text.numbers import SMALL, TENS

_NO_DAYS: Final = None


def _phrases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {form: name for name, forms in table.items() for form in forms}


_HAPPENING_FORMS: Final = _phrases(HAPPENING_CLASSES)
_ENTITY_FORMS: Final = _phrases(ENTITY_CLASSES)
_LONGEST_FIRST: Final = tuple(
    sorted(set(_HAPPENING_FORMS) | set(ENTITY_HAPPENINGS), key=lambda p: (-len(p.split()), p))
)


@dataclass(frozen=True, slots=True)
class FigureFrame:
    """A figure's frame, normalised for comparison with other figures."""

    dimension: str
    """'count' for things counted, else the unit's dimension ('percent', 'usd', 'length')."""
    ordinal: bool
    vague: bool
    entity: str
    """The counted thing's class ('person', 'soldier') or its singular word; '' unknown."""
    happening: frozenset[str]
    """Happening classes ('dead'; 'destroyed' + 'damaged' for 'destroyed or damaged')."""
    qualifier: frozenset[str]
    """Qualifier words, singular, stop words and scope words left out; the words before
    the head of the counted noun phrase count too ('young people', 'core loss')."""
    qualifier_heads: frozenset[str]
    """Qualifier words that alone do not say which part: the head noun of the qualifier
    phrase ('unit' of 'defence unit') and the counted noun's own modifiers ('pre-tax' of
    'pre-tax charges'). Two qualifiers sharing only these ('commercial airplanes unit',
    'defence unit') name different parts."""
    scope: frozenset[str]
    """Scope qualifiers ('additional', 'already'): a part of a whole."""
    place: str
    """Where the count applies; '' for the event's own place or the whole country."""
    days: tuple[int, int] | None
    """The days the figure holds, from its `as_of`; None when it states none."""
    counted: frozenset[str]
    """Content words of the `counted` description."""
    derived: bool
    """The frame was read from `counted` alone: the record gave none."""
    snapshot: bool = False
    """Its time scope takes it at a point of time ('by 4 pm', 'as of Tuesday', 'so far'):
    a count in progress, which a later count of its source replaces."""
    elsewhere: bool = False
    """Its place is said to be another than the story's ('abroad', 'elsewhere in
    Indonesia'): a figure with no place is never read as being there."""
    current: bool = False
    """It counts a state that holds at the report ('27 still being treated', the missing,
    the displaced): it moves either way, and it is never the running tally of what befell
    them ('190 still in hospital' are not the 1,000 injured)."""
    instance: float | None = None
    """For an ordinal of a sequence ('the fifth round', 'day 6'), which one: two
    different ones are two facts."""
    period: str = ""
    """'span' when its time scope adds up a stretch of days ('since Friday', 'in all'),
    'day' when it counts one day ('on Monday'), 'last_day' when it counts the day before
    its report ('over the previous 24 hours'), '' when it says none of these."""
    names: frozenset[str] = frozenset()
    """Proper names in the description ('the Eaton fire', 'Boeing's revenue'), folded:
    two figures naming only different ones count different things."""
    owner: tuple[str, ...] = ()
    """The words of the named party whose things are counted or who did what is counted
    ('Labour' won 412 seats), folded: two parties' counts are two facts (`same_party`)."""
    rate: str = ""
    """The unit a figure is given per ('month' for '$1 billion a month', 'share' for '9.97
    per share'); '' for a figure that is no rate: a rate is never the same fact as a total."""

    @property
    def tally(self) -> bool:
        """A running count of things or people: a later figure of one source chain
        revises an earlier one. A count added up over a stretch of days up to its report
        ('since Friday', 'in all': `period` 'span') runs too, whatever happened to the
        things counted; a share or a snapshot ('so far') is left to its own rules."""
        if self.happening & TALLY_HAPPENINGS:
            return self.dimension in _RUNNING
        if self.occurrence or (self.current and self.dimension == COUNT_CLASS):
            return True
        return self.period == "span" and self.dimension == COUNT_CLASS and not self.snapshot

    @property
    def increment(self) -> bool:
        """A count added on top of an earlier one ('another 23 bodies', '8 more'): it
        holds for the day it was added, never an update of another day's."""
        return "additional" in self.scope

    @property
    def occurrence(self) -> bool:
        """A count of occurrences ('66 cases', '848 aftershocks'): the noun says what
        happened, and the count only adds up."""
        return self.dimension == COUNT_CLASS and self.entity in OCCURRENCE_NOUNS

    @property
    def stock(self) -> bool:
        """A tally of a state people leave as days pass ('missing'): it falls as well as
        rises."""
        return self.tally and self.current  # `current` holds for a stock happening too

    @property
    def generic(self) -> bool:
        """The counted thing says little ('people', 'the toll')."""
        return self.entity in GENERIC_ENTITIES or not self.entity

    @property
    def named_thing(self) -> bool:
        """A measure or sum with a thing of its own ('damage' in dollars, 'altitude' in
        feet): the thing alone says what is measured, with no happening."""
        return self.dimension != COUNT_CLASS and not self.generic and not self.unit_word

    unit_word: bool = False
    """The counted thing is only the unit's word ('14 years', '300 kilometres')."""
    part: bool = False
    """The figure counts a part of a larger group ('64 children among the dead'): never
    the same fact as a count of the whole."""
    change: bool = False
    """The figure is a difference ('39 fewer', 'up 5', 'a rise of 3%'): a change of a
    count, never the same fact as the count itself."""


@cache
def _words(text: str) -> tuple[str, ...]:
    return tuple(WORDS.findall(fold(text)))


_RECOVERED: Final = frozenset({"recovered"})
"""The happening class of patients who got well, and of bodies found (see `frame_of`)."""


@cache
def happenings_in(text: str) -> frozenset[str]:
    """Happening classes a phrase names ('destroyed or damaged' → destroyed, damaged)."""
    words = " " + " ".join(_words(text)) + " "
    found: set[str] = set()
    for phrase in _LONGEST_FIRST:
        padded = f" {phrase} "
        if padded in words:
            if phrase in _HAPPENING_FORMS:
                found.add(_HAPPENING_FORMS[phrase])
            else:
                found.add(ENTITY_HAPPENINGS[phrase][1])
            words = words.replace(padded, " | ")
    for word in words.split():
        if word != "|" and word not in STOP_WORDS and word not in _HAPPENING_FORMS:
            stem = _stem(word)
            if stem in _HAPPENING_FORMS:
                found.add(_HAPPENING_FORMS[stem])
    return frozenset(found)


@cache
def happening_stems(text: str) -> frozenset[str]:
    """The content words of a happening as written, reduced by their endings
    ('cancelled' → 'cancell'): for happenings no class names."""
    return frozenset(_stem(w) for w in _words(text) if w not in STOP_WORDS)


def _stem(word: str) -> str:
    """A verb or plural form reduced by its ending ('marches' → 'march', 'cuts' → 'cut')."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + repl
    return word


@cache
def entity_of(text: str) -> tuple[str, str]:
    """(entity class or singular word, happening it implies or '') of a counted noun."""
    words = _words(text)
    if not words:
        return "", ""
    joined = " ".join(words)
    if joined in ENTITY_HAPPENINGS:
        return ENTITY_HAPPENINGS[joined]
    head = words[-1]
    if head in ENTITY_HAPPENINGS:
        return ENTITY_HAPPENINGS[head]
    single = singularise(head)
    entity = _ENTITY_FORMS.get(head) or _ENTITY_FORMS.get(single, single)
    return entity, CLASS_HAPPENINGS.get(entity, "")


@cache
def modifiers_of(entity: str) -> frozenset[str]:
    """The words of a counted noun phrase before its head, singular: 'young people' →
    young, 'core loss per share' → core. A phrase the lexicon knows whole ('death toll')
    has none."""
    words = _words(entity.split(" per ")[0])
    if len(words) < 2 or " ".join(words) in ENTITY_HAPPENINGS or "of" in words:
        return frozenset()  # 'members of the security forces': the head comes first
    conjuncts = " ".join(words).replace(" or ", " and ").split(" and ")
    *before, last = [c.split() for c in conjuncts]
    if any(len(c) != 1 for c in before):
        return frozenset()  # 'police officers and gendarmes': two things, not one
    # 'primary and secondary teachers': each word before the head says which teachers.
    kept = [c[0] for c in before] + last[:-1]
    return frozenset(singularise(w) for w in kept if _says_which(w))


@cache
def qualifier_head(text: str) -> str:
    """The last content word of a qualifier phrase, singular ('' for none)."""
    return next((singularise(w) for w in reversed(_words(text)) if _says_which(w)), "")


def _says_which(word: str) -> bool:
    """A word that can say which of the counted things: not a stop word, a scope word
    ('another') or a number."""
    return (
        word not in STOP_WORDS
        and word not in SCOPE_QUALIFIERS
        and word not in DISTRIBUTIVES
        and not word.isdigit()
    )


@cache
def qualifier_words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(qualifier words, scope qualifiers) of a qualifier phrase."""
    words: set[str] = set()
    scopes: set[str] = set()
    for word in _words(text):
        if word in SCOPE_QUALIFIERS:
            scopes.add(SCOPE_QUALIFIERS[word])
        elif _says_which(word):
            words.add(singularise(word))
    return frozenset(words), frozenset(scopes)


@cache
def place_of(text: str, event_places: frozenset[str]) -> str:
    """The key of a place scope: '' for none, the whole country or the event's place;
    `WORLD` for the whole world. 'The capital' is one city of its own in a story set in a
    whole country, and the story's own place in one set in a city or a region of it (the
    gazetteer knows no capitals: a story set in a city away from the capital that speaks of
    'the capital' is read wrongly)."""
    folded = " ".join(_words(text))
    for prefix in PLACE_PREFIXES:
        keep = prefix.strip() == "outside"
        if folded.startswith(prefix) and not keep:
            folded = folded[len(prefix) :]
            break
    if folded.startswith("the "):
        folded = folded[4:]
    if not folded or folded in WHOLE_COUNTRY or f"the {folded}" in WHOLE_COUNTRY:
        return ""
    folded = _world_key(folded)
    if folded in event_places and folded != WORLD:
        return ""
    if folded in CAPITAL_NOUNS and not all(known_country(place) for place in event_places):
        return ""
    return folded


def _world_key(key: str) -> str:
    """`WORLD` for a place key that means the whole world ('worldwide', 'around the
    globe'), else the key itself."""
    return WORLD if key in WHOLE_WORLD or f"the {key}" in WHOLE_WORLD else key


_RUNNING: Final = frozenset({COUNT_CLASS, "percent"})
"""Dimensions of a running figure: a count ('11 dead') or a share ('27% contained')."""

_NAME: Final = re.compile(r"[A-Z][\w'\u2019-]*")


def proper_names(*texts: str) -> frozenset[str]:
    """Capitalised words inside descriptions, folded; a description's first word counts
    only as a possessive ('Boeing's revenue'), since a capital there may start a sentence."""
    found: set[str] = set()
    for text in texts:
        for index, match in enumerate(re.finditer(r"\S+", text)):
            word = match.group(0).strip('.,;:()"\u201c\u201d')
            if not _NAME.fullmatch(word):
                continue
            possessive = word.endswith(("'s", "\u2019s"))
            if index == 0 and not possessive:
                continue
            folded = fold(word.removesuffix("'s").removesuffix("\u2019s"))
            if folded and folded not in STOP_WORDS:
                found.add(folded)
    return frozenset(found)


def same_party(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two owners' words may name one party: one holds the other's words ('Reform
    UK' and 'Reform'), or one is the other's initials ('GD' and 'Georgian Dream')."""
    if set(a) <= set(b) or set(b) <= set(a):
        return True
    return "".join(w[0] for w in a) in b or "".join(w[0] for w in b) in a


@cache
def _people_group(entity: str) -> str:
    """The group a counted noun names when it is a capitalised plural of people of a
    nation or group ('Argentines', 'Palestinians'; not 'Boeing 737s'), folded and
    singular; '' otherwise."""
    words = entity.split()
    if len(words) != 1 or not _NAME.fullmatch(words[0]) or words[0].isupper():
        return ""
    word = words[0]
    if not word.endswith("s") or word.endswith(("'s", "\u2019s")):
        return ""
    folded = fold(word)
    if folded in _ENTITY_FORMS or folded in ENTITY_HAPPENINGS or folded in STOP_WORDS:
        return ""
    return singularise(folded)


def _content(text: str) -> frozenset[str]:
    return frozenset(singularise(w) for w in _words(text) if w not in STOP_WORDS)


def frame_of(
    quantity: Quantity,
    event_places: frozenset[str],
    clause_scope: Iterable[str] = (),
    *,
    clause_change: bool = False,
    contrast: bool = False,
    clause_part: bool = False,
    clause_current: bool = False,
    clause_rate: str = "",
) -> FigureFrame:
    """The normalised frame of a quantity; `event_places` are the keys of the event's own
    place and country; `clause_scope` the scope words read around the figure in its text,
    `clause_change` whether that clause makes it a difference (`clause_reads_change`);
    `contrast` whether its 'another' contrasts it with an earlier figure (`contrasts`), so
    that the scope its words and clause give it is not 'additional'."""
    dimension, _, unit_noun = classify_unit(quantity.unit)
    derived = not (quantity.entity or quantity.happening)
    entity, implied = entity_of(quantity.entity) if quantity.entity else ("", "")
    if not entity and dimension == COUNT_CLASS and unit_noun:
        entity, implied = entity_of(quantity.unit)
    if not entity and quantity.counted:
        entity, implied = _entity_from_description(quantity.counted)
    elif entity in _COUNT_ITSELF and quantity.counted:
        # 'the count', 'the figure' name the count, not what it counts: the description
        # may ('the count of demonstrators in Marseille' counts demonstrators).
        described = _entity_from_description(quantity.counted)
        if described[0] and described[0] not in GENERIC_ENTITIES:
            entity, implied = described
    happening = happenings_in(quantity.happening) if quantity.happening else frozenset()
    if not happening and derived:
        happening = happenings_in(_happening_words(quantity.counted))
    if not happening and implied:
        happening = frozenset({implied})
    if happening & _RECOVERED and (implied in _HUMAN_FATES or happening & _HUMAN_FATES):
        # 'nine bodies recovered' were found dead: recovering a body is no recovery.
        happening = (happening - _RECOVERED) or frozenset({implied})
    group = _people_group(quantity.entity)
    if group and entity == group:
        entity = "person"  # '1.5 million Argentines' are people of a group
    if happening & _HUMAN_FATES and entity not in PEOPLE_NOUNS and entity not in _ENTITY_FORMS:
        # 'the war dead', '600 dead': only people die, are injured or go missing.
        entity = "person"
    qualifier, scope = qualifier_words(quantity.qualifier)  # a description's are noise
    if group:
        qualifier |= {group}
    heads = frozenset({qualifier_head(quantity.qualifier)} - {""})
    if dimension == "percent":
        # A share is a share of something: '51% stake in Corvina', '49% of Corvina',
        # '40% of teachers'. What it is a share of is its qualifier.
        # A frame read from the description alone takes what it is a share of from there.
        named_by = quantity.entity or (quantity.counted if derived else "")
        of, _ = qualifier_words(named_by) if named_by else (frozenset(), frozenset())
        said = _words(quantity.entity) if quantity.entity else ()
        if not (happening or qualifier) and len(said) == 1 and said[0] not in _ENTITY_FORMS:
            # '27% containment' is '27% contained': a share named by one noun of a
            # happening and nothing else (not a thing: 'votes'; a '10% pay cut' is a share
            # of pay).
            happening = happenings_in(said[0])
            if happening:
                of = frozenset()
        # A share that says nothing of what it is a share of ('49%', '12 per cent', 'a
        # share') says no more than its '%' sign: there is no entity to match. A 'stake'
        # does say (of ownership).
        sign = classify_unit(quantity.entity)[0] == dimension if quantity.entity else False
        named = qualifier | (frozenset() if sign else of - _PARTS)
        qualifier = (qualifier | of) - _SHARE_WORDS
        entity = "share" if named else ""
    elif quantity.entity:
        modifiers = modifiers_of(quantity.entity)
        qualifier |= modifiers
        heads |= modifiers
    # The figure's own words ('another 396 workers') say which part it is as much as the
    # clause around it.
    read = frozenset(clause_scope) | _scope_words(list(_words(quantity.phrase)))
    scope = scope | (read - {"additional"} if contrast else read)
    # So does its description: 'extra prison term' is an extra whether or not the
    # article's own words say 'more'. Beside a frame of its own, only 'extra' is read
    # there ('budget plan' or 'first-round' describe, they do not pick a part); a frame
    # read from the description alone takes every scope word of it.
    _, described_scope = qualifier_words(quantity.counted)
    scope |= described_scope if derived else described_scope & _DESCRIBED_SCOPES
    # The counted thing is only a unit's name: the record's own unit when it measures
    # ('14 years'; a count's unit is the noun it counts, '121 seats'), any unit of
    # measurement ('kilometres' for a figure given in km) or the kind of measure ('a
    # distance of 20 km').
    unit_word = bool(entity) and (
        (dimension != COUNT_CLASS and entity in {singularise(w) for w in _words(quantity.unit)})
        or classify_unit(entity)[0] != COUNT_CLASS
        or (dimension != COUNT_CLASS and entity in MEASURE_NOUNS)
    )
    # A qualifier word that names the figure's own happening says nothing more: the
    # 'death' of 'the death toll' is what befell the dead, not a part of them.
    restating = frozenset(
        w for w in qualifier if (classes := happenings_in(w)) and classes <= happening
    )
    return FigureFrame(
        unit_word=unit_word,
        dimension=dimension,
        ordinal=quantity.ordinal,
        vague=is_vague(quantity.phrase),
        entity=entity,
        happening=happening,
        qualifier=qualifier - {entity} - restating,
        qualifier_heads=heads - {entity} - restating,
        scope=scope,
        place=place_of(quantity.place_scope, event_places) if quantity.place_scope else "",
        elsewhere=bool(OTHER_PLACES.intersection(_words(quantity.place_scope)[:1])),
        days=day_range(quantity.as_of) if quantity.as_of else _NO_DAYS,
        counted=_content(quantity.counted),
        derived=derived,
        names=proper_names(quantity.counted, quantity.entity, quantity.qualifier),
        owner=tuple(w for w in WORDS.findall(fold(quantity.owner)) if w not in STOP_WORDS),
        snapshot=is_snapshot(quantity.time_scope),
        current=clause_current or bool(happening & STOCK_HAPPENINGS) or _held_now(quantity),
        period=time_period(quantity.time_scope),
        rate=rate_in(quantity.phrase, quantity.counted) or clause_rate,
        instance=quantity.value if quantity.ordinal and entity in SEQUENCE_NOUNS else None,
        part=clause_part or bool(PART_AMONG.intersection(_words(quantity.counted))),
        change=clause_change
        or is_change(quantity.phrase, quantity.happening, quantity.time_scope, quantity.counted),
    )


@cache
def is_change(phrase: str, happening: str = "", time_scope: str = "", counted: str = "") -> bool:
    """A figure phrased as a difference: a comparative after its number ('39 fewer',
    not the hedge 'fewer than 100') or in its happening ('lower'), a movement in its
    words ('up 5', 'a rise of 3%'; not 'up to 5'), a description of a movement ('rise in
    Labour's vote') or a time scope that compares ('than in 2019')."""
    words = _words(phrase)
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in CHANGE_COMPARATIVES and following != "than":
            return True
        if word in CHANGE_MOVEMENTS and following not in _LEVEL_AFTER:
            return True
    if any(word in CHANGE_COMPARATIVES for word in _words(happening)):
        return True
    described = [w for w in _words(counted) if w not in STOP_WORDS]
    if described[:1] and described[0] in CHANGE_MOVEMENTS - _PARTICLES:
        return True
    return _words(time_scope)[:1] == ("than",)


_LEVEL_AFTER: Final = frozenset({"to", "from"})
"""'up to 5' is a hedge and 'down from 48' names the level before: no difference."""
_PARTICLES: Final = frozenset({"up", "down"})
"""Movements that are also verb particles ('shot down', 'set up')."""


def clause_reads_part(clause: Clause, *, acted: bool = False, counts: bool = False) -> bool:
    """The clause makes a figure a part of a group: 'among the dead were | 64 children',
    'including | 43 who are feared dead', '12 | of whom were children', '15 | of them
    children' (not 'among the | five most destructive', nor '5 | of whom died'). `acted`:
    the figure has a verb of its own ('500 | of them started already' says what they did,
    not which of them they are). `counts`: the figure is a number alone that counts things
    (`bare_count`; not '52% | of the vote', a share, nor '10 brands | of the group'), so
    'N | of the X' may make it some of the X (`_partitive`)."""
    before = clause.before.split()
    if before and before[-1] in PART_INCLUDING:
        return True
    if _in_breakdown(clause):
        return True
    after = clause.after.split()[:4]
    if len(after) >= 3 and after[0] == "of" and after[1] in PART_POINTING:
        # '12 | of whom were children', '15 | of them children': a part of the group the
        # words point back to; '5 | of whom died' and '41 | of whom are dead' count what
        # befell them, as a toll does, and so does 'killed 15 | of them in the raid'
        said = after[2:]
        if said[0] in _BE:
            return len(said) > 1 and not happenings_in(said[1])
        return (
            after[1] == "them"
            and not acted
            and said[0] not in STOP_WORDS
            and not said[0].endswith("ed")  # 'of them started': what they did
            and not happenings_in(said[0])
        )
    partitive = _partitive(before, clause.trail.split()) if counts else None
    if partitive is not None:
        return partitive
    # 'among the dead were | 64': a form of 'be' after the group ('will be among the
    # leaders from | 26 countries' and 'among the | five most destructive' name the whole).
    if not before or before[-1] not in _BE:
        return False
    return bool(PART_AMONG.intersection(before[-_PART_REACH:-1]))


_BE: Final = frozenset({"were", "was", "are", "is"})
_AUXILIARIES: Final = _BE | frozenset(
    {"be", "been", "being", "have", "has", "had", "will", "would", "could", "may", "might"}
    | {"must", "should", "remain", "remains", "remained"}
)
"""Verbs that open the predicate of a partitive subject ('35 of the dead | had been
identified', '30 of the victims | were children')."""
_PARTITIVE_DETERMINERS: Final = frozenset({"the", "those", "these"})
_SUBORDINATORS: Final = frozenset(
    {"who", "whom", "which", "that", "when", "where", "while", "after", "before", "because"}
    | {"as", "if", "since", "until"}
)
"""Words opening a clause of its own: a verb after one is not the partitive's predicate."""


def _partitive(before: list[str], trail: list[str]) -> bool | None:
    """Whether a figure followed by 'of the X' counts some of the X (a part), or what
    befell them (the count itself); None when no 'of the' follows it.

    As the subject of a predicate: a part ('30 | of the victims were children', '8 | of
    the dead had not been on the plane', '14 | of the injured were hospitalised'), unless
    the predicate says a happening the group's words do not ('241 | of the 242 people
    aboard were killed', '11 | of the 36 people confirmed to have the virus have died',
    '35 | of the dead had been identified': how many were identified). Without such a
    predicate: a part after a preposition ('the names of | 12 of the 14 people killed',
    'accounted for | 27 of the dead'); after a verb, what the verb did ('won | 412 of the
    650 seats', 'killed | 15 of the rebels'), as before."""
    if len(trail) < 3 or trail[0] != "of" or trail[1] not in _PARTITIVE_DETERMINERS:
        return None
    rest = trail[2:]
    opens = next((i for i, w in enumerate(rest) if w in _SUBORDINATORS), len(rest))
    rest = rest[:opens]  # 'who live near the volcano had been moved': another clause's verb
    verb = next(
        (i for i, w in enumerate(rest) if w in _AUXILIARIES and (i == 0 or rest[i - 1] != "to")),
        None,
    )
    if verb is None:
        return bool(before) and before[-1] in _CUTS - _RELATIVE_WORDS  # a preposition

    def befell(words: list[str]) -> frozenset[str]:
        return frozenset(c for w in words for c in happenings_in(w))

    return not (befell(rest[verb + 1 :]) - befell(rest[:verb]))


_BREAKDOWN_WORDS: Final = frozenset({"from", "through", "via"})
"""Prepositions that say through what or from where each part of a whole came ('254
through DNA tests and six through facial recognition', 'one from the club and three from
the organiser'). Not 'by', which also names who did it ('$5 billion lost by the company and
$1.77 billion by its suppliers': an owner each), nor place and time phrases ('in Paris',
'on Monday'), which are scopes of their own."""


def _in_breakdown(clause: Clause) -> bool:
    """The figure is one of a list that breaks a whole down, each with its own phrase of
    one preposition ('254 | through DNA tests and six through facial recognition', 'one
    from the club and | three from the organiser'): a part, not the whole."""
    lead, trail = clause.lead.split(), clause.trail.split()
    if trail and trail[0] in _BREAKDOWN_WORDS and lead and lead[-1] == "and":
        # the last of the list: the same preposition after an earlier number
        word = trail[0]
        if word not in lead[:-1]:
            return False
        return any(_number_word(w) for w in lead[: lead.index(word)])
    for index, word in enumerate(trail):
        if word in _BREAKDOWN_WORDS:
            # an earlier one: 'and <number> <the same preposition>' further on
            rest = trail[index + 1 :]
            return any(
                rest[i] == "and" and _number_word(rest[i + 1]) and rest[i + 2] == word
                for i in range(len(rest) - 2)
            )
        if _number_word(word):
            return False
    return False


def bare_count(quantity: Quantity) -> bool:
    """The figure is a number alone that counts things ('30', 'at least eight'): not a
    share or a measure ('52%'), nor a number with its noun ('10 brands | of the group')."""
    words = _words(quantity.phrase)
    return (
        classify_unit(quantity.unit)[0] == COUNT_CLASS and bool(words) and _number_word(words[-1])
    )


def _number_word(word: str) -> bool:
    """Digits or a number spelled out."""
    return word.replace(",", "").replace(".", "").isdigit() or word in SMALL or word in TENS


def _held_now(quantity: Quantity) -> bool:
    """The figure's own words hold its count as a state now, as the clause after it may
    (`clause_reads_current`): a happening 'still being treated', a phrase '27 remain in
    shelters' (its words after the number)."""
    said = _words(quantity.phrase)
    after = next((i for i, w in enumerate(said) if any(c.isdigit() for c in w)), len(said))
    return any(
        clause_reads_current(Clause("", " ".join(words)))
        for words in (_words(quantity.happening), said[after + 1 :])
    )


_PART_REACH: Final = 4
"""How many words before a figure 'among' may stand to make it a part."""


def clause_reads_current(clause: Clause) -> bool:
    """The words just after a figure hold its count as a state now: '441 | still missing',
    '27 | were still being treated', '4,000 people | remain in shelters' (within
    `_CURRENT_REACH` words, before any other figure or a conjunction that opens the next
    predicate)."""
    if "of" in clause.before.split()[-2:]:
        return False  # '190 of the | 1,000 injured were still in hospital': the 190 are
    for word in clause.after.split()[:_CURRENT_REACH]:
        if any(c.isdigit() for c in word) or word in _NEXT_PREDICATE:
            return False  # 'grew to 13,690 acres and remained at 0% containment'
        if word in CURRENT_WORDS:
            return True
    return False


_CURRENT_REACH: Final = 4
_NEXT_PREDICATE: Final = frozenset({"and", "but", "while", "as", "or"})


def clause_reads_change(clause: Clause, phrase: str = "") -> bool:
    """The clause makes a figure a difference: it ends in a movement ('up 5%', 'shares
    fell 1.1%'; not 'fell to 4,000', a level), or in a movement and 'by' / 'of' ('rose by
    60', 'a rise of 3%'), or goes on with a comparative ('8 points lower than in 2019')."""
    before = clause.before.split()
    after = clause.after.split()
    last = before[-1] if before else ""
    if last in CHANGE_MOVEMENTS and _words(phrase)[:1] not in {("to",), ("from",)}:
        return True
    if last in {"by", "of"} and len(before) > 1 and before[-2] in CHANGE_MOVEMENTS:
        return True
    return len(after) > 1 and after[0] in CHANGE_THAN and after[1] == "than"


_SNAPSHOT_PHRASES: Final = tuple(f" {p} " for p in SNAPSHOT_TIMES)


@cache
def time_period(time_scope: str) -> str:
    """'span' for a time scope opening with a `time.spans` word ('since Friday', 'from
    Friday to Sunday'), 'day' for one opening with a `time.days` word ('on Monday'),
    'last_day' for one holding a `time.last_day` phrase ('over the previous 24 hours':
    the day before its report), else ''."""
    padded = " ".join(_words(time_scope)) + " "
    if any(padded.startswith(f"{word} ") for word in SPAN_TIMES):
        return "span"
    if any(padded.startswith(f"{word} ") for word in DAY_TIMES):
        return "day"
    if any(f" {phrase} " in f" {padded}" for phrase in LAST_DAY_TIMES):
        return "last_day"
    return ""


@cache
def rate_in(*texts: str) -> str:
    """The unit a figure is given per, read in its phrase or description ('$1 billion a
    month', 'vehicles a year', 'per share'), by the `time.rates` words of the frames
    lexicon: 'per' and a noun but 'cent', or an opener and a unit of time not followed by
    a word that dates ('a year ago'). '' when none says one. (A time scope is not read:
    the miner's may be cut short, 'a day' of 'a day after the victory'.)"""
    for text in texts:
        words = _words(text)
        for index, word in enumerate(words):
            after = words[index + 1] if index + 1 < len(words) else ""
            unit = singularise(after)
            beyond = words[index + 2] if index + 2 < len(words) else ""
            if word == "per" and after and after not in {"cent", "percent"}:
                return unit
            if word in RATE_OPENERS and unit in RATE_UNITS and beyond not in RATE_NOT_AFTER:
                return unit
    return ""


def clause_rate(clause: Clause) -> str:
    """The rate the words just after a figure give it ('$1 billion | a month'), within
    `_RATE_REACH` words and before any other figure."""
    after = clause.after.split()[:_RATE_REACH]
    cut = next((i for i, word in enumerate(after) if any(c.isdigit() for c in word)), len(after))
    return rate_in(" ".join(after[:cut]))


_RATE_REACH: Final = 4


@cache
def is_snapshot(time_scope: str) -> bool:
    """A time scope that takes the figure at a point of time ('by 4 pm', 'as of
    Tuesday', 'so far'), by the `time.snapshots` words of the frames lexicon."""
    padded = " " + " ".join(_words(time_scope)) + " "
    return any(phrase in padded for phrase in _SNAPSHOT_PHRASES)


_EN: Final = load("en")
_CUTS: Final = frozenset(_EN.words("figures.phrase_ends"))
_PARTS: Final = frozenset(_EN.words("figures.share_nouns"))
_SHARE_WORDS: Final = _PARTS | frozenset(_EN.words("figures.share_words"))
_CLAUSE_SCOPES: Final = frozenset(_EN.words("figures.clause_scopes"))
"""Scope words read around a figure in its clause ('another 6,000', 'intends to send',
'1,000 of whom are already there')."""
_DESCRIBED_SCOPES: Final = frozenset({"additional"})
"""Scope classes a description gives a figure that has a frame of its own."""
_PLANNED: Final = "planned"
"""The scope of a forecast or plan, read over the figure's whole clause (`clause_scope`)."""
_DETERMINERS: Final = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "these"})
"""Words that open a noun phrase: a scope word after one is its noun's ('the planned cuts')."""
_RELATIVE_WORDS: Final = frozenset({"that", "which", "who", "whom", "whose"})
"""Words opening a clause of its own inside another ('a club that hired ...')."""
_HUMAN_FATES: Final = frozenset(_EN.words("figures.human_fates"))
"""Happenings that befall people only: a thing counted as dead is people."""


def _ends_phrase(word: str, started: bool) -> bool:
    """A preposition, a happening or (after a noun) a participle ends a noun phrase."""
    if word in _CUTS or word in _HAPPENING_FORMS or _stem(word) in _HAPPENING_FORMS:
        return True
    return started and word.endswith(("ed", "ing")) and len(word) > 4


def _happening_words(counted: str) -> str:
    """The words right after a description's first noun phrase, up to a preposition:
    'soldiers killed in Ukraine' → 'killed'; 'ceremonies honouring soldiers killed'
    names no happening of the ceremonies."""
    words = [w for w in _words(counted) if not w.isdigit()]
    started = False
    for index, word in enumerate(words):
        if _ends_phrase(word, started):
            tail: list[str] = []
            for later in words[index:]:
                happening = later in _HAPPENING_FORMS or _stem(later) in _HAPPENING_FORMS
                if not (happening or (tail and later in ("or", "and"))):
                    break
                tail.append(later)
            return " ".join(tail)
        started = started or (word not in STOP_WORDS and word not in SCOPE_QUALIFIERS)
    return ""


_COUNT_ITSELF: Final = GENERIC_ENTITIES - {"person"}
"""Generic counted things that name the count itself ('count', 'figure', 'total'), not
a kind of thing ('people')."""


def _entity_from_description(counted: str) -> tuple[str, str]:
    """The counted thing of a description: the head of its first noun phrase, cut at
    the first happening or preposition ('North Korean soldiers killed in Ukraine' →
    soldier); a generic head or a share gives way to the noun after 'of'."""
    words = [w for w in _words(counted) if not w.isdigit()]
    phrase: list[str] = []
    rest: list[str] = []
    for index, word in enumerate(words):
        if _ends_phrase(word, bool(phrase)):
            rest = words[index:]
            break
        if (word not in STOP_WORDS or word in GENERIC_ENTITIES) and word not in SCOPE_QUALIFIERS:
            phrase.append(word)
    if not phrase:
        return "", ""
    head = phrase[-1]
    generic = singularise(head) in GENERIC_ENTITIES or head in _PARTS
    if generic and rest[:1] == ["of"]:
        following: list[str] = []
        for word in rest[1:]:
            if _ends_phrase(word, bool(following)):
                break
            if word not in STOP_WORDS:
                following.append(word)
        if following:
            return entity_of(following[-1])
    return entity_of(head)


def clause_scope(clause: Clause) -> frozenset[str]:
    """Scope words in a figure's clause ('another 6,000', '1,000 of whom are already
    there'); 'more' only when it is not 'more than'."""
    before = clause.before.split()
    after = clause.after.split()
    # Words beyond another figure are that figure's: in 'cancelled almost 300 flights and
    # rescheduled another 26', 'another' is the 26's, not the 300's.
    numbers = [i for i, word in enumerate(before) if _figure_word(word)]
    if numbers:
        before = before[numbers[-1] + 1 :]
    cut = next((i for i, word in enumerate(after) if _figure_word(word)), len(after))
    if cut < len(after):
        while cut and (after[cut - 1] in SCOPE_QUALIFIERS or after[cut - 1] in {"a", "an"}):
            cut -= 1  # 'and rescheduled another 26': the next figure's own words
    # A forecast governs its whole clause, past another figure ('analysts had expected a
    # loss of $8.82 a share on revenue of $17.94 billion'): both are forecasts. Not past a
    # relative word: in 'fans had predicted a title for a club that hired Ivo Lund on a
    # three-year contract' the contract is real.
    lead = clause.lead.split()
    opens = [i for i, word in enumerate(lead) if word in _RELATIVE_WORDS]
    planned = _scope_words(lead[opens[-1] + 1 :] if opens else lead) & {_PLANNED}
    if _projected(before):
        planned = frozenset({_PLANNED})
    # After the figure, a scope word that follows a preposition or a determiner opens a
    # noun phrase of its own: in '500,000 people marched against planned budget cuts' the
    # cuts are planned, not the march; '50,000 came, more than expected' is no forecast.
    # A scope word right after a number spelled out is that number's: in 'nine bodies had
    # been recovered and one more victim was pinned', the victim is more, not the nine.
    own = [
        word
        for index, word in enumerate(after[:cut])
        if not (index and _opens_own_phrase(after[index - 1]))
    ]
    return _scope_words(before) | _scope_words(own) | planned


def _opens_own_phrase(word: str) -> bool:
    """A preposition, a determiner or a number spelled out: the words after it are its
    own phrase's ('against planned cuts', 'the first days', 'one more victim')."""
    return word in _CUTS or word in _DETERMINERS or _number_word(word)


_PROJECTION_REACH: Final = 4
"""How many words before a figure a modal and its verb may stand ('could rise to | 60')."""


def _projected(before: list[str]) -> bool:
    """A modal of possibility and a verb of tallying just before the figure: 'the toll
    could reach | 20,000', 'could rise to more than | 60' is a projection, not a count."""
    near = before[-_PROJECTION_REACH:]
    return any(modal in PROJECTING and verb in TALLYING_VERBS for modal, verb in pairwise(near))


def _figure_word(word: str) -> bool:
    """A word of another figure: digits or a vague count ('dozens'): in 'the blast killed
    five people and hurt dozens more', 'more' is the dozens'. (A number spelled out is
    left alone: 'in the first three weeks' is no figure of its own.)"""
    return word.isdigit() or VAGUE_COUNT.fullmatch(word) is not None


def _scope_words(words: list[str]) -> frozenset[str]:
    scopes: set[str] = set()
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word == "more" and following == "than":
            continue
        if word in SCOPE_QUALIFIERS and SCOPE_QUALIFIERS[word] in _CLAUSE_SCOPES:
            scopes.add(SCOPE_QUALIFIERS[word])
    return frozenset(scopes)
