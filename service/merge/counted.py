"""What a figure counts, and which figures count the same thing.

* What is counted (`counted` plus a count-noun `unit`) becomes a token set: lowercased,
  plural 's' stripped, stop words dropped, synonyms folded through `COUNTED_PHRASES` and
  `COUNTED_SYNONYMS` (troops → soldier; dead, died, war dead, death toll → killed; sent,
  dispatched → deployed). Figures align when their token sets reach `counted_match`
  (Dice), their units share a dimension (`MEASURE_UNITS`, converted: miles meet km; any
  other unit is a counted noun) and both or neither are ordinals. Figures never align
  when they name different actions (killed vs deployed) or scopes (`SCOPE_TOKENS`:
  'additional', 'already'), different people ('meetings between Kim and Xi' / '... Kim
  and Putin'), or different counted nouns ('ceremonies' / 'soldiers') while their
  `counted` wording differs. A figure naming no action or scope joins the one cluster it
  matches, if there is exactly one, that names no scope, and only when every key of its
  own cluster matches that one; a cluster whose words merely contain its own counts as a
  match here ('101 soldiers' stays apart from both 'soldiers sent' and 'North Korean
  soldiers killed'). Token sets also align when a set of two or more tokens lies inside
  the other ('troops sent' / 'North Korean troops sent to Russia').
* The article's clause around a figure's evidence span (when `articles` are given) fills
  in what an extractor leaves out of `counted`: scope words (`CONTEXT_SCOPES`: 'another
  6,000', 'intends to send', '1,000 of whom are already there'), an action when `counted`
  names none and no count noun ('puts the toll at about 2,000' → killed), and a running
  tally that replaces 'sent' ('2,000 soldiers sent to Russia have been killed'). A figure
  saying little besides its action and scope ('1,000 deployed') joins the one fuller
  cluster with exactly that action and scope.
* Vague counts ('thousands of troops': no digit, `VAGUE_COUNT`) form facts of their own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Final, NamedTuple

from service.merge.context import MergeContext
from service.merge.grouping import IntUnionFind, candidate_pairs
from service.merge.tokens import WORDS, dice, fold, lemmatise, singularise
from service.merge.vocabulary import (
    ACTION_TOKENS,
    CONTEXT_SCOPES,
    COUNTED_PHRASES,
    HEDGING_WORDS,
    MEASURE_UNITS,
    OLDER_MARKERS,
    SCOPE_TOKENS,
    STOP_WORDS,
    TALLY_TOKENS,
    VAGUE_COUNT,
)

CONTEXT_WORDS_BEFORE: Final = 6


CONTEXT_WORDS_AFTER: Final = 10


_CONTEXT_CHARS: Final = 240


_CLAUSE_BREAK: Final = re.compile(r"[;:!?()\[\]\u2014\u2013\n\"\u201c\u201d]|[.,](?=\s|$)")


GUARD_TOKENS: Final = ACTION_TOKENS | SCOPE_TOKENS


COUNT_CLASS: Final = "count"


_PHRASES_LONGEST_FIRST: Final = tuple(sorted(COUNTED_PHRASES, key=lambda p: (-len(p), p)))


@cache
def counted_tokens(text: str) -> tuple[str, ...]:
    """What-is-counted tokens in order of appearance, normalised and de-duplicated."""
    padded = " " + " ".join(WORDS.findall(fold(text))) + " "
    for phrase in _PHRASES_LONGEST_FIRST:
        padded = padded.replace(f" {phrase} ", f" {COUNTED_PHRASES[phrase]} ")
    tokens: list[str] = []
    for word in padded.split():
        if word in STOP_WORDS or word in HEDGING_WORDS or word.isdigit():
            continue
        lemma = lemmatise(word)
        if lemma not in STOP_WORDS and lemma not in tokens:
            tokens.append(lemma)
    return tuple(tokens)


def plain_hits(label: str, tokens: Iterable[str]) -> int:
    """How many of a label's words already are canonical tokens, with no synonym folding."""
    wanted = set(tokens)
    return sum(singularise(word) in wanted for word in WORDS.findall(fold(label)))


@cache
def classify_unit(unit: str) -> tuple[str, float, tuple[str, ...]]:
    """(dimension, scale, tokens) of a unit of measurement, or ('count', 1, noun tokens)."""
    folded = " ".join(fold(unit).replace("per cent", "percent").split())
    lemmas = " ".join(singularise(word) for word in folded.split())
    for candidate in (folded, lemmas):
        if candidate in MEASURE_UNITS:
            dimension, scale = MEASURE_UNITS[candidate]
            return dimension, scale, ()
    return COUNT_CLASS, 1.0, counted_tokens(unit)


