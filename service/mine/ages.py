"""Ages of named people as figures: 'Marc Fogel, 62,' is a figure of 62 years, the age of
Marc Fogel.

The parse reads the age and the name it is said of (`service.nlp.ages`). The name is taken
as a person's when the article names that person: a person the miner found
(`service.mine.people`) or a person's name the parse's entity tagger marks, whose last word
the holder's last word is ('Karelina, 33,' of 'Ksenia Karelina'); or when the holder is a
name of two words or more the tagger marked as nothing. The counted thing is the age of
that person's fullest name. The text settles such a figure alone, so it is never
shown to the LLM (`Candidates.ages`, ids A1...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemas.candidates import Candidates, QuantityCandidate
from schemas.record import Span
from service.nlp.ages import Age, read_ages
from service.nlp.spans import Slot

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc
    from spacy.tokens import Span as Parsed


def add_ages(text: str, candidates: Candidates, doc: Doc) -> None:
    """Fill `candidates.ages` (in place) from the parse `doc` of `text`."""
    names = [p.name for p in candidates.people]
    names += [e.text for e in doc.ents if e.label_ == "PERSON"]
    ages: list[QuantityCandidate] = []
    for age in read_ages(doc):
        name = full_name(age.holder.text, names) or _untagged_name(age)
        if name is None:
            continue
        said = doc.char_span(age.words.start, age.words.end, alignment_mode="expand")
        sentence = said.sent if said is not None else None
        ages.append(
            QuantityCandidate(
                id=f"A{len(ages) + 1}",
                span=_span(age.words),
                sentence=_span(sentence) if sentence is not None else _span(age.words),
                value=float(age.years),
                unit="years",
                counted_hint=f"age of {name}",
                entity="",  # what is counted is the counted phrase's: 'age'
                qualifier=name,
                owner=name,
                slot_spans={"owner": _span(age.holder)},
            )
        )
    candidates.ages = ages


def _span(words: Slot | Parsed) -> Span:
    """A slot or a parse's span as a candidate's span."""
    if isinstance(words, Slot):
        return Span(start=words.start, end=words.end, text=words.text)
    return Span(start=words.start_char, end=words.end_char, text=words.text)


def _untagged_name(age: Age) -> str | None:
    """The holder itself when it is a name of two words or more that the tagger marked as
    nothing ('Shamsud-Din Jabbar, a 42-year-old veteran'): said to have an age, it is a
    person's. One word, or a name tagged as a place or a body, is not taken."""
    if age.tagged or len(age.holder.text.split()) < 2:
        return None
    return age.holder.text


def full_name(holder: str, names: list[str]) -> str | None:
    """The fullest of `names` ending with the holder's last word, or None when no person
    the article names does ('Boeing, 2,')."""
    words = holder.split()
    if not words:
        return None
    last = words[-1].casefold()
    matching = [n for n in names if n.split() and n.split()[-1].casefold() == last]
    if not matching:
        return None
    return max(matching, key=lambda n: (len(n.split()), -names.index(n)))
