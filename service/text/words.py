"""Word classes several steps share: titles before names, a dateline's dash, and what
happened to the things a figure counts."""

from __future__ import annotations

import re
from collections.abc import Iterable

import lexicon
from service.text.stems import stems


def alternation(entries: Iterable[str], *, space: str = " ") -> str:
    """A regex alternation of word-table entries, in table order, each escaped; the words of
    a phrase are joined by the pattern `space` (e.g. any run of blanks)."""
    return "|".join(space.join(map(re.escape, entry.split())) for entry in entries)


DASHES: frozenset[str] = frozenset({"-", "--", "\u2013", "\u2014"})
"""A dash written as a word of its own, as a dateline's ('KOCANI (Vardar Wire) -')."""
DATELINE_WORDS = 16
"""How many words into an article a dateline's dash may come."""

_EN = lexicon.load("en")
TITLES_BEFORE_NAMES: tuple[str, ...] = (
    *_EN.words("names.honorifics"),
    *_EN.words("names.address_forms"),
    *_EN.words("names.titles"),
)
"""Honorifics, forms of address and titles as written before a name ('Mr', 'Sir', 'vice
president'), in table order: one list for every step that drops them."""
TITLE_WORDS: frozenset[str] = frozenset(
    word.casefold() for title in TITLES_BEFORE_NAMES for word in re.split(r"[\s-]+", title)
)
"""Every word of those titles, casefolded ('vice', 'president'): never part of a name."""
_FATES = _EN.words("actions.fates")
_MOVEMENTS = _EN.words("actions.movements")
_ACTION = re.compile(
    rf"\b({alternation((*_FATES, *_EN.words('actions.others'), *_MOVEMENTS))})\b", re.IGNORECASE
)
_FATE = re.compile(rf"\b(?:{alternation(_FATES)})\b", re.IGNORECASE)
_MOVEMENT = re.compile(rf"\b(?:{alternation(_MOVEMENTS)})\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:]|,\s*and\b|\b(?:but|while|whereas|and it|of whom|of them)\b")
ACTION_ADJACENT_CHARS = 25
ACTION_AFTER_CHARS = 90
ACTION_BEFORE_CHARS = 60
"""How far from a figure an action word may stand and still be what happened to it."""


def action_near(sentence: str, start: int, end: int) -> str:
    """The action word that says what happened to a figure at `sentence[start:end]`.

    A verb right before the figure wins ('has sent around 15,000'); then words after it in
    the same clause, a fate first ('2,000 soldiers deployed there have been killed'); then
    a word a little before it. '' when none is close enough.
    """
    right_before = list(_ACTION.finditer(sentence, max(0, start - ACTION_ADJACENT_CHARS), start))
    if right_before:
        return right_before[-1].group(1).lower()
    clause_end = min(len(sentence), end + ACTION_AFTER_CHARS)
    cut = _CLAUSE_BREAK.search(sentence, end, clause_end)
    after = list(_ACTION.finditer(sentence, end, cut.start() if cut else clause_end))
    if after:
        fates = [m for m in after if _FATE.match(m.group(1))]
        return (fates or after)[0].group(1).lower()
    before = list(_ACTION.finditer(sentence, max(0, start - ACTION_BEFORE_CHARS), start))
    return before[-1].group(1).lower() if before else ""


def is_fate(action: str) -> bool:
    """Whether an action names what befell the counted ('killed', 'missing'), not what
    was done with them ('sent')."""
    return _FATE.search(action) is not None


def is_movement(action: str) -> bool:
    """Whether an action only moves the counted somewhere ('sent', 'deployed to')."""
    return _MOVEMENT.search(action) is not None


def stated_in(action: str, sentence: str) -> bool:
    """Whether a sentence states an action: each word of three letters or more, stemmed
    ('deployed' / 'deploy'), occurs in it. An action it does not state is a guess."""
    wanted = stems(action)
    return bool(wanted) and wanted <= stems(sentence)
