"""Ages of named people, read from a dependency parse.

English says a person's age of a name in three ways, and the parse shows each:

* set off by commas after the name: 'Marc Fogel, 62, a history teacher' (the number is an
  apposition of the name);
* 'aged 42' on the name: 'Jabbar, aged 42, drove';
* an 'N-year-old' on the name or on a noun set beside it, or set beside the name itself:
  'the 42-year-old Jabbar', 'Fogel, a 63-year-old history teacher', 'a 42-year-old driver,
  Jabbar', 'Fogel is a 63-year-old teacher', 'Edward Pettifer, a 31-year-old from Leeds'.

The holder is the name's words as written there ('Karelina'); whether it names a person,
and whom in full, the caller decides from the article's people. An unnamed person's age ('a
29-year-old woman') is not read: nothing says which person of another report it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from service.nlp.spans import Slot, slot

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

MAX_AGE: Final = 120
_AFTER_APPOSITION: Final = frozenset({",", ".", ";", ")"})


@dataclass(frozen=True, slots=True)
class Age:
    """An age in years, its words ('62', '63-year-old', 'aged 42') and its holder's name."""

    years: int
    words: Slot
    holder: Slot
    tagged: str = ""
    """The entity label the tagger gave the holder's last word ('PERSON', 'ORG'), or ''."""


def read_ages(doc: Doc) -> list[Age]:
    """Every age of a named holder in `doc`, in text order."""
    found: list[Age] = []
    for token in doc:
        years = _years(token)
        if years is None:
            continue
        reading = _apposed(token) or _aged(token) or _year_old(token)
        if reading is None:
            continue
        words, holder = reading
        name = slot(_name(holder))
        if words is not None and name is not None:
            found.append(Age(years, words, name, holder.ent_type_))
    return found


def _years(token: Token) -> int | None:
    if token.pos_ != "NUM" or not (token.text.isascii() and token.text.isdigit()):
        return None  # '²' is a digit to `str.isdigit`, and no age
    years = int(token.text)
    return years if 0 < years <= MAX_AGE else None


def _apposed(number: Token) -> tuple[Slot | None, Token] | None:
    """'Marc Fogel, 62, ...': the number set off by commas as an apposition of a name."""
    doc = number.doc
    if number.dep_ != "appos" or number.head.pos_ != "PROPN" or number.i == 0:
        return None
    before = doc[number.i - 1].text
    after = doc[number.i + 1].text if number.i + 1 < len(doc) else "."
    if before != "," or after not in _AFTER_APPOSITION:
        return None
    return slot([number]), number.head


def _aged(number: Token) -> tuple[Slot | None, Token] | None:
    """'Jabbar, aged 42, ...': 'aged' on the name, the number on 'aged'."""
    aged = number.head
    if aged.lower_ != "aged" or aged.i != number.i - 1 or aged.head.pos_ != "PROPN":
        return None
    return slot([aged, number]), aged.head


def _year_old(number: Token) -> tuple[Slot | None, Token] | None:
    """'a 63-year-old teacher': the name the phrase's noun is, or is set beside."""
    doc = number.doc
    if number.i + 4 >= len(doc):
        return None
    year, old = doc[number.i + 2], doc[number.i + 4]
    if year.lower_ not in ("year", "years") or old.lower_ != "old":
        return None
    if not all(doc[i].text == "-" for i in (number.i + 1, number.i + 3)):
        return None
    words = slot(list(doc[number.i : old.i + 1]))
    # 'a 63-year-old teacher' modifies a noun; 'Pettifer, a 31-year-old from Leeds' is one
    noun = old.head if old.dep_ == "amod" else old
    holder = _holder_of(noun)
    return (words, holder) if holder is not None else None


def _holder_of(noun: Token) -> Token | None:
    if noun.pos_ == "PROPN":
        return noun  # 'the 42-year-old Jabbar'
    if noun.dep_ == "appos" and noun.head.pos_ == "PROPN":
        return noun.head  # 'Fogel, a 63-year-old teacher'
    if noun.dep_ == "appos":
        named = [
            c
            for c in noun.head.children
            if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i < noun.i
        ]
        if named:
            return named[-1]  # 'The attacker, Jabbar, a 42-year-old veteran'
    beside = [c for c in noun.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    if beside:
        return beside[0]  # 'a 42-year-old driver, Jabbar,'
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        subjects = [c for c in noun.head.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"]
        return subjects[0] if subjects else None  # 'Fogel is a 63-year-old teacher'
    return None


def _name(holder: Token) -> list[Token]:
    """The proper-noun words ending at `holder`: 'Shamsud-Din Jabbar', 'Marc Fogel'."""
    doc = holder.doc
    start = holder.i
    while start > 0:
        prev = doc[start - 1]
        joined = prev.text == "-" and start > 1 and doc[start - 2].pos_ == "PROPN"
        if prev.pos_ != "PROPN" and not joined:
            break
        start -= 1
    return list(doc[start : holder.i + 1])
