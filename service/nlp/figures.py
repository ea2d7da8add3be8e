"""Figure frames read from a dependency parse: what a figure counts and the rest of its frame.

For a figure's span in a parsed article, `read_frame` follows the parse:

* the **number** is the token of the span whose head lies outside it;
* the **counted thing** is the noun the number modifies ('2,000 soldiers'), or the noun
  after 'of' ('30 of the dead', '40% of teachers'), or for a bare number the object or
  subject of the verb it completes ('put the toll at 2,000', 'rose to 23', 'estimated
  the damage at $120 million', 'revenue dropped 5%'), or for a measure the noun it is
  'of' ('a depth of 10 km'); a generic noun ('number of demonstrators') gives way to
  its 'of' noun, a pronoun ('1,000 of whom') to the noun it stands for;
* the **happening** is a participle or state adjective on that noun ('soldiers killed',
  'people missing'), else the verb the noun is subject or object of ('killed 12
  people', 'have been killed') or that sends someone to a span of time ('sentenced Ivo
  Lund to 14 years'), with the words after it that make one happening phrase with it
  ('stopped work', 'walked out'), skipping verbs of saying and of tallying ('the
  toll rose to'), whose complement is used instead ('were on strike'; after a linking
  verb a state: 'remained under evacuation orders', 'are in hospital');
* the **qualifier** is the noun's other modifiers ('North Korean', 'additional');
* the **place** and **time** are a place or date attached to the number, the noun or the
  verb by a preposition ('in Paris', 'on Thursday', 'nationwide', 'around the world'); a
  date may also hang on the preposition the figure is the object of ('down from 17.06%
  on Sept. 18'); `service.nlp.scopes` reads them;
* the **source** is who gives the figure (`service.nlp.attribution`): the subject of the
  nearest verb of saying above it ('police said', 'the ministry put the figure at'), or
  that clause's 'according to';
* the **owner** is a named party the counted things belong to or that did what the figure
  counts: the possessor of the noun ('Boeing's revenue'), else the named subject or 'by'
  agent of the verb the figure is the object of ('Labour won 412 seats', 'seats won by
  Labour'), or for a span someone is sent to, that someone ('sentenced Ivo Lund to 14
  years'); never the subject of a verb of saying or tallying, which gives the figure.

Each slot keeps its character span. What the parse leaves open stays empty: the LLM may
label it, and the merge compares what is there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from lexicon import load
from service.nlp.attribution import (
    SAYING,
    SOURCE_HEADS,
    TAKEN_LIVES,
    TALLYING,
    denying_word,
    figure_source,
    gives_figures,
    in_dateline,
    takes_lives,
)
from service.nlp.scopes import (
    CAPITAL_NOUNS,
    PLACE_NOUNS,
    WORLD_NOUNS,
    a_place,
    clause_place,
    fronted_place,
    progress_time,
    scopes,
    with_place,
)
from service.nlp.spans import (
    PLACE_LABELS,
    PRONOUNS,
    TIME_LABELS,
    Slot,
    by_pronoun,
    clause_verb,
    entity_at,
    is_number,
    name_phrase,
    of_noun,
    phrase,
    slot,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

_LEX: Final = load("frames")


GENERIC_NOUNS: Final = frozenset(_LEX.words("parse.count_nouns"))
"""Nouns that stand for the count itself: their 'of' noun is the counted thing."""
_PERSON_WORDS: Final = frozenset(_LEX.groups("things.classes")["person"])
"""Nouns that say only that people are counted ('212 people'), nothing of which."""

STATE_WORDS: Final = frozenset(_LEX.words("parse.states"))
"""Adjectives that say what happened to the counted things, not which of them."""

_FATES: Final = frozenset(
    form
    for name, forms in _LEX.groups("happenings.classes").items()
    if name in _LEX.words("happenings.tallies")
    for form in forms
)
"""Words of a running tally's happening (killed, injured, missing): what befell the
counted things, which outranks where they were sent or what they were doing."""
_HAPPENING_PHRASES: Final = frozenset(
    form for forms in _LEX.groups("happenings.classes").values() for form in forms if " " in form
)
_PHRASE_WORDS: Final = max((len(p.split()) for p in _HAPPENING_PHRASES), default=1)
RELATIVES: Final = frozenset({"whom", "which", "who", "that"})
_SOURCE_LABELS: Final = frozenset({"ORG", "PERSON", "GPE", "NORP"})
_LOOKBACK_TOKENS: Final = 60


@dataclass(frozen=True, slots=True)
class FrameReading:
    """The frame the parse gives one figure; None where it says nothing."""

    entity: Slot | None = None
    happening: Slot | None = None
    qualifier: Slot | None = None
    place: Slot | None = None
    time: Slot | None = None
    source: Slot | None = None
    sourced: bool = False
    """The parse found the words that give the figure (`attribution.figure_source`), even
    where they name no one: then `source` None means no one, not unknown."""
    owner: Slot | None = None

    def as_dict(self) -> dict[str, Slot]:
        """The filled slots by name."""
        named = {
            "entity": self.entity,
            "happening": self.happening,
            "qualifier": self.qualifier,
            "place_scope": self.place,
            "time_scope": self.time,
            "source": self.source,
            "owner": self.owner,
        }
        return {name: slot for name, slot in named.items() if slot is not None}


def _anchor(span: Span) -> Token:
    numbers = [t for t in span if is_number(t)]
    if not numbers:
        return span.root
    inside = range(span.start, span.end)
    for token in reversed(numbers):
        if token.head.i not in inside or token.head.i == token.i or not is_number(token.head):
            return token
    return numbers[-1]


def _antecedent(pronoun: Token) -> Token | None:
    """The noun a pronoun stands for: the one a relative clause hangs on, else the
    nearest plural noun before it."""
    if pronoun.lower_ in RELATIVES:
        head = pronoun
        while head.dep_ != "relcl" and head.head.i != head.i:
            head = head.head
        if head.dep_ == "relcl":
            return head.head
    doc = pronoun.doc
    for token in reversed(doc[max(0, pronoun.i - _LOOKBACK_TOKENS) : pronoun.i]):
        if token.tag_ == "NNS" and token.lemma_.lower() not in GENERIC_NOUNS:
            return token
    return None


def _units(*dimensions: str) -> frozenset[str]:
    """The units of these dimensions, as the merge reads them (`figures.measures`)."""
    en = load("en")
    return frozenset(u for d in dimensions for u in en.numbers(f"figures.measures.{d}"))


_SPATIAL_UNITS: Final = _units("length", "mass")
_DURATION_UNITS: Final = _units("duration")


def _lasting(noun: Token) -> Slot | None:
    """What a span of time is of: 'seven days of national mourning', '14 years of
    Conservative government'. Two spans are one fact only when these words meet."""
    if noun.lemma_.lower() not in _DURATION_UNITS:
        return None
    of = of_noun(noun)
    return (
        slot([t for t in phrase(of) if t.dep_ not in ("det", "punct")]) if of is not None else None
    )


