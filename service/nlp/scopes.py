"""Where and when a figure holds, read from the dependency parse: its place and time
scope slots (`scopes`), the place of the clause its own clause adds to (`clause_place`)
or of a phrase that opens its sentence (`fronted_place`). `service.nlp.figures` reads the
rest of a figure's frame and calls these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from lexicon import load
from service.nlp.attribution import SAYING, counted_where
from service.nlp.spans import (
    PLACE_LABELS,
    TIME_LABELS,
    Slot,
    by_pronoun,
    clause_verb,
    entity_at,
    is_number,
    name_phrase,
    names_a_place,
    phrase,
    slot,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span, Token

_LEX: Final = load("frames")

WHOLE_COUNTRY_WORDS: Final = frozenset(_LEX.words("parse.whole_country"))
WHOLE_WORLD_WORDS: Final = frozenset(_LEX.words("parse.whole_world"))
_WHOLE_PLACE_WORDS: Final = WHOLE_COUNTRY_WORDS | WHOLE_WORLD_WORDS
OTHER_PLACE_WORDS: Final = frozenset(_LEX.words("parse.other_places"))
"""Adverbs that put a figure somewhere other than the story's place ('abroad', 'elsewhere
in Indonesia'): a place scope with the named place they govern."""
WORLD_NOUNS: Final = frozenset(_LEX.words("parse.world_nouns"))
"""'around the world', 'across the globe': a place scope though no named place."""
PLACE_PREPOSITIONS: Final = frozenset(_LEX.words("parse.place_prepositions"))
_NAMED_PLACE_PREPOSITIONS: Final = frozenset(_LEX.words("parse.named_place_prepositions"))
"""Prepositions that place a figure only before a place's name ('on Harbour Street')."""
PLACE_NOUNS: Final = frozenset(_LEX.words("parse.place_nouns"))
"""Nouns for a place of the story's country that name none ('the capital'): after
'outside' they are a place scope, the rest of the country."""
FACILITY_NOUNS: Final = frozenset(_LEX.words("parse.facility_nouns"))
"""A facility's noun: with a proper noun before it ('Ostrel Hospital'), a named place."""
CAPITAL_NOUNS: Final = frozenset(_LEX.words("parse.capital_nouns"))
"""Nouns for the country's capital: a place scope after any place preposition ('in the
capital'), which the merge reads as the story's own city in a city's story."""
TIME_PREPOSITIONS: Final = frozenset(_LEX.words("parse.time_prepositions"))
PROGRESS: Final = frozenset(_LEX.words("parse.progress"))
"""Verbs whose clause says how far a count had got ('with 87% of the ballots counted')."""
PROGRESS_QUANTIFIERS: Final = frozenset(_LEX.words("parse.progress_quantifiers"))