class Clause(NamedTuple):
    """The words of a figure's clause just before and just after its phrase."""

    before: str = ""
    after: str = ""


NO_CLAUSE: Final = Clause()


def clause_around(text: str, start: int, end: int) -> Clause:
    """Up to `CONTEXT_WORDS_BEFORE` / `_AFTER` words around text[start:end], in its clause."""
    before = text[max(0, start - _CONTEXT_CHARS) : start]
    after = text[end : end + _CONTEXT_CHARS]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    first_break = _CLAUSE_BREAK.search(after)
    if first_break is not None:
        after = after[: first_break.start()]
    words_before = WORDS.findall(fold(before))[-CONTEXT_WORDS_BEFORE:]
    words_after = WORDS.findall(fold(after))[:CONTEXT_WORDS_AFTER]
    return Clause(" ".join(words_before), " ".join(words_after))


@cache
def _clause_scopes(clause: Clause) -> frozenset[str]:
    """Scope words around a figure ('another 6,000', '1,000 of whom are already there')."""
    scopes: set[str] = set()
    for words in (clause.before.split(), clause.after.split()):
        for index, word in enumerate(words):
            following = words[index + 1] if index + 1 < len(words) else ""
            if word == "more" and following in ("than", "then"):
                continue
            if word in CONTEXT_SCOPES:
                scopes.add(CONTEXT_SCOPES[word])
    return frozenset(scopes)


def marked_older(clause: Clause) -> bool:
    """The clause calls the figure an older value: 'its initial count was at least 600'."""
    return bool(OLDER_MARKERS.intersection(clause.before.split()))


def is_vague(phrase: str | None) -> bool:
    """'thousands of troops': no digit, only an order of magnitude."""
    if not phrase or any(ch.isdigit() for ch in phrase):
        return False
    return VAGUE_COUNT.search(phrase) is not None


@cache
def counted_key(
    counted: str,
    unit: str,
    ordinal: bool,
    clause: Clause = NO_CLAUSE,
    vague: bool = False,
) -> tuple[CountedKey, tuple[str, ...]]:
    """What a figure counts, and its tokens in reading order for a readable key.

    The clause around the figure fills in what `counted` leaves out: its scope words,
    the action when `counted` names none and no count noun ('about 2,000' in 'puts the
    toll at about 2,000'), and a running tally that overrides 'sent' ('2,000 soldiers
    sent to Russia have been killed').
    """
    unit_class, _, unit_tokens = classify_unit(unit)
    tokens = counted_tokens(counted)
    if clause != NO_CLAUSE:
        tokens = _with_clause_action(tokens, bool(unit_tokens), clause)
    scope = _clause_scopes(clause) - set(tokens)
    ordered = tokens + tuple(t for t in unit_tokens if t not in tokens) + tuple(sorted(scope))
    key = CountedKey(
        ordinal,
        unit_class,
        frozenset(tokens) | frozenset(unit_tokens),
        frozenset(tokens),
        frozenset(unit_tokens),
        frozenset(scope),
        vague,
    )
    return key, ordered


def _with_clause_action(tokens: tuple[str, ...], has_noun: bool, clause: Clause) -> tuple[str, ...]:
    actions = ACTION_TOKENS.intersection(tokens)
    after = ACTION_TOKENS.intersection(counted_tokens(clause.after))
    tally_after = after & TALLY_TOKENS
    if len(tally_after) == 1 and actions == {"deployed"}:
        # 'soldiers sent to help Russia have been killed': the clause's verb wins.
        return tuple(t for t in tokens if t != "deployed") + tuple(tally_after)
    if actions or has_noun:
        return tokens
    found = after or ACTION_TOKENS.intersection(counted_tokens(clause.before))
    return tokens + tuple(sorted(found)) if len(found) == 1 else tokens


class CountedKey(NamedTuple):
    """What a figure counts: ordinal or not, unit dimension and normalised tokens.

    `tokens` is the union of `counted` (the words of `Quantity.counted`) and `head` (the
    words of a count-noun unit, the thing counted: 'soldiers', 'ceremonies').
    """

    ordinal: bool
    unit_class: str
    tokens: frozenset[str]
    counted: frozenset[str]
    head: frozenset[str]
    scope: frozenset[str] = frozenset()
    """Scope words read in the figure's clause, not in `counted`."""
    vague: bool = False
    """A vague count ('thousands of'): kept in facts of its own."""

    def order(self) -> tuple[object, ...]:
        return (
            self.ordinal,
            self.unit_class,
            self.vague,
            tuple(sorted(self.tokens)),
            tuple(sorted(self.head)),
            tuple(sorted(self.scope)),
        )

    def guards(self) -> frozenset[str]:
        return (self.tokens & GUARD_TOKENS) | self.scope

    def thin(self) -> bool:
        """Names no counted noun and at most one word besides its action and scope:
        '1,000 deployed', 'about 2,000 put' (an extractor echoing the sentence)."""
        return not self.head and len(self.tokens - GUARD_TOKENS) <= 1

    def counts_other_noun(self, other: CountedKey) -> bool:
        """Both name a counted noun, the nouns share no word and the wording differs."""
        nouns_differ = bool(self.head and other.head and not self.head & other.head)
        return nouns_differ and self.counted != other.counted