def _measured(number: Token) -> bool:
    """The number is a measure in a unit ('10 km', '7.4 metres'), not a count of things:
    by the named entity around it, or by its unit when the tagger took the figure for a
    bare number ('about 500 km' as a cardinal 'about 500')."""
    ent = entity_at(number)
    if ent is not None and ent.label_ == "QUANTITY":
        return True
    unit = number.head if number.dep_ == "nummod" else None
    return unit is not None and unit.lemma_.lower() in _SPATIAL_UNITS


_PERCENT_WORDS: Final = frozenset({"%", "percent", "per", "cent", "pct"})


def _counted_noun(number: Token, *, share: bool = False) -> Token | None:
    noun: Token | None = None
    head = number.head
    if number.dep_ in ("nummod", "quantmod", "compound", "amod") and head.pos_ in (
        "NOUN",
        "PROPN",
    ):
        noun = head
    if (
        noun is None
        and number.dep_ == "compound"
        and is_number(head)
        and head.dep_ == "nummod"
        and "/" not in head.text  # '2 1/2 days' is one number
    ):
        # 'two 5.8 magnitude tremors', 'three 500-pound bombs': the first number counts
        # what the second one measures
        noun = head.head if head.head.pos_ == "NOUN" else None
    if (
        noun is not None
        and noun.dep_ == "pobj"
        and noun.head.lower_ == "of"
        and noun.head.head.pos_ == "NOUN"
        and _measured(number)
    ):
        noun = noun.head.head  # 'a depth of 10 km': the depth is what is measured
    if noun is not None and noun.lower_ in _PERCENT_WORDS and not share:
        # '40% of teachers'; 'a 51% stake': the share's 'of' noun, or the noun it modifies;
        # else the sign stands where a bare number would ('turnout was 59.9%', 'a vote
        # share of 33.7%', 'a pay rise of 35%').
        climbed = noun.head if noun.dep_ in ("compound", "amod", "nmod", "nummod") else None
        noun = of_noun(noun) or climbed or _counted_noun(noun, share=True) or noun
    if noun is None:
        noun = of_noun(number)
        if noun is not None and is_number(noun):
            noun = _counted_noun(noun)  # '190 of the 1,000 injured': what the 1,000 count
    follows = number.doc[number.i + 1] if number.i + 1 < len(number.doc) else None
    described = follows is not None and follows.lower_ in STATE_WORDS
    if (
        noun is None
        and number.dep_ == "pobj"
        and head.dep_ in ("prep", "agent")
        and not described  # 'well above the 35 injured': the state word says what it counts
    ):
        verb = head.head
        if verb.pos_ in ("VERB", "AUX"):
            # 'its assessment puts the toll at 2,000': the object is what is counted; the
            # subject of a verb of saying ('the ministry put ...') is the source.
            deps = (
                ("dobj", "nsubjpass") if verb.lemma_ in SAYING else ("dobj", "nsubjpass", "nsubj")
            )
            for dep in deps:
                found = [
                    c
                    for c in verb.children
                    if c.dep_ == dep
                    and c.pos_ in ("NOUN", "PROPN", "PRON")
                    and not in_dateline(c)  # 'CEBU CITY (Wire) - The toll has risen to 72'
                ]
                if found:
                    noun = found[0]
                    break
        elif verb.pos_ == "NOUN":
            noun = verb  # 'a loss of $6 billion', 'put the damage at $120 million'
    if (
        noun is None
        and number.dep_ in ("attr", "nsubj", "dobj", "nsubjpass", "npadvmod")
        and head.pos_ in ("AUX", "VERB")
        and not _own_state(number)
    ):
        # 'the toll reached 2,056', 'the crowd was 50,000': the subject is what the figure
        # counts; the subject of a verb of saying or counting that takes the figure as its
        # object is who counts ('the ministry counted more than 500,000').
        saying = number.dep_ == "dobj" and head.lemma_ in SAYING
        inflicted = number.dep_ in ("dobj", "npadvmod") and _inflicting(head)
        # 'officials named the 14 who died': a figure its own relative clause describes
        # counts those, not the subject of the verb that takes it
        acting = number.dep_ == "dobj" and any(
            c.dep_ == "relcl" and _relative_subject(c) for c in number.children
        )
        for child in () if inflicted or acting else head.children:  # 'the floods killed 12
            if (
                child.dep_ in (("attr", "nsubjpass") if saying else ("nsubj", "attr", "nsubjpass"))
                and child.i != number.i
                and child.pos_ in ("NOUN", "PROPN")
            ):
                noun = child
    if noun is not None:
        # 'a toll of soldiers': what the toll counts; 'the count of 65', 'a total of
        # 1,200': the 'of' is the figure itself, so the generic noun stays.
        noun = _of_count(noun) or noun
    if noun is not None and noun.lower_ in PRONOUNS:
        noun = _antecedent(noun) or noun
    return noun


_DESCRIBING: Final = frozenset({"amod", "acl", "relcl", "compound", "appos"})


_MEASURE_LABELS: Final = TIME_LABELS | {"MONEY", "PERCENT", "QUANTITY"}


def _with_joined(noun: Token, number: Token) -> list[Token]:
    """The counted noun and a noun joined to it right after by 'and' or 'or' with no number
    of its own: '54 passengers and crew' counts both ('50 passengers and three crew'
    does not). Not for a measure ('three hours'), a noun the number does not itself count, or
    where a clause or a participle goes on after the joined noun ('lasted three hours and
    transport ran', 'would pay 2 billion dollars and insurers 1 billion')."""
    doc = noun.doc
    ent = entity_at(number)
    follows = doc[noun.i + 1] if noun.i + 1 < len(doc) else None
    if (
        follows is None
        or follows.dep_ != "cc"
        or follows.lower_ not in ("and", "or")
        or number.head.i != noun.i
        or _measured(number)
        or (ent is not None and ent.label_ in _MEASURE_LABELS)  # 'three hours', '$5 million'
    ):
        return [noun]
    for conj in noun.children:
        if conj.dep_ != "conj" or conj.pos_ != "NOUN":
            continue
        words = phrase(conj)
        end = max(t.i for t in words) + 1
        after = doc[end] if end < len(doc) else None
        goes_on = after is not None and (
            is_number(after)
            or after.tag_ == "VBG"  # 'claimed 40 lives and relief groups warning'
            or (
                after.pos_ in ("VERB", "AUX")
                and after.i != noun.head.i
                and after.dep_ not in ("aux", "auxpass")  # 'soldiers and police were sent'
                and after.head.i in (noun.i, noun.head.i, conj.i)
            )
        )
        if (
            min(t.i for t in words) == noun.i + 2
            and not any(is_number(t) or t.dep_ in ("nummod", "det") for t in words)
            and not goes_on
        ):
            return [noun, conj]
    return [noun]


