"""Who gives a figure or a statement, read from a dependency parse.

* A figure's **source** is the 'according to' object of the sentence, else the subject of
  a verb of saying above the figure ('police said', 'the ministry put the figure at'); a
  definite description ('the agency') is read as the organisation last named before it.
* A source's **statement** is the clause a verb of saying next to it reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from lexicon import load
from service.nlp.spans import Slot, entity_at, phrase, slot

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

_LEX: Final = load("frames")

SAYING: Final = frozenset(_LEX.words("parse.saying"))
"""Verbs of saying and estimating: they give a figure, they are not what happened."""


def _named_before(description: Token) -> Token | None:
    """For 'the agency' or 'its report': the organisation last named before it whose name
    holds the description's noun ('the agency' → 'the Korean Central News Agency'); for a
    pronoun, the organisation last named. None when no name fits: the description stays."""
    doc = description.doc
    words = {
        t.lemma_.lower()
        for t in description.subtree
        if t.pos_ in ("NOUN", "ADJ", "PROPN") and t.dep_ not in ("poss",)
    }
    owner = any(t.dep_ == "poss" and t.pos_ == "PRON" for t in description.children)
    for ent in reversed([e for e in doc.ents if e.end <= description.i]):
        if ent.label_ != "ORG":
            continue
        if owner or description.pos_ == "PRON" or words <= {t.lemma_.lower() for t in ent}:
            return ent.root
    return None


def _source_slot(head: Token) -> Slot | None:
    """A source's words; 'the agency' or 'its report' read as the organisation last
    named before; 'data from X' as X."""
    if head.lemma_.lower() in ("data", "figure", "figures"):
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "from":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return _source_slot(obj)
    words = phrase(head)
    pronoun_owner = any(t.dep_ == "poss" and t.pos_ == "PRON" for t in head.children)
    definite = head.pos_ == "NOUN" and any(t.dep_ == "det" for t in head.lefts)
    unnamed = not any(t.pos_ == "PROPN" for t in words)
    if head.pos_ == "PRON" or pronoun_owner or (definite and unnamed):
        earlier = _named_before(head)
        ent = entity_at(earlier) if earlier is not None else None
        if ent is not None:
            return Slot(ent.text, ent.start_char, ent.end_char)
        if head.pos_ == "PRON" or pronoun_owner:
            return None
    if any("(" in t.text or t.is_space for t in words):
        return None
    return slot(words)


def figure_source(number: Token) -> Slot | None:
    sentence = number.sent
    for token in sentence:
        if token.lower_ == "according" and token.i + 1 < len(token.doc):
            following = token.doc[token.i + 1]
            if following.lower_ == "to":
                for obj in following.children:
                    if obj.dep_ == "pobj":
                        return _source_slot(obj)
    node = number
    while node.head.i != node.i:
        node = node.head
        if node.lemma_ in SAYING and node.pos_ == "VERB":
            for child in node.children:
                if child.dep_ == "nsubj" and child.pos_ in ("NOUN", "PROPN", "PRON"):
                    return _source_slot(child)
                if child.dep_ == "agent":
                    for obj in child.children:
                        return _source_slot(obj)
    root = sentence.root
    if root.lemma_ in SAYING:
        for child in root.children:
            if child.dep_ == "nsubj" and child.pos_ in ("NOUN", "PROPN"):
                return _source_slot(child)
    return None


def reported_clause(doc: Doc, source_start: int, source_end: int) -> Slot | None:
    """What a source is said to have said: the clause a verb of saying next to the
    source reports ('police said [the march was peaceful]'), or for 'according to X,
    ...' the sentence without that phrase. None when the parse shows no such clause."""
    span = doc.char_span(source_start, source_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    sentence = span.sent
    before = doc[max(sentence.start, span.start - 3) : span.start]
    for token in before:
        if token.lower_ == "according":
            phrase = {t.i for t in token.head.subtree} if token.head.dep_ == "prep" else set()
            phrase |= {t.i for t in token.subtree}
            words = [t for t in sentence if t.i not in phrase and not t.is_punct]
            return _trimmed(words)
    verbs = [t for t in sentence if t.lemma_ in SAYING and t.pos_ == "VERB"]
    if not verbs:
        return None
    verb = min(verbs, key=lambda v: min(abs(v.i - t.i) for t in span))
    clauses = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
    if not clauses:
        head = verb.head  # '..., police said' hangs the saying off the reported clause
        if verb.dep_ in ("parataxis", "advcl", "ccomp") and head.i != verb.i:
            words = [t for t in head.subtree if t.i not in {x.i for x in verb.subtree}]
            return _trimmed([t for t in words if not t.is_punct])
        return None
    return _trimmed([t for t in clauses[0].subtree if not t.is_punct or t.text in "%$"])


def _trimmed(words: list[Token]) -> Slot | None:
    """The words as one span, leading 'that' and conjunctions dropped."""
    while words and words[0].lower_ in ("that", "and", "but", ",", "while"):
        words = words[1:]
    if len(words) < 3:
        return None
    return slot(words)