def scopes(anchors: list[Token], own: Span) -> tuple[Slot | None, Slot | None]:
    """A place and a time attached to the number, its noun or its verb, outside the
    figure's `own` words: the parser may hang the figure's number or hedge on its verb
    as a date ('estimated the crowd at 70', 'lasted about 20 hours'), which dates nothing."""
    place: Slot | None = None
    time: Slot | None = None
    counted: Slot | None = None

    def scope(tokens: list[Token]) -> Slot | None:
        if any(own.start <= t.i < own.end for t in tokens):
            return None
        return slot(tokens)

    for head in anchors:
        if place is None:
            place = scope(_counting_place(head))  # 'Chile reported 190 deaths': in Chile
        # 'had marched, 55,000 of them in Paris': a phrase after another figure's part of
        # the same verb is that part's, which the parser may hang on the verb.
        parts = [i for i in parts_on(head) if i not in range(own.start, own.end)]
        for child in head.children:
            if child.dep_ == "prep" and parts and child.i > min(parts):
                continue
            if child.dep_ == "prep" and (words := _two_word_time(child)) is not None:
                time = time or scope(words)  # 'the toll as of March 4'
                continue
            if child.dep_ == "prep":
                for obj in child.children:
                    if obj.dep_ != "pobj":
                        continue
                    ent = entity_at(obj)
                    label = ent.label_ if ent is not None else ""
                    named = (
                        label in PLACE_LABELS
                        or (obj.pos_ == "PROPN" and names_a_place(obj))
                        or _named_place_noun(obj)
                        or obj.lower_ in WORLD_NOUNS
                        or obj.lemma_ in CAPITAL_NOUNS
                        or (child.lower_ == "outside" and obj.lemma_ in PLACE_NOUNS)
                    )
                    # 'on London's Oxford Street', which the parse may take for a body's
                    # name; a street or site alone ('on Bourbon Street') is where the event
                    # itself happened, and the parse's 'on Windows' is no place
                    along = child.lower_ in _NAMED_PLACE_PREPOSITIONS and (
                        label == "GPE" or _of_a_place(obj)
                    )
                    named = named or along
                    inner = None if named else _inner_place(obj)
                    if inner is not None and child.lower_ in PLACE_PREPOSITIONS:
                        # 'in ten provinces in Turkey': the named place the phrase is in
                        place = place or scope(inner)
                    elif child.lower_ in PLACE_PREPOSITIONS and _counted_places(obj):
                        # 'in 14 states', 'across nine villages of the Tarro district':
                        # those places only, not the whole story's; a named place first
                        counted = counted or scope([child, *phrase(obj)])
                    elif named and (child.lower_ in PLACE_PREPOSITIONS or along):
                        # 'in Tampere County alone': the adverb is no part of the place;
                        # 'in the coastal city of Brenmoor' is Brenmoor
                        name = _name_of_place_noun(obj)
                        words = name_phrase(name or obj) + _joined_places(name or obj)
                        place = place or scope(words if name else [child, *words])
                    elif label in TIME_LABELS and child.lower_ in TIME_PREPOSITIONS:
                        time = time or scope([child, *phrase(obj)])
            elif child.dep_ in ("npadvmod", "advmod", "nmod", "obl"):
                ent = entity_at(child)
                if ent is not None and ent.label_ in TIME_LABELS:
                    time = time or scope(phrase(child))
                elif child.lower_ in _WHOLE_PLACE_WORDS:
                    place = place or scope([child])
                elif child.lower_ in OTHER_PLACE_WORDS:
                    place = place or scope(phrase(child))
    return place or counted, time


def _counting_place(verb: Token) -> list[Token]:
    """A place that is the subject of a verb of counting is where the count was made
    ('Tarro and Kessby recorded 80 and 60 deaths'), with the places joined to it; no words
    for any other subject."""
    for subject in verb.children:
        if subject.dep_ == "nsubj" and counted_where(verb, subject):
            return name_phrase(subject) + _joined_places(subject)
    return []


def _joined_places(place: Token) -> list[Token]:
    """The places joined to a place's name by 'and' ('across Chile and Peru'): a figure
    of both is no figure of the first alone."""
    joined: list[Token] = []
    for conj in place.children:
        if conj.dep_ == "conj" and (
            conj.ent_type_ in PLACE_LABELS or (conj.pos_ == "PROPN" and names_a_place(conj))
        ):
            joined.extend([*name_phrase(conj), *_joined_places(conj)])
    return [t for t in joined if not t.is_space]


def progress_time(number: Token, own: Span) -> Slot | None:
    """The clause beside a figure that says how far a count had got when the figure was
    taken ('With 87% of the ballots counted, Ruiz had 54.3%'; 'Ruiz won 45.5% with all
    precincts reporting'; 'after 91.5% of ballots had been counted', which the parse may
    split into a phrase and the clause right after it): a verb of `PROGRESS` with a share
    or a quantifier of `PROGRESS_QUANTIFIERS`, outside the figure's `own` words."""
    children = [c for c in clause_verb(number).children if c.dep_ in ("advcl", "prep")]
    for index, child in enumerate(children):
        words = list(child.subtree)
        after = children[index + 1] if index + 1 < len(children) else None
        if after is not None and after.dep_ == "advcl" and after.left_edge.i == words[-1].i + 1:
            words += list(after.subtree)  # 'after 91.5% of ballots' | 'had been counted'
        if any(own.start <= t.i < own.end for t in words):
            continue
        progress = any(t.lemma_.lower() in PROGRESS and t.pos_ == "VERB" for t in words)
        share = any(
            t.lower_ in PROGRESS_QUANTIFIERS or (is_number(t) and t.ent_type_ == "PERCENT")
            for t in words
        )
        if progress and share:
            return slot([t for t in words if not t.is_punct])
    return None