def _of_count(noun: Token) -> Token | None:
    """What a count noun counts: its 'of' noun ('the number of deaths'), unless that is
    the figure itself ('a total of 1,200'); None for any other noun."""
    if noun.lemma_.lower() not in GENERIC_NOUNS:
        return None
    of = of_noun(noun)
    return of if of is not None and not is_number(of) else None


def _count_of(noun: Token) -> Token | None:
    """The count noun whose 'of' names `noun` ('the number' of 'the number of lives')."""
    of = noun.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
    count = of.head if of is not None else None
    return count if count is not None and count.lemma_.lower() in GENERIC_NOUNS else None


def _tally_level(noun: Token) -> Token | None:
    """'The death toll rose to 212 people', 'the number of deaths reached 212 people',
    'put the toll at 212 people': people and nothing more said of them are the level a
    count reached, so the count (its subject or object) says what they are; a verb's other
    nouns ('the city has 2 million people', 'counted 500 people') are no count, nor is a
    count that names nothing ('the tally had included 2,400 people')."""
    if noun.lower_ not in _PERSON_WORDS or any(c.dep_ in _DESCRIBING for c in noun.children):
        return None
    if noun.dep_ == "pobj" and noun.head.lower_ in ("to", "at"):
        verb = noun.head.head
    elif noun.dep_ in ("dobj", "attr"):
        verb = noun.head
    else:
        return None
    if verb.pos_ not in ("VERB", "AUX") or verb.lemma_ not in TALLYING | SAYING:
        return None
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass", "dobj") or child.i == noun.i:
            continue
        if child.lower_ in _FATES:
            return child  # 'the death toll'
        of = _of_count(child)
        if of is not None:
            return of  # 'the number of deaths'; 'the tally' alone says nothing
    return None


def _qualifier(noun: Token, number: Token) -> Slot | None:
    words: list[Token] = []
    # 'two 5.8 magnitude tremors': the words after the other number are its measure
    measured = number.head.i if number.dep_ == "compound" and is_number(number.head) else None
    for child in noun.lefts:
        if child.i == number.i or is_number(child) or not child.text[:1].isalpha():
            continue
        if measured is not None and child.i > measured:
            continue
        if child.dep_ == "det" and child.lower_ in ("another", "other"):
            words.append(child)
        elif child.dep_ in ("amod", "compound", "nmod") and not (
            child.tag_ in ("VBN", "VBG") or child.lower_ in STATE_WORDS - {"additional"}
        ):
            words.extend(t for t in child.subtree if not is_number(t) and t.dep_ != "punct")
    for child in number.lefts:
        if child.dep_ in ("amod", "advmod") and child.lower_ in ("first", "another", "additional"):
            words.append(child)
    return slot(words)


def _measure_of(noun: Token, number: Token) -> Slot | None:
    """What a measure given only by its unit measures: the named point it is taken from,
    read from the word the unit hangs on ('800 km east of Bali', '80 km from Skopje'). Two
    such measures are one fact only when these words meet. A bare '330 km away' or '1,584
    metres tall' names no point, and a common noun ('4 km from the crater') no one point:
    in a story of one volcano every distance may be taken from its crater."""
    if noun.dep_ != "npadvmod" or not _measured(number):
        return None
    head = noun.head
    if head.pos_ not in ("ADV", "ADJ", "ADP"):
        return None
    point = [
        t
        for child in head.children
        if child.dep_ in ("prep", "pobj") and child.i > noun.i
        for t in child.subtree
        if t.dep_ not in ("det", "punct")
    ]
    if not any(t.pos_ == "PROPN" for t in point):
        return None  # 'from the crater': every distance in an eruption story is taken so
    return slot(point if head.pos_ == "ADP" else [head, *point])


def _whole_named(noun: Token) -> tuple[Token, Token] | None:
    """(the whole, its name) of a count that is the size of a named thing: 'Mandalay, a
    city of about 1.5 million people' counts the city's people, 'Kocani, a town of 20,000
    people' the town's; the name sets it apart from another city's size."""
    whole = _part_of(noun)
    if whole is None or whole.pos_ != "NOUN" or whole.lemma_.lower() in GENERIC_NOUNS:
        return None
    name = _named_by(whole)
    return (whole, name) if name is not None else None


def _named_by(whole: Token) -> Token | None:
    """The proper noun in apposition with `whole`: 'Kocani' of 'Kocani, a town of ...' or
    of 'a town, Kocani'."""
    if whole.dep_ == "appos" and whole.head.pos_ == "PROPN":
        return whole.head
    return next((c for c in whole.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)


def _sized_place(noun: Token, number: Token) -> Token | None:
    """The name of a place a bare number sizes: 'Kocani, a town of 25,000', 'a city of 1.5
    million' (no noun after the number) count the place's people; None otherwise."""
    whole = _part_of(number)
    if noun.lemma_.lower() not in PLACE_NOUNS or whole is None or whole.i != noun.i:
        return None
    return _named_by(noun)


def _among(number: Token) -> Slot | None:
    """'6.13% in secondary schools', '40 among civilians': the group a figure is taken
    in, when it is no place or date."""
    for child in number.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "among"):
            for obj in child.children:
                ent = entity_at(obj)
                if obj.dep_ == "pobj" and (
                    ent is None or ent.label_ not in PLACE_LABELS | TIME_LABELS
                ):
                    return slot(phrase(obj))
    return None


