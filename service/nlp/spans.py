"""Slots of a dependency parse: a phrase's words and their character span in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from service.nlp.places import lookup as gazetteer_place
from service.text.numbers import SCALE

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Span, Token

PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})
"""Entity labels of places."""
TIME_LABELS: Final = frozenset({"DATE", "TIME"})
"""Entity labels of dates and times."""
PRONOUNS: Final = frozenset({"them", "those", "they", "these", "it", "whom", "which", "who"})
"""Pronouns that stand for counted things ('15 of them', '1,000 of whom')."""


@dataclass(frozen=True, slots=True)
class Slot:
    """A slot's words and their character span in the article text."""

    text: str
    start: int
    end: int


_CUT: Final = frozenset({"appos", "relcl", "acl", "conj", "cc", "punct", "advcl", "parataxis"})


def phrase(head: Token) -> list[Token]:
    """A head's words without clauses, appositions and lists hanging on it. A name that
    '&' joins is one name ('Brenmoor Power & Light', 'Ostrel & Sons'), not a list."""
    words = [head]
    ampersand = head.pos_ == "PROPN" and any(
        c.dep_ == "cc" and c.text == "&" for c in head.children
    )
    for child in head.children:
        joined = ampersand and (
            (child.dep_ == "cc" and child.text == "&")
            or (child.dep_ == "conj" and child.pos_ == "PROPN")
        )
        if child.dep_ not in _CUT or joined:
            words.extend(phrase(child))
    return words


def name_phrase(head: Token) -> list[Token]:
    """A name's words without the adverbs hanging on it: 'Hatay' of 'in Hatay alone'."""
    return [t for t in phrase(head) if t.dep_ != "advmod"]


def slot(tokens: list[Token]) -> Slot | None:
    if not tokens:
        return None
    tokens = sorted(tokens, key=lambda t: t.i)
    first, last = tokens[0], tokens[-1]
    # The span's own text is the document's text from the first word to the end of the
    # last: `Doc.text` would join every token of the article again for each slot.
    words = first.doc[first.i : last.i + 1]
    return Slot(words.text, first.idx, last.idx + len(last.text))


def entity_at(token: Token) -> Span | None:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def names_a_place(head: Token) -> bool:
    """The phrase of `head` names a place: by the entity tagger, or as proper names (an
    article aside) the gazetteer knows as a place; the small tagger takes many towns for
    people or organisations ('Lyon', 'San Remigio'). 'The Paris police prefecture' names
    no place: its head is no place's name."""
    if head.ent_type_ in PLACE_LABELS:
        return True
    return in_gazetteer(head)


def in_gazetteer(head: Token) -> bool:
    """The phrase of `head` is proper names (an article aside) the gazetteer knows as a
    place, whatever the entity tagger says (it takes some agencies' initials for places)."""
    words = name_phrase(head)
    proper = [t for t in words if t.pos_ == "PROPN"]
    # ('Chile and Peru': the phrase of 'Chile' keeps the 'and' before the place joined to it)
    named = [t for t in words if _lettered(t) and t.pos_ not in ("DET", "CCONJ")]
    if not proper or len(proper) != len(named):
        return False
    return gazetteer_place(" ".join(t.text for t in proper)) is not None


def _lettered(token: Token) -> bool:
    """Letters only, apart from an apostrophe inside a word ('Sana'a'); not
    one before a capital, as in a surname ('O'Brien')."""
    text = token.text.replace("\u2019", "'")
    return token.is_alpha or (
        text.replace("'", "").isalpha() and _BEFORE_CAPITAL.search(text) is None
    )


_BEFORE_CAPITAL: Final = re.compile(r"'[A-Z]")


def is_number(token: Token) -> bool:
    """A number's word: digits, a number word or a scale word the parse may take for a
    noun ('3 lakh', whose lakh is no counted thing)."""
    return (
        bool(token.like_num) or token.pos_ == "NUM" or token.tag_ == "CD" or token.lower_ in SCALE
    )


def of_noun(token: Token) -> Token | None:
    """The noun of an 'of' phrase after `token` ('30 of the dead' → 'dead')."""
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def clause_verb(token: Token) -> Token:
    """The verb (or auxiliary) of the clause a token stands in, climbing its heads; the
    sentence's root when no verb is above it."""
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return verb


def by_pronoun(number: Token) -> bool:
    """Whether the figure names its things by a pronoun ('killed 15 of them'): the noun it
    stands for hangs on another verb ('infected 66 people'), which tells what befell
    these only when the figure's own clause does not."""
    pointer = of_noun(number)
    return pointer is not None and pointer.lower_ in PRONOUNS