def _similar_counted(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    """Dice from `threshold`, or one set of two or more words inside the other
    ('troops sent' in 'North Korean troops sent to Russia')."""
    if dice(a, b) >= threshold:
        return True
    smaller, larger = (a, b) if len(a) <= len(b) else (b, a)
    return len(smaller) >= 2 and smaller <= larger


def cluster_quantities(ctx: MergeContext, keys: Sequence[CountedKey]) -> list[list[int]]:
    """Clusters of distinct what-is-counted keys, blocked by unit class and ordinal.

    Two keys align when their tokens reach `counted_match` and nothing tells them
    apart: not their counted nouns (the units 'ceremonies' and 'soldiers' share no
    word and the counted wording differs), not the people they name ('meetings
    between Kim and Xi' / '... Kim and Putin'), not their action or scope words.
    """
    sets = IntUnionFind(len(keys))
    attach: dict[int, set[int]] = defaultdict(set)
    loose: dict[int, set[int]] = defaultdict(set)
    blocks = [[(k.ordinal, k.unit_class, k.vague, token) for token in k.tokens] for k in keys]
    people = [ctx.names.people_in(k.tokens) for k in keys]
    for a, b in candidate_pairs(blocks):
        first, second = keys[a], keys[b]
        similar = _similar_counted(first.tokens, second.tokens, ctx.tol.counted_match)
        # A key inside another ('soldiers' in 'North Korean soldiers killed') is no
        # reason to join, but makes a bare key ambiguous when it also fits elsewhere.
        inside = first.tokens <= second.tokens or second.tokens <= first.tokens
        if not similar and not inside:
            continue
        if first.counts_other_noun(second):
            continue
        if people[a] and people[b] and people[a] != people[b]:
            continue
        if similar and first.guards() == second.guards():
            sets.union(a, b)
        elif not first.guards() and not second.guards() & SCOPE_TOKENS:
            (attach if similar else loose)[a].add(b)
        elif not second.guards() and not first.guards() & SCOPE_TOKENS:
            (attach if similar else loose)[b].add(a)
    # Keys naming no action or scope join a cluster only when they match exactly one
    # (a cluster whose key merely contains theirs counts as a match that forbids it);
    # decided from the first pass alone, so the order of joins cannot matter.
    # Every key of the joining cluster must match: 'countries met' and 'countries
    # crossed' joined through a bare 'countries' do not all join 'countries attended'.
    roots = [sets.find(i) for i in range(len(keys))]
    targets: dict[int, set[int]] = defaultdict(set)
    unmatched: set[int] = set()
    for index in range(len(keys)):
        matches = attach.get(index)
        if matches:
            targets[roots[index]].update(roots[m] for m in matches | loose[index])
        else:
            unmatched.add(roots[index])
    for root, matched in sorted(targets.items()):
        if len(matched) == 1 and root not in unmatched:
            sets.union(root, next(iter(matched)))
    _attach_thin(keys, sets)
    return sets.groups()


def _attach_thin(keys: Sequence[CountedKey], sets: IntUnionFind) -> None:
    """Clusters of thin keys only ('about 2,000 put' read as killed from its clause)
    join the one cluster whose fuller keys have exactly their action and scope."""
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(keys)):
        members[sets.find(index)].append(index)
    full: dict[tuple[object, ...], set[int]] = defaultdict(set)
    thin_roots: list[tuple[int, tuple[object, ...]]] = []
    for root, indices in sorted(members.items()):
        thin = all(keys[i].thin() for i in indices)
        for i in indices:
            key = keys[i]
            guard = (key.ordinal, key.unit_class, key.vague, key.guards())
            if not thin and not key.thin():
                full[guard].add(root)
        if thin:
            guards = frozenset().union(*(keys[i].guards() for i in indices))
            first = keys[indices[0]]
            if guards and not first.vague:
                thin_roots.append((root, (first.ordinal, first.unit_class, False, guards)))
    for root, wanted in thin_roots:
        if len(full.get(wanted, ())) == 1:
            sets.union(root, next(iter(full[wanted])))
