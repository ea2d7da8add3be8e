"""Which body a source name means, within one merge, by general rules and no table of names.

`SourceResolver` is built from every source name the merge's records and articles give
(outlets, attributions, relays). Spellings of one source join (`sources` lexicon):

* an acronym written in capitals and a name whose last words have its initials: "NIS" /
  "South Korea's National Intelligence Service", "AFP" / "Agence France-Presse"; a
  parenthesised acronym joins the name it follows;
* a name and the same name with a word for its kind of body, when the cluster gives the
  bare name too: "Yonhap" / "Yonhap news agency";
* a description and the name it is built around: "the state-run Rodong Sinmun
  newspaper" / "state newspaper Rodong Sinmun" (lowercase descriptors before the name, a
  designator after it), "NIS, according to lawmaker Lee" (the part before a cue);
* two names of three or more words with the same initials and a rapidfuzz ratio from
  `source_match`: a misspelling ("National Inteligence Service").

A longer attribution resolves to an acronym or proper name given in the merge that it
holds with only descriptors around it ("the state-run Rodong Sinmun newspaper"), after a
possessive ("South Korea's NIS") or before a comma or cue ("NIS, according to lawmaker
Lee"); never to one followed by a possessive ("Le Pen's lawyer") or after another word
("lawyer for Le Pen"). A description with no proper name ("the spy agency") meets
only the same description: which agency it means, only its article can tell.

Everything is decided from the sorted set of names, so the order of the records does not
matter. A resolved name's `key` compares; `display` is what a statement shows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Final

from rapidfuzz import fuzz

from lexicon import load
from service.text.fold import unaccented
from service.text.groups import UnionFind
from service.text.words import alternation

_LEX: Final = load("sources")
_LEADING_NOISE: Final = tuple(f"{phrase} " for phrase in _LEX.words("leading_noise"))
_DESIGNATORS: Final = tuple(sorted(_LEX.words("designators"), key=lambda d: (-len(d.split()), d)))
_DESIGNATOR_WORDS: Final = frozenset(w for d in _LEX.words("designators") for w in d.split())
_DESCRIBING: Final = (
    frozenset(_LEX.words("descriptors"))
    | _DESIGNATOR_WORDS
    | {noise.strip() for noise in _LEADING_NOISE}
)
_FUZZY_MIN_WORDS: Final = 3
"""Misspellings are compared only among names this long: 'North Korea' and 'North Korean'
are not one name misspelt."""
_ACRONYM_SKIPS: Final = frozenset(_LEX.words("acronym_skips"))
_ACRONYM_LETTERS: Final = _LEX.numbers("acronym_letters")
_PARENTHESISED: Final = re.compile(r"\(([^()]*)\)")
_CUES: Final = alternation(load("en").words("sources.cues_before"), space=r"\s+")
_CITING: Final = re.compile(rf"\s*(?:,|(?:{_CUES})\b)")
_CUE_SPLIT: Final = re.compile(rf"\s*(?:,|\b(?:{_CUES})\b)", re.IGNORECASE)
_NON_WORD: Final = re.compile(r"[^\w]+")


def _strip_possessives(text: str) -> str:
    text = text.replace("\u2019", "'").replace("'s ", " ").replace("s' ", "s ")
    return text[:-2] if text.endswith("'s") else text


@cache
def normalise_source(name: str) -> str:
    """Lowercase `name`, drop accents, possessives, punctuation and leading noise ('the',
    'according to'): "South Korea's National Intelligence Service" → "south korea
    national intelligence service"."""
    text = _NON_WORD.sub(" ", _strip_possessives(unaccented(name).casefold())).strip()
    changed = True
    while changed:
        changed = False
        for prefix in _LEADING_NOISE:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                changed = True
    return text


@cache
def _proper(name: str) -> bool:
    """Some word of the name, after its leading noise, is written capitalised."""
    words = normalise_source(name).split()
    written = _NON_WORD.sub(" ", _strip_possessives(unaccented(name))).split()
    return any(word[:1].isupper() for word in written[len(written) - len(words) :])


def is_acronym(name: str) -> bool:
    """One word written in capitals, of `acronym_letters` letters: 'NIS', 'KCNA'."""
    word = name.strip()
    low, high = _ACRONYM_LETTERS["min"], _ACRONYM_LETTERS["max"]
    return word.isalpha() and word.isupper() and low <= len(word) <= high


