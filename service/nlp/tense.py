"""The tense of the verb a time phrase modifies, read from a dependency parse.

A weekday alone ('on Sunday') names a day only with the report's date and which way to
look from it. `adverbial_tense` says which: 'past' when the phrase is a time adverbial of a
verb in a past tense ('the dams collapsed on Sunday night', 'talks that started on
Monday', 'the toll had reached 60 on Friday', 'was killed Saturday'), 'future' when of a
verb with 'will' or 'shall' ('the trial will resume Monday'), else '' (the parse leaves it
open). A day that dates the subject of a verb takes that verb's tense ('the final figures
for Friday showed', 'the vote on Saturday will decide'); not an object's ('announced a
strike on Friday' may announce one to come). Otherwise only an adverbial of the verb
counts: in 'declared Monday a day of mourning' or 'ahead of Friday's vote' the day is what
the verb is about, not when it happened, and its time stays open; so does a day that
goes on another time phrase ('until noon on Thursday', 'at 3 p.m. on Friday'), whose own
preposition may make it a deadline. Grammar only (tags, dependencies, entity labels, the
modal auxiliaries); no word list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

Tense = Literal["past", "future", ""]

_TIME_ENTITIES: Final = frozenset({"DATE", "TIME"})
_VERBS: Final = frozenset({"VERB", "AUX"})
_FUTURE_MODALS: Final = frozenset({"will", "shall", "'ll", "wo"})  # 'wo' as in "wo n't"


def _verb_of(token: Token) -> Token | None:
    """The verb `token`, a time word, is an adverbial of: 'collapsed' for 'Sunday' in
    'collapsed on Sunday night' or 'said Sunday'; None when it is no adverbial."""
    # Up through the rest of the time phrase: 'Sunday' in 'Sunday night'.
    while (
        token.dep_ == "compound"
        and token.head.i != token.i
        and token.head.ent_type_ in _TIME_ENTITIES
    ):
        token = token.head
    if token.dep_ in ("npadvmod", "tmod", "obl") and token.head.pos_ in _VERBS:
        return token.head
    prep = token.head
    if token.dep_ == "pobj" and prep.dep_ == "prep" and prep.head.pos_ in _VERBS:
        return prep.head
    subject = prep.head
    if (
        token.dep_ == "pobj"
        and prep.dep_ == "prep"
        and subject.dep_ in ("nsubj", "nsubjpass")
        and subject.head.pos_ in _VERBS
    ):
        return subject.head  # 'the figures for Friday showed': when the subject's verb was
    return None


def _tense(verb: Token) -> Tense:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _FUTURE_MODALS for a in auxes):
        return "future"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"  # 'collapsed', 'was killed', 'had reached'
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return "past"  # 'has suspended'
    return ""


def adverbial_tense(doc: Doc, start: int, end: int) -> Tense:
    """The tense of the verb the time phrase at characters `[start, end)` of `doc`'s text
    is an adverbial of ('' when it is none, or the tense is open)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    tokens = [t for t in span if not t.is_punct] if span is not None else []
    if not tokens:
        return ""
    # The phrase's own head: the token whose head lies outside it ('Sunday' of 'on Sunday').
    inside = {t.i for t in tokens}
    head = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])
    if head.dep_ == "prep" and (objects := [c for c in head.children if c.dep_ == "pobj"]):
        before = doc[head.i - 1] if head.i > 0 else None
        if before is not None and before.ent_type_ in _TIME_ENTITIES:
            return ""  # 'until noon on Thursday': the day goes on another time phrase
        head = objects[0]
    verb = _verb_of(head)
    return _tense(verb) if verb is not None else ""