def _happening(
    noun: Token | None, number: Token, *, clause: bool = True
) -> tuple[Slot | None, Token | None]:
    """What happened to the counted things, and the verb the figure hangs on. A fate
    ('killed', 'missing') outranks a movement or an activity ('sent', 'fighting'):
    '2,000 soldiers sent to Russia have been killed' counts the killed. Without `clause`,
    only the noun's own words count ('the 14 people killed'), not its clause's verb."""
    found: list[tuple[Slot, Token | None]] = []
    base = noun if noun is not None else number
    after = number.doc[number.i + 1] if number.i + 1 < len(number.doc) else None
    if noun is None and number.head.i > number.i and number.head.lower_ in STATE_WORDS:
        after = number.head  # 'with 50 feared dead': the state word the number hangs on
    if noun is None and after is not None and after.lower_ in STATE_WORDS:
        # '51 dead and more than 100 injured': the state word after a bare number is what
        # befell the people it counts, however the parse attached it
        state = slot([after])
        if state is not None:
            found.append((state, None))
    for child in base.children:
        if child.dep_ == "relcl" and child.i > base.i and noun is None and _relative_subject(child):
            # 'the 14 who died in the fire': what befell those the bare number counts
            words = slot([child, *(c for c in child.children if c.dep_ in ("prt", "acomp"))])
            if words is not None:
                found.append((words, child))
            continue
        if (
            child.dep_ in ("amod", "acl", "relcl")
            and child.i != number.i
            and (child.tag_ in ("VBN", "VBG") or child.lower_ in STATE_WORDS)
            and not (child.lemma_ in SAYING and gives_figures(child))  # not 'placed in custody'
            and child.lower_ != "additional"
            and not _done_to_object(child)  # 'earthquakes killed 23 people', read as 'killed'
        ):
            words = slot([child, *(c for c in child.children if c.dep_ == "prt")])
            states = [
                c for c in child.children if c.dep_ in ("oprd", "acomp") and c.lower_ in STATE_WORDS
            ]
            if states:
                words = slot(states[:1])  # '30 feared dead': the state, not 'feared'
            if words is not None:
                found.append((words, child))
        if child.dep_ == "prep" and child.lower_ in ("on", "aboard") and child.i > base.i:
            objects = [o for o in child.children if o.dep_ == "pobj" and not o.ent_type_]
            if objects and objects[0].lower_ in ("board", "strike"):
                words = slot([child, objects[0]])
                if words is not None:
                    found.append((words, None))
    verb_slot, verb = _governing(base, number) if clause else (None, None)
    if noun is None and _own_state(number):
        verb_slot = None  # 'Police confirm 7 dead, 22 injured': the 22 were injured
    if verb_slot is not None:
        found.insert(0, (verb_slot, verb))  # the clause's own verb before modifiers
    for words, head in found:
        if _fate(words):
            return words, head if head is not None else verb
    if found:
        return found[0][0], verb if verb is not None else found[0][1]
    return None, verb


def _own_state(number: Token) -> bool:
    """A bare number the parse hangs on a clause's verb as a loose modifier, with the
    state or participle of its own right after it: one item of a list ('Police confirm 7
    dead, 22 injured', '7 people confirmed dead, 22 wounded'), which counts those its own
    word describes, not the verb's subject or complement."""
    if number.dep_ != "npadvmod":
        return False
    follows = number.doc[number.i + 1] if number.i + 1 < len(number.doc) else None
    return follows is not None and (
        follows.lower_ in STATE_WORDS
        or (follows.dep_ == "acl" and follows.head.i == number.i and follows.tag_ == "VBN")
    )


def _with_joined_fates(doc: Doc, happening: Slot | None) -> Slot | None:
    """A one-word fate with another 'or' joins right after it ('were dead or injured',
    'killed or wounded', 'dead or missing'): one count of either, never of the first
    alone. An 'and' may join two things befalling the same people ('recovered and
    identified') or two counts ('12 killed and 40 injured'): each word keeps its own."""
    if happening is None:
        return None
    words = doc.char_span(happening.start, happening.end)
    if words is None or len(words) != 1 or words[0].lower_ not in _FATES:
        return happening
    fate = words[0]
    after = doc[fate.i + 1 : fate.i + 3]
    joined = (
        len(after) == 2
        and after[0].lower_ == "or"
        and after[1].lower_ in _FATES
        and after[1].dep_ == "conj"
        and after[1].head.i == fate.i
    )
    return slot([fate, after[1]]) if joined else happening