def _described(before: str, after: str) -> bool:
    """Whether the words around a name only describe it: before it, descriptors (after
    a possessive, "South Korea's"); after it, descriptors, or a comma or cue and then
    anything."""
    if after.startswith("'"):
        return False  # a possessive: "Le Pen's lawyer" is someone else
    if not _CITING.match(after) and not set(_NON_WORD.sub(" ", after).split()) <= _DESCRIBING:
        return False
    owner = before.rfind("'s ")
    if owner >= 0:
        before = before[owner + 3 :]
    return set(_NON_WORD.sub(" ", before).split()) <= _DESCRIBING


@cache
def described_core(name: str) -> str:
    """The name a description is built around, as written: the part before a comma or
    cue, without lowercase descriptors before it and a lowercase designator after it
    ("the state-run Rodong Sinmun newspaper" → "Rodong Sinmun", "NIS, according to
    lawmaker Lee" → "NIS"); '' unless it starts and ends with a capitalised word."""
    text = " ".join(name.replace("\u2019", "'").split())
    cut = _CUE_SPLIT.search(text)
    if cut is not None and cut.start() > 0:
        text = text[: cut.start()]
    words = text.split()
    while words and _lowercase_in(words[0], _DESCRIBING):
        words = words[1:]
    while words and _lowercase_in(words[-1], _DESIGNATOR_WORDS):
        words = words[:-1]
    if not words or not (words[0][:1].isupper() and words[-1][:1].isupper()):
        return ""
    return "" if "'" in " ".join(words) else " ".join(words)


def _lowercase_in(word: str, table: frozenset[str]) -> bool:
    """A word written in lowercase ('The' too) whose parts are all in `table`."""
    parts = _NON_WORD.sub(" ", word).split()
    lowercase = word.islower() or word in {"The", "A"}
    return lowercase and bool(parts) and all(p.casefold() in table for p in parts)


def _initials(words: Iterable[str]) -> str:
    return "".join(word[0] for word in words if word not in _ACRONYM_SKIPS)


def _core(normalised: str) -> str:
    """The name without a trailing word for its kind of body ('yonhap news agency' →
    'yonhap'); '' when it has none or nothing else."""
    for designator in _DESIGNATORS:
        if normalised.endswith(f" {designator}"):
            return normalised[: -len(designator) - 1]
    return ""


def _linked(key: str, written: Collection[str], acronyms: Collection[str]) -> str | None:
    """The name given that `key` is another spelling of: its acronym (the initials of its
    longest run of last words), or itself without a word for its kind of body."""
    core = _core(key)
    if core in written:
        return core
    words = key.split()
    if key not in acronyms:
        for start in range(len(words) - 1):
            if _initials(words[start:]) in acronyms:
                return _initials(words[start:])
    return None


@dataclass(frozen=True)
class SourceKey:
    """A resolved source: `key` compares; `known` when it met another spelling, and then
    `display` is the name shown for them all."""

    key: str
    known: bool
    display: str