def _two_word_time(prep: Token) -> list[Token] | None:
    """'as of March 4', which the parse hangs as a preposition on a preposition: the
    words of the time with both."""
    if prep.lower_ not in TIME_PREPOSITIONS:
        return None
    for inner in prep.children:
        if inner.dep_ != "prep" or inner.i != prep.i + 1 or inner.lower_ not in TIME_PREPOSITIONS:
            continue
        for obj in inner.children:
            ent = entity_at(obj)
            if obj.dep_ == "pobj" and ent is not None and ent.label_ in TIME_LABELS:
                # the whole date ('as of 8 November', 'as of 7 a.m. on Monday')
                return [prep, inner, *ent, *phrase(obj)]
    return None


def _of_a_place(obj: Token) -> bool:
    """A name that a named place owns ('London's Oxford Street', 'Madrid's Puerta del
    Sol'): a place in that place."""
    return obj.pos_ == "PROPN" and any(c.dep_ == "poss" and a_place(c) for c in obj.children)


def parts_on(head: Token) -> list[int]:
    """Where figures that count a part by a pronoun hang on `head` ('had marched, 55,000
    of them in Paris'): a phrase after one is the part's, though the parser may hang it
    on the verb."""
    return [c.i for c in head.children if is_number(c) and by_pronoun(c)]


def _inner_place(obj: Token) -> list[Token] | None:
    """'provinces in Turkey', 'cities across France': the named place a plural place noun
    lies in, with its preposition."""
    if obj.lemma_.lower() not in PLACE_NOUNS or obj.tag_ != "NNS":
        return None
    for child in obj.children:
        if child.dep_ == "prep" and child.lower_ in PLACE_PREPOSITIONS:
            for inner in child.children:
                ent = entity_at(inner)
                if inner.dep_ == "pobj" and ent is not None and ent.label_ in PLACE_LABELS:
                    return [child, *name_phrase(inner)]
    return None


def _counted_places(obj: Token) -> bool:
    """A plural place or facility noun a number counts ('14 states', 'five private
    clinics'): some places of the story's, named or not."""
    noun = obj.lemma_.lower()
    if obj.tag_ != "NNS" or (noun not in PLACE_NOUNS and noun not in FACILITY_NOUNS):
        return False
    return any(c.dep_ == "nummod" and is_number(c) for c in obj.children)


def _name_of_place_noun(obj: Token) -> Token | None:
    """The name in 'the city of Tampere': the proper noun its 'of' phrase holds."""
    if obj.lemma_.lower() not in PLACE_NOUNS:
        return None
    for child in obj.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for o in child.children:
                if o.dep_ == "pobj" and o.pos_ == "PROPN":
                    return o
    return None


def _named_place_noun(obj: Token) -> bool:
    """A place noun a proper name makes one place: 'in Tampere district', 'in the Brenmoor
    county', 'in the city of Tampere' (the tagger takes in the name but not the noun, or
    neither)."""
    noun = obj.lemma_.lower()
    if noun not in PLACE_NOUNS and noun not in FACILITY_NOUNS:
        return False
    named = any(child.dep_ == "compound" and child.pos_ == "PROPN" for child in obj.children)
    return named or _name_of_place_noun(obj) is not None


_CLAUSE_LINKS: Final = frozenset({"advcl", "relcl", "acl", "conj"})
"""How a figure's clause hangs on the one it adds to: a participle ('..., killing five'),
a relative clause ('the explosion, in which seven were hurt') or a second verb."""
_CLAUSE_CLIMB: Final = 3


def clause_place(verb: Token) -> Slot | None:
    """The place of the clause a figure's clause adds to, when its own names none: 'a
    driver steered a car into a market in Magdeburg, killing five people' counts the dead
    in Magdeburg; 'in Tampere, where 43 people died', in Tampere. Climbs participles,
    relative clauses and conjoined verbs, never a verb of saying (where a source spoke is
    not where the count holds)."""
    node = verb
    for _ in range(_CLAUSE_CLIMB):
        if node.dep_ not in _CLAUSE_LINKS or node.head.i == node.i:
            return None
        relative = _where_clause(node)
        if relative is not None:
            # 'in Tampere County, where 43 deaths were confirmed': the clause's place is the
            # place its 'where' stands for
            where = _named_by_copula(relative.head)
            if names_a_place(where):
                opener = where.head if where.dep_ == "pobj" else None
                lead = (
                    [opener] if opener is not None and opener.lower_ in PLACE_PREPOSITIONS else []
                )
                return slot([*lead, *phrase(where)])
        node = node.head
        if node.lemma_ in SAYING:
            return None
        found = _place_below(node, depth=2)
        if found is not None:
            return found
    return None