def _relative_subject(clause: Token) -> bool:
    """The relative clause's subject is its relative pronoun ('who died'), so the clause
    says what its head did or met."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVES for c in clause.children)


def _fate(words: Slot) -> bool:
    folded = words.text.casefold()
    return folded in _FATES or folded.split()[-1] in _FATES


_LINKING: Final = frozenset(_LEX.words("parse.linking"))
_UNDERGONE: Final = frozenset(_LEX.words("parse.undergone_with_object"))
"""Verbs of a fate whose subject meets it even with an object ('survived the crash')."""
_STATE_PREPOSITIONS: Final = frozenset(_LEX.words("parse.state_prepositions"))
"""Prepositions whose phrase after a linking verb ('be', 'remain') is a state of the
counted things ('in hospital', 'under evacuation orders', 'without power'), unless it
names a place or a time; after a verb of movement it is not ('rose 8% in early trading')."""
_PLACE_WORDS: Final = (
    frozenset(_LEX.words("parse.place_words")) | PLACE_NOUNS | CAPITAL_NOUNS | WORLD_NOUNS
)


def _state_noun(obj: Token) -> bool:
    """The object of a state phrase: no name, date or number, and no place ('in the
    capital', 'in the country')."""
    return obj.pos_ == "NOUN" and not (
        obj.ent_type_ or is_number(obj) or obj.lemma_.lower() in _PLACE_WORDS
    )


def _state_words(obj: Token) -> list[Token]:
    """'mandatory evacuation orders', 'intensive care': the object with its modifiers, no
    article."""
    return [t for t in obj.subtree if t.i <= obj.i and t.dep_ not in ("det", "poss", "punct")]


_LEFT_IN: Final = frozenset({"oprd", "acomp", "advcl", "xcomp"})
"""How the parse hangs a state word after a verb's object ('left 5,000 residents homeless',
'leaving two others missing')."""


def _perfect(verb: Token) -> bool:
    """A perfect infinitive ('to have died', 'to have been killed'): something that
    happened, not one to come ('expected to be evacuated')."""
    return any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def _inflicting(verb: Token) -> bool:
    """An active verb of a fate that its subject does to its object ('killed', 'destroyed'),
    not one its subject meets whatever it takes ('survived the crash', 'fled their homes')."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return False  # 'nine bodies had been recovered, not 10': the bodies met it
    return verb.lemma_ not in _UNDERGONE and (verb.lower_ in _FATES or verb.lemma_ in _FATES)


def _done_to_object(verb: Token) -> bool:
    """An active verb of a fate with an object does it to the object: 'two earthquakes
    killed 23 people', 'three fires destroyed 300 homes' (its subject did it), unless the
    verb's subject meets the fate whatever it takes ('survived the crash', 'fled their
    homes'), the object is the fate ('lost their lives') or a place it left ('evacuated
    the town'). The parse may take a bare number for an adverb ('killed | at least 23'),
    and the next count of a list for an object ('60 others injured and 300 homes
    destroyed', whose homes have a fate of their own)."""
    return _inflicting(verb) and any(
        (child.dep_ == "dobj" or (child.dep_ == "npadvmod" and is_number(child)))
        and child.lower_ not in _FATES
        and child.lower_ not in TAKEN_LIVES
        and child.ent_type_ not in PLACE_LABELS
        and child.lemma_.lower() not in _PLACE_WORDS
        and not any(c.dep_ == "acl" and c.tag_ == "VBN" for c in child.children)
        for child in verb.children
    )


def _governing(base: Token, number: Token) -> tuple[Slot | None, Token | None]:
    """The verb the counted noun (or the bare number) is subject or object of, as a
    happening; a verb of saying or tallying gives its complement instead ('were on
    strike'), or nothing."""
    node = base
    while node.dep_ in ("conj", "appos") and node.head.i != node.i:
        node = node.head
    node = _part_of(node) or node  # '30 of the dead' → the number
    verb = node.head
    if (
        node is base
        and node.dep_ == "pobj"
        and verb.dep_ == "prep"
        and verb.lower_ == "to"
        and verb.head.pos_ == "VERB"
        and verb.head.lemma_ in TALLYING
        and _measured(number)
    ):
        # 'had climbed to only 625 feet': a measure in its unit is the level the verb
        # reached, and the verb says which level it is ('grew by 3,000 acres' is a change,
        # and a count's 'rose to 60' names its counted thing instead, as the subject)
        return slot([verb.head]), verb.head
    if (served := _served(node)) is not None:
        # 'sentenced Ivo Lund to 14 years': the verb that sends someone to a span of time
        return slot([served]), served
    if node.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr", "pobj", "npadvmod") or (
        verb.pos_ not in ("VERB", "AUX")
    ):
        return None, None
    if verb.dep_ in ("aux", "auxpass") and verb.head.pos_ == "VERB":
        verb = verb.head  # '341 were missing', parsed with the number on the auxiliary
    if node.dep_ in ("nsubj", "nsubjpass"):
        for child in verb.children:
            if child.dep_ == "dobj" and child.lower_ in _FATES:
                return slot([child]), verb  # '63 had light injuries': the object is the fate
    if node.dep_ == "nsubj" and _done_to_object(verb):
        return None, verb  # 'two earthquakes killed 23 people': the two are no dead
    if node.dep_ == "dobj":
        for child in verb.children:
            if (
                child.i > node.i
                and child.dep_ in _LEFT_IN
                and child.lower_ in STATE_WORDS
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
            ):
                # 'left four people dead': the state they are in; 'put the toll at 412,
                # with 530 people injured' says what befell others
                return slot([child]), verb
    if node.dep_ == "nsubjpass":
        for child in verb.children:
            if child.i > verb.i and child.dep_ in ("oprd", "acomp") and child.lower_ in STATE_WORDS:
                return slot([child]), verb  # 'three were found dead', '50 are feared dead'
            if child.i > verb.i and child.dep_ == "xcomp" and child.lemma_ in _LINKING:
                states = [
                    c
                    for c in child.children
                    if c.dep_ in ("acomp", "oprd") and c.lower_ in STATE_WORDS
                ]
                own = any(c.dep_ == "amod" and c.lower_ in _FATES for c in base.children)
                if states and not own:
                    # 'are believed to be dead'; 'four missing hikers were thought to be
                    # dead' stay the missing they are said to be
                    return slot(states[:1]), verb
            if child.i > verb.i and child.dep_ == "xcomp" and _perfect(child):
                # '50 are feared to have lost their lives': what they are said to have met
                objects = [t for c in child.children if c.dep_ == "dobj" for t in c.subtree]
                words = slot([child, *objects])
                if words is not None and words.text.casefold() in _FATES:
                    return words, verb
    says = verb.lemma_ in SAYING and gives_figures(verb)  # not 'placed in custody'
    if (verb.lemma_ in TALLYING or says) and not takes_lives(verb):
        for child in verb.children:
            if child.dep_ in ("acomp", "oprd") and child.i != number.i:
                return slot([child]), verb
            if child.dep_ == "prep" and child.lower_ == "on":
                for obj in child.children:
                    if obj.dep_ == "pobj" and not obj.ent_type_:
                        return slot([child, obj]), verb
            if (
                child.dep_ == "prep"
                and child.lower_ in _STATE_PREPOSITIONS
                and verb.lemma_ in _LINKING
                and child.i > verb.i
            ):
                # a state the counted things are in: 'remained under evacuation orders',
                # 'are still in hospital', 'were in custody'
                for obj in child.children:
                    if obj.dep_ == "pobj" and _state_noun(obj):
                        return slot([child, *_state_words(obj)]), verb
            if child.dep_ == "xcomp" and child.pos_ == "VERB" and child.lemma_ not in SAYING:
                return _xcomp_happening(child), child
        return None, verb
    # 'died and 10,000 are missing': a verb that is itself a fate keeps it, whatever
    # the chain of clauses after it (the parse may hang the next clause's subject on its
    # auxiliary, so the chain seems to share this one's)
    fate = None if verb.lower_ in _FATES else _fate_in_chain(verb)
    if fate is not None:
        return slot([fate]), fate
    particles = [c for c in verb.children if c.dep_ == "prt"]
    return slot([verb, *particles, *_phrase_after(verb)]), verb


def _phrase_after(verb: Token) -> list[Token]:
    """The words right after `verb` that make one happening with it ('walked out',
    'stopped work', 'took to the streets': `happenings.classes` phrases), however the
    parse attached them."""
    doc = verb.doc
    for size in range(_PHRASE_WORDS - 1, 0, -1):
        words = doc[verb.i : verb.i + size + 1]
        if len(words) == size + 1 and words.text.casefold() in _HAPPENING_PHRASES:
            return list(words[1:])
    return []


def _opening_preposition(number: Token) -> Token | None:
    """The preposition the figure is the object of ('from' in 'down from 17.06% on Sept.
    18'), where the parse may hang the figure's own date."""
    node = number.head if number.dep_ in ("nummod", "quantmod", "compound") else number
    return node.head if node.dep_ == "pobj" and node.head.dep_ == "prep" else None


_CHAIN: Final = frozenset({"advcl", "xcomp", "conj"})
_CHAIN_DEPTH: Final = 3


def _fate_in_chain(verb: Token) -> Token | None:
    """'soldiers deployed to help Russia are estimated to have been killed', parsed with
    'killed' two links below 'deployed': a fate in the verb's own chain of clauses, none
    of which has a subject of its own, is what befell the counted things ('after his
    father died' befell someone else)."""
    frontier = [verb]
    for _ in range(_CHAIN_DEPTH):
        following: list[Token] = []
        for node in frontier:
            for child in node.children:
                if child.dep_ not in _CHAIN or child.pos_ != "VERB":
                    continue
                if any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in child.children):
                    continue  # a clause with its own subject or object counts its own
                if child.lower_ in _FATES:
                    return child
                for state in child.children:  # 'were said to remain missing'
                    if state.dep_ in ("acomp", "oprd") and state.lower_ in _FATES:
                        return state
                following.append(child)
        frontier = following
    return None