class SourceResolver:
    """The source names of one merge, their spellings joined; resolves any name."""

    def __init__(self, names: Iterable[str], *, fuzzy_threshold: float) -> None:
        """Join the spellings among `names`; `fuzzy_threshold` is a rapidfuzz ratio."""
        written: dict[str, str] = {}
        acronyms: set[str] = set()
        pairs: list[tuple[str, str]] = []
        for name in sorted({n.strip() for n in names if n and n.strip()}):
            outer = _PARENTHESISED.sub(" ", name)
            for part in (name, outer, *_PARENTHESISED.findall(name)):
                key, spelling = normalise_source(part), " ".join(part.split())
                if not key:
                    continue
                if key not in written or (len(spelling), spelling) < (
                    len(written[key]),
                    written[key],
                ):
                    written[key] = spelling
                if is_acronym(part):
                    acronyms.add(key)
            core = described_core(outer)
            core_key = normalise_source(core)
            if core_key and core_key != normalise_source(outer):
                if core_key not in written or (len(core), core) < (len(written[core_key]), core):
                    written[core_key] = core
                if is_acronym(core):
                    acronyms.add(core_key)
                pairs.append((normalise_source(outer), core_key))
            for inner in _PARENTHESISED.findall(name):
                if is_acronym(inner) and normalise_source(outer):
                    pairs.append((normalise_source(outer), normalise_source(inner)))
        self._written = written
        self._acronyms = frozenset(acronyms)
        self._proper = {key for key, name in written.items() if _proper(name) or key in acronyms}
        self._sets: UnionFind[str] = UnionFind(sorted(written))
        for a, b in pairs:
            self._sets.union(a, b)
        self._join_spellings(acronyms, fuzzy_threshold)
        members: dict[str, list[str]] = {}
        for key in sorted(written):
            members.setdefault(self._sets.find(key), []).append(key)
        self._display = {root: self._pick_display(keys, acronyms) for root, keys in members.items()}
        self._size = {root: len(keys) for root, keys in members.items()}
        self._embeddable = sorted(self._proper)
        self._cache: dict[str, SourceKey | None] = {}

    def _join_spellings(self, acronyms: set[str], fuzzy_threshold: float) -> None:
        keys = sorted(self._written)
        for key in keys:
            linked = _linked(key, self._written, acronyms)
            if linked is not None:
                self._sets.union(key, linked)
        self._join_titles()
        several = [k for k in keys if len(k.split()) >= _FUZZY_MIN_WORDS]
        for i, a in enumerate(several):
            for b in several[i + 1 :]:
                same_initials = _initials(a.split()) == _initials(b.split())
                if same_initials and fuzz.ratio(a, b) >= fuzzy_threshold:
                    self._sets.union(a, b)

    def _join_titles(self) -> None:
        """A title before a person's name is the office it names: "Coroner Ivo Lund" /
        "the coroner" / "the coroner's office" (a description with no capitalised word,
        without its designator). Within one merge one office has one holder."""
        offices: dict[str, list[str]] = defaultdict(list)
        for key, name in self._written.items():
            if not _proper(name):
                offices[_core(key) or key].append(key)
        for key, name in self._written.items():
            words, shown = key.split(), _NON_WORD.sub(" ", name).split()
            for size in range(1, len(words) - 1):
                title = " ".join(words[:size])
                rest = shown[len(shown) - len(words) + size :]
                if title in offices and all(w[:1].isupper() for w in rest):
                    for office in offices[title]:
                        self._sets.union(key, office)

    def _pick_display(self, keys: list[str], acronyms: set[str]) -> str:
        """An acronym given, else a name (not a description: "Coroner Ivo Lund", not "the
        coroner's office"), the spelling of fewest words (then shortest)."""
        pool = [k for k in keys if k in acronyms] or [k for k in keys if k in self._proper] or keys
        best = min(pool, key=lambda k: (len(k.split()), len(k), k))
        return self._written[best]

    def resolve(self, name: str | None) -> SourceKey | None:
        """The key of `name`, or None for a missing or empty name. A spelling that met
        others resolves to their group; a longer attribution holding a proper name given
        in the merge resolves to it; any other name to its own normalised text."""
        if name is None:
            return None
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    def known(self, name: str) -> str | None:
        """The display name of the spellings `name` (or its parenthesised acronym) met in
        this merge, by the rules that join them; None when it met none."""
        for part in (*_PARENTHESISED.findall(name), name):
            key = normalise_source(part)
            if key not in self._written:
                key = _linked(key, self._written, self._acronyms) or ""
            if key:
                root = self._sets.find(key)
                if self._size[root] > 1:
                    return self._display[root]
        return None

    def _resolve(self, name: str) -> SourceKey | None:
        hit = self.known(name)
        if hit is not None:
            return SourceKey(hit, known=True, display=hit)
        text = normalise_source(name)
        if not text:
            return None
        key = self._embedded(name, text)
        if key is not None:
            root = self._sets.find(key)
            display = self._display[root]
            return SourceKey(display if self._size[root] > 1 else key, known=True, display=display)
        return SourceKey(text, known=False, display=" ".join(name.split()))

    def _embedded(self, name: str, text: str) -> str | None:
        """The name given in this merge that a longer attribution names, with only
        descriptors around it ("the state-run Rodong Sinmun newspaper"), after a possessive
        ("South Korea's NIS") or before a comma or cue ("NIS, according to lawmaker Lee");
        never one followed by a possessive ("Le Pen's lawyer") or after another word
        ("lawyer for Le Pen")."""
        low = unaccented(name).casefold().replace("\u2019", "'")
        found: list[tuple[int, int, str]] = []
        for key in self._embeddable:
            if key == text:
                continue
            pattern = r"\b" + r"\W+".join(map(re.escape, key.split())) + r"\b"
            for match in re.finditer(pattern, low):
                if _described(low[: match.start()], low[match.end() :]):
                    found.append((match.start(), -len(key), key))
                    break
        return min(found)[2] if found else None