def _named_by_copula(noun: Token) -> Token:
    """The place a place noun is said to be: 'Ostrel was the worst-hit province, where 120
    people died' is in Ostrel. Any other noun is itself."""
    if noun.dep_ != "attr" or noun.lemma_.lower() not in PLACE_NOUNS:
        return noun
    subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
    return subjects[0] if subjects and names_a_place(subjects[0]) else noun


def with_place(noun: Token) -> Slot | None:
    """A place a figure's counted noun is 'with': 'Quebec, with 80 deaths, was the worst
    hit' and 'followed by Quebec with 80 deaths' (the parse hangs the 'with' on the verb
    whose agent the place is) count the dead in Quebec, and so does 'the Tarro district
    was the hardest-hit one, with 41 deaths and 212 injuries' (the place the area is said
    to be; each joined count too)."""
    while noun.dep_ == "conj" and noun.head.i != noun.i:
        noun = noun.head
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "with" or prep.head.i == prep.i:
        return None
    owners = [prep.head, *_copula_subjects(prep.head)]
    if prep.head.pos_ == "VERB":
        agents = [c for c in prep.head.children if c.dep_ == "agent"]
        owners = [o for a in agents for o in a.children if o.dep_ == "pobj"]
    for owner in owners:
        if names_a_place(owner) or (owner is not prep.head and _named_place_noun(owner)):
            return slot([*(c for c in owner.lefts if c.dep_ == "compound"), owner])
    return None


def _copula_subjects(noun: Token) -> list[Token]:
    """The subject a noun is said to be ('the Tarro district' of 'the Tarro district was
    the hardest-hit one'), or none."""
    if noun.dep_ != "attr" or noun.head.lemma_ != "be":
        return []
    return [c for c in noun.head.children if c.dep_ == "nsubj"]


def _where_clause(node: Token) -> Token | None:
    """The relative clause a 'where' of `node` opens: `node` itself, or the relative clause
    it is joined to ('Peru, whose north was hit and where the toll climbed')."""
    if not any(c.lower_ == "where" for c in node.children):
        return None
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    return node if node.dep_ == "relcl" else None


def fronted_place(number: Token) -> Slot | None:
    """The place of a phrase that opens the figure's sentence, set off by a comma: 'In
    Lyon, police put the crowd at 14,000, while the CGT said 20,000 had marched' counts
    both in Lyon. Said first, it frames the whole sentence, its reported clauses too,
    whichever verb the parse hangs it on. The place is a named place by the entity tagger
    or, as a proper noun it took for something else ('Lyon' as a person), by the
    gazetteer, or a place noun a proper name makes one place ('In Tampere district, ...')."""
    sentence = number.sent
    opener = sentence[0]
    if opener.dep_ != "prep" or opener.lower_ not in PLACE_PREPOSITIONS:
        return None
    objects = [c for c in opener.children if c.dep_ == "pobj"]
    if not objects:
        return None
    words = phrase(objects[0])
    last = max(t.i for t in [opener, *words])
    if last + 1 >= sentence.end or number.doc[last + 1].text != ",":
        return None
    if not (names_a_place(objects[0]) or _named_place_noun(objects[0])):
        return None  # ('In Tampere district, ...' is a named place too)
    return slot([opener, *words])


def _place_below(head: Token, depth: int) -> Slot | None:
    """A named place in a prepositional phrase on `head`, or on such a phrase's noun
    ('into a market in Magdeburg'), `depth` phrases down at most."""
    parts = parts_on(head)
    for child in head.children:
        if child.dep_ == "advmod" and child.lower_ in OTHER_PLACE_WORDS:
            return slot(phrase(child))  # 'Elsewhere in Indonesia, Mount Marapi erupted'
        if child.dep_ != "prep" or (parts and child.i > min(parts)):
            continue
        for obj in child.children:
            if obj.dep_ != "pobj":
                continue
            words = phrase(obj)
            named = any(t.ent_type_ in PLACE_LABELS for t in words)
            if named and child.lower_ in PLACE_PREPOSITIONS:
                return slot([child, *words])
            if depth > 1 and (deeper := _place_below(obj, depth - 1)) is not None:
                return deeper
        # 'In the attack, in Magdeburg, ...': the second phrase hangs on the first's word.
        if depth > 1 and (deeper := _place_below(child, depth - 1)) is not None:
            return deeper
    return None


def a_place(token: Token) -> bool:
    """A place by the tagger's label; a name it gave no label, by the gazetteer."""
    if token.ent_type_:
        return token.ent_type_ in PLACE_LABELS
    return names_a_place(token)