def _xcomp_happening(verb: Token) -> Slot | None:
    """'are believed to have been killed': the innermost verb of the chain."""
    node = verb
    while True:
        inner = [c for c in node.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
        if not inner:
            return slot([node])
        node = inner[0]


def _named(token: Token, *, person: bool = False) -> Slot | None:
    """A party's name at `token`: an organisation's, nation's or country's, as a proper
    noun's words or its named entity; None for a description ('the party'). A person's
    name only with `person` (the subject or agent who did what is counted: 'Ana Ruiz
    scored 31 points'); a person's possession is their party's more often than theirs
    ('Starmer's party won 412 seats' is Labour's count)."""
    if token.pos_ == "PRON" or any(c.dep_ in ("conj", "cc") for c in token.children):
        return None  # 'Labour and the Liberal Democrats won ...' gives no one party
    if token.ent_type_ == "PERSON" and not person:
        return None
    if token.pos_ == "PROPN":  # the whole name: 'Reform UK', not the entity 'UK' in it
        return slot([t for t in phrase(token) if t.pos_ == "PROPN"])
    if person and token.pos_ == "NOUN":
        # 'the incumbent president Ana Ruiz won ...': the name in apposition to a title
        named = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if named is not None:
            return _named(named, person=True)
    ent = entity_at(token)
    if ent is not None and ent.label_ in _SOURCE_LABELS:
        return Slot(ent.text, ent.start_char, ent.end_char)
    return None


_VERBS: Final = frozenset({"VERB", "AUX"})
_SIGN_WORDS: Final = _PERCENT_WORDS | {"cent"}
"""A share's sign as a word of its own: the object a bare share's number hangs on."""
_GIVING_VERBS: Final = SAYING | TALLYING | frozenset(_LEX.words("parse.forecasting"))
"""Verbs whose subject gives the figure (says, tallies or forecasts it): its source."""


def _served(node: Token) -> Token | None:
    """The verb that sends someone to a span of time ('sentenced Ivo Lund to 14 years'):
    `node` a duration noun after 'to' on a verb that neither says nor tallies; None
    otherwise. ('For' a span says how long anything went on: 'performed for 35 years'.)"""
    prep = node.head
    if node.dep_ != "pobj" or prep.lower_ != "to" or prep.dep_ != "prep":
        return None
    verb = prep.head
    if node.lemma_.lower() not in _DURATION_UNITS or verb.pos_ != "VERB":
        return None
    return None if verb.lemma_ in SAYING or verb.lemma_ in TALLYING else verb


def _affected(verb: Token, prep: Token) -> Slot | None:
    """Whom a verb's act befell: its named object nearest before `prep` ('sentenced Ivo
    Lund to 14 years and his wife Mara Quist to seven years'), or the named subject of its
    passive ('Lund was sentenced'), or the name a relative clause or participle hangs on
    ('Lund, who had been sentenced', 'Lund, sentenced in 2022 to eight years'); a verb
    joined to another shares its passive subject."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and c.i < prep.i]
    doer = verb
    while not objects and doer.dep_ == "conj" and doer.head.pos_ in _VERBS:
        doer = doer.head  # 'was stopped ... and was sentenced': one subject for both
        objects = [c for c in doer.children if c.dep_ == "nsubjpass"]
    if not objects:
        return _named(doer.head, person=True) if doer.dep_ in ("acl", "relcl") else None
    nearest = objects[-1]
    if nearest.lower_ in RELATIVES and doer.dep_ == "relcl":
        return _named(doer.head, person=True)
    named = next((c for c in nearest.children if c.dep_ == "appos"), None)
    return _named(nearest, person=True) or (
        _named(named, person=True) if named is not None else None
    )  # 'his wife Mara Quist'


_TALLY_NOUNS: Final = GENERIC_NOUNS | frozenset(
    word for word in _LEX.mapping("things.naming_happenings") if " " not in word
)
"""Nouns of a count or a toll: a place that owns one ('Norway's death toll') or that it
is 'for' ('the toll for Norway') is where it counts."""


def _tally_place(noun: Token) -> Slot | None:
    """'Norway's death toll', 'the toll for Norway alone': the place a count is of. The
    place must be one by the tagger, or a name it tagged as nothing the gazetteer knows: a
    firm's figure ('a price target for <a firm>') is no place's, whatever its name."""
    if noun.lemma_.lower() not in _TALLY_NOUNS and noun.lower_ not in _TALLY_NOUNS:
        return None
    for child in noun.children:
        if child.dep_ == "poss" and a_place(child):
            return slot([t for t in name_phrase(child) if t.dep_ != "case"])
        if child.dep_ == "prep" and child.lower_ == "for":
            for obj in child.children:
                if obj.dep_ == "pobj" and a_place(obj):
                    return slot(name_phrase(obj))
    return None


def _owner(noun: Token | None, number: Token, verb: Token | None) -> Slot | None:
    """Whose counted things these are, or who did what the figure counts: the noun's
    possessor ('Boeing's revenue'), else the named subject or 'by' agent of the verb the
    figure is the object of ('Labour won 412 seats', 'seats won by Labour'). A verb of
    saying, tallying or forecasting gives the figure, so its subject is the source, never
    the owner."""
    base = noun if noun is not None else number
    for child in base.children:
        if child.dep_ == "poss" and child.ent_type_ not in TIME_LABELS:  # not 'Saturday's vote'
            return _named(child)
    if noun is None and number.dep_ == "nummod" and number.head.lower_ in _SIGN_WORDS:
        base = number.head  # 'received 47.3%': the sign is the object the number is of
    if verb is None or verb.lemma_ in _GIVING_VERBS:
        return None  # 'the operator, Harbour Air, had logged 90 cancellations': its source
    if _served(base) is not None:
        return _affected(verb, base.head)  # 'sentenced Ivo Lund to 14 years': Lund's
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return _named(obj, person=True)
    node = _part_of(base) or base  # '410 of the 650 seats' → the number
    # The small parser reads some objects with a number as 'npadvmod' ('scored 31 points'),
    # as it does spans of time ('freed two weeks later'), which a date entity marks.
    taken = ("dobj", "attr", "npadvmod") if number.ent_type_ == "CARDINAL" else ("dobj", "attr")
    if node.head.i == verb.i and node.dep_ in taken:
        # A verb joined to another shares its subject ('Ruiz scored 18 points and
        # grabbed 9 rebounds'): the first verb of the chain that has one gives it.
        doer = verb
        while True:
            for child in doer.children:
                if child.dep_ == "nsubj" and child.i != node.i:
                    return _named(child, person=True)
            if doer.dep_ != "conj" or doer.head.i == doer.i or doer.head.pos_ not in _VERBS:
                return None
            doer = doer.head
    return None


def _part_of(token: Token) -> Token | None:
    """The word an 'of' phrase holding `token` hangs on: '410' in '410 of the 650 seats'
    for 'seats'; None when `token` is in no 'of' phrase."""
    of = token.head
    if token.dep_ != "pobj" or of.lower_ != "of" or of.head.i in (of.i, token.i):
        return None
    return of.head


def _whole_of_a_part(number: Token, noun: Token | None) -> bool:
    """The figure is the whole that a part the clause counts is taken from: '30' in
    'completed 19 of 30 passes', '650' in 'won 410 of the 650 seats'. What happened, and
    who did it, is the part's; the whole is only how many there were."""
    if any(c.dep_ == "quantmod" and c.lower_ == "of" for c in number.children):
        return True  # '19 of 30 passes', the part a modifier of the whole's number
    part = _part_of(noun if noun is not None else number)
    return (
        part is not None
        and part.i != number.i
        and (part.pos_ == "NUM" or part.ent_type_ == "CARDINAL")
    )


def _rival_of(number: Token) -> tuple[Token, Token] | None:
    """The figure a bare count by another source is set against, and its counted noun,
    when a verb of saying or counting takes the bare count and its clause hangs on the
    other figure's ('500,000 people had marched, while the CGT counted more than a
    million'): the first number of that clause with a counted noun, outside the bare
    count's clause; else None."""
    verb = number.head
    if number.dep_ != "dobj" or verb.lemma_ not in SAYING or not gives_figures(verb):
        return None
    if not any(c.dep_ == "nsubj" for c in verb.children) or verb.dep_ not in _RIVAL_LINKS:
        return None
    other = verb.head
    own = range(verb.left_edge.i, verb.right_edge.i + 1)
    for token in other.subtree:
        if token.i not in own and is_number(token) and token.i != number.i:
            noun = _counted_noun(token)
            if noun is not None and noun.pos_ == "NOUN" and noun.lower_ not in PRONOUNS:
                return token, noun
    return None


def _gapped(figure: Span) -> tuple[Token, list[Token]] | None:
    """The figure a gapped clause answers and the words of its source: a count that ends
    its sentence after a comma and a source's name, its verb and counted noun left out
    as the clause before gives them ('the police counted 48,000 marchers, the Kessby
    Union 90,000'; 'police put the crowd at 48,000, Norland Labour at 90,000'). The
    source is a name or a noun that names a source on its own ('officials'). The rival is
    the last number before the comma; None when there is no such clause."""
    doc, sentence = figure.doc, figure.sent
    if figure.end < sentence.end and not doc[figure.end].is_punct:
        return None
    i = figure.start - 1
    if i >= sentence.start and doc[i].lower_ == "at":
        i -= 1
    words: list[Token] = []
    while i >= sentence.start and doc[i].pos_ in _GAPPED_SOURCE_POS and not is_number(doc[i]):
        words.insert(0, doc[i])
        i -= 1
    if not words or i <= sentence.start or doc[i].text != ",":
        return None
    head = words[-1]
    named = head.pos_ == "PROPN" or head.ent_type_ in _SOURCE_LABELS
    if not (named or head.lemma_.lower() in SOURCE_HEADS or head.lower_ in SOURCE_HEADS):
        return None
    rivals = [t for t in doc[sentence.start : i] if is_number(t)]
    return (rivals[-1], [w for w in words if w.pos_ != "DET"] or words) if rivals else None


_GAPPED_SOURCE_POS: Final = frozenset({"DET", "ADJ", "NOUN", "PROPN", "VERB"})
"""Words a gapped clause's source may be tagged with (the parse may take a name's word for a
verb)."""


_RIVAL_LINKS: Final = frozenset({"advcl", "conj"})
"""How a rival source's clause hangs on the clause of the figure it answers."""


def read_frame(doc: Doc, start: int, end: int) -> FrameReading:
    """The frame of the figure at `doc.text[start:end]`; empty if the span is no figure."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return FrameReading()
    number = _anchor(span)
    gapped = _gapped(span)
    if gapped is not None:
        # 'the police counted 48,000 marchers in Ostrel, the Kessby Union 90,000': the
        # union's count of what the police counted, where and when they counted it. Only when a
        # source before it gives the rival figure: 'Lund won 40%, Ruiz 35%' leaves out
        # who won, not who counted.
        answered, words = gapped
        reading = read_frame(doc, answered.idx, answered.idx + len(answered.text))
        if reading.source is not None and reading.source.end <= answered.idx:
            return replace(reading, source=slot(words), sourced=True, owner=None)
    noun = _counted_noun(number)
    people = None
    if noun is not None and (level := _tally_level(noun)) is not None:
        people, noun = noun, level  # 'the toll rose to 212 people in Ostrel': the toll's
    happening, verb = _happening(None, number) if by_pronoun(number) else (None, None)
    if happening is None:  # '25 of them minors': what befell the noun befell these
        happening, verb = _happening(noun, number)
    happening = _with_joined_fates(doc, happening)
    rival = _rival_of(number) if noun is None and happening is None else None
    if rival is not None:
        # '500,000 people had marched, while the CGT counted more than a million': the
        # rival count leaves out what it counts, which is what the other figure counts
        other, noun = rival
        happening, _ = _happening(noun, other)
    # A place or date may hang on the participle that says what happened ('flights
    # cancelled worldwide', 'people killed in Gaza') as well as on the clause's verb.
    done = doc.char_span(happening.start, happening.end) if happening is not None else None
    befell = done.root if done is not None and len(done) else None
    # So may a participle that describes the counted noun ('some 64,000 demonstrators
    # converged on London's Oxford Street', whose happening the parse took from another
    # clause): where the things counted were.
    described = [c for c in noun.children if c.dep_ == "acl"] if noun is not None else []
    if noun is not None and (count := _count_of(noun)) is not None:
        # 'the number of homes lost in Peru', the participle parsed on the count
        described += [c for c in count.children if c.dep_ == "acl"]
    anchors = [t for t in (number, noun, people, verb, befell, *described) if t is not None]
    place, time = scopes(list(dict.fromkeys(anchors)), span)
    if time is None and (opening := _opening_preposition(number)) is not None:
        _, time = scopes([opening], span)  # 'down from 17.06% on Sept. 18'
    if time is None:
        time = progress_time(number, span)  # 'with 87% of the ballots counted'
    if place is None and verb is not None:
        place = clause_place(verb)
    if place is None and noun is not None:
        place = with_place(noun)
    if place is None:
        place = fronted_place(number)
    tally_place = _tally_place(noun) if place is None and noun is not None else None
    if tally_place is not None:
        place = tally_place
    if noun is not None and (noun.pos_ == "PROPN" or noun.ent_type_ in _SOURCE_LABELS):
        noun = None  # a name ('the CGT', 'Council') is who counts, not what is counted
    counted = noun is not None and noun.lower_ not in PRONOUNS
    entity = slot(_with_joined(noun, number)) if noun is not None and counted else None
    qualifier = _qualifier(noun, number) if noun is not None else None
    per = [c for c in noun.children if c.lower_ == "per"] if noun is not None else []
    if noun is not None and noun.lower_ == "cent" and per:
        # '41.7 per cent for Lund': the sign in two words, as '%' is in one
        entity, qualifier = slot([per[0], noun]), None
    if qualifier is None and noun is not None:
        qualifier = _measure_of(noun, number) or _lasting(noun)
    if _whole_of_a_part(number, noun):
        # 'completed 19 of 30 passes': the 19 were completed; the whole keeps only what
        # its own words say ('12 of the 14 people killed'), and no one's.
        happening, _ = _happening(noun, number, clause=False)
        owner = None
    else:
        owner = _owner(noun, number, verb)
        if tally_place is not None and owner is not None and owner.text in tally_place.text:
            owner = None  # 'Norway's death toll': the place, no party
    whole = _whole_named(noun) if qualifier is None and noun is not None else None
    if whole is None and noun is not None and (named := _sized_place(noun, number)) is not None:
        # 'Kocani, a town of 25,000': the town's people, as 'a town of 25,000 people' are
        whole, entity = (noun, named), None
    if whole is not None:
        qualifier = slot([whole[0]])
        name = slot([t for t in phrase(whole[1]) if t.pos_ == "PROPN"])
        ent = entity_at(whole[1])
        label = ent.label_ if ent is not None else ""
        if label in PLACE_LABELS:
            place = place or name
        elif label in _SOURCE_LABELS:
            owner = owner or name
    if (denial := _denial(number)) is not None:
        # 'no candidate won more than 50%', 'neither won more than half': a figure the
        # clause denies is no value anyone reports; the denying word marks it (a scope
        # the merge keeps apart from every figure said outright)
        qualifier = slot([denial])
    sourced, source = figure_source(number)
    return FrameReading(
        entity=entity,
        happening=happening,
        qualifier=qualifier or _among(number),
        place=place,
        time=time,
        source=source,
        sourced=sourced,
        owner=owner,
    )


def _denial(number: Token) -> Token | None:
    """The word that denies the clause a figure is the object of: its subject's 'no' or
    'neither' ('no candidate won more than 50%', 'neither Ruiz nor Lund won more
    than half', 'neither reached 50%'). None when the figure is in the subject itself
    ('no more than 40 people died') or the clause denies nothing."""
    for subject in clause_verb(number).children:
        if subject.dep_ in ("nsubj", "nsubjpass") and number not in subject.subtree:
            denial = denying_word(subject)
            if denial is not None:
                return denial
    return None


_NAMING_DEPS: Final = frozenset({"nummod", "compound", "amod", "npadvmod", "poss"})
"""How a date hangs on a noun it tells which one of: 'the 2018 fire', 'the January vote'."""
_OTHER_CLAUSE: Final = frozenset({"advcl", "acl", "relcl", "ccomp", "xcomp", "parataxis"})
"""How a clause of its own hangs on another: a participle ('surpassing the toll of ...'),
a relative or complement clause; and a second verb joined to the first (`conj`)."""


def dates_another_thing(doc: Doc, start: int, end: int, date_start: int, date_end: int) -> bool:
    """The date at `doc.text[date_start:date_end]` tells which thing a noun names, and
    that noun sits in a clause of its own, apart from the figure at `doc.text[start:end]`:
    in 'the toll climbed to 93, surpassing the total killed in the 2018 fire', 2018 is
    the older fire's year, not when the 93 held. A noun of the figure's own clause keeps
    the date ('67.3% at the 2019 election', 'the 2013 quake killed 200'), and so does one
    the figure's clause hangs on ('the 2018 fire, which left 85 dead'), and one of the
    figure's own relative clause ('the 1,800 who died in the 2011 flood')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    date = doc.char_span(date_start, date_end, alignment_mode="expand")
    if span is None or date is None or len(span) == 0 or len(date) == 0:
        return False
    root = date.root
    noun = root.head
    if root.dep_ not in _NAMING_DEPS or noun.pos_ not in ("NOUN", "PROPN") or noun in date:
        return False
    number = _anchor(span)
    above = {number.i} | {t.i for t in number.ancestors}
    token = noun
    own = {number.i, number.head.i} if number.dep_ in ("nummod", "quantmod") else {number.i}
    while token.i not in above and token.head.i != token.i:
        if token.dep_ == "relcl" and token.head.i in own:
            token = token.head  # the figure's own relative clause: 'the 1,800 who died in'
            continue
        if token.dep_ in _OTHER_CLAUSE or (token.dep_ == "conj" and token.pos_ in _VERBS):
            return True
        token = token.head
    return False
