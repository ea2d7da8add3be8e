"""Similarities in bulk: sparse matrices of term weights, so the products run in C.

Every similarity compared with a threshold is rounded to `DECIMALS` places first, so that
the same pair gives the same verdict whichever path (batch or online) and whatever
summation order computed it.

`matrix` numbers the terms of one set of vectors afresh (the batch: once per collection).
The online path keeps a `Vocabulary` instead: each vector becomes a `SparseRow` once, and
any set of rows stacks into a matrix, or multiplies with another set
(`service.cluster.products`, scipy's sums without its matrices), without reading a term
again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import sparse

from service.cluster.features import Features
from service.cluster.products import SparseRow, products, row_product, stack
from service.settings import ClusterSettings

DECIMALS = 9


def matrix(vectors: Sequence[dict[str, float]]) -> sparse.csr_matrix:
    """One row per vector, over the terms they use."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            rows.append(i)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
            vals.append(weight)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(vectors), len(vocabulary)))


class Vocabulary:
    """Term → column, numbered as terms first come (it only grows)."""

    def __init__(self) -> None:
        self._columns: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._columns)

    def row(self, vector: dict[str, float]) -> SparseRow:
        """`vector` over this vocabulary (new terms get new columns)."""
        n = len(vector)
        known = self._columns
        # New terms numbered in the order they come, then every term looked up in C.
        for term in [t for t in vector if t not in known]:
            known[term] = len(known)
        columns = np.fromiter(map(known.__getitem__, vector), np.int64, n)
        values = np.fromiter(vector.values(), float, n)
        order = np.argsort(columns, kind="stable")
        return SparseRow(columns[order], values[order])

    def dots(self, row: SparseRow, rows: Sequence[SparseRow]) -> np.ndarray:
        """The product of `row` with each of `rows` (a few rows: cheaper than a matrix)."""
        if not rows:
            return np.zeros(0)
        dense = np.zeros(len(self._columns))
        dense[row.columns] = row.values
        lengths = np.fromiter((len(r.columns) for r in rows), np.int64, len(rows))
        columns = np.concatenate([r.columns for r in rows])
        values = np.concatenate([r.values for r in rows])
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        # One 0 more, so that every start is inside; reduceat gives an empty row the one
        # product at its start: those are 0.
        products = np.append(dense[columns] * values, 0.0)
        sums = np.add.reduceat(products, starts)
        return np.where(lengths > 0, sums, 0.0)

    def stack(self, rows: Sequence[SparseRow]) -> sparse.csr_matrix:
        """The rows as one matrix (one row each, in order)."""
        return stack(rows, len(self._columns))


def days_of(items: Sequence[Features]) -> np.ndarray:
    """Publication days as proleptic ordinals, NaN where unknown."""
    return np.array([np.nan if f.day is None else f.day for f in items], dtype=float)


class Window(NamedTuple):
    """How the days two articles were published apart weigh their similarity."""

    days: int
    """Pairs dated further apart count 0 (`ClusterSettings.window_days`)."""
    near_days: int = 0
    """Pairs dated at most this far apart count `near_weight` times their similarity."""
    near_weight: float = 1.0


def window_of(settings: ClusterSettings) -> Window:
    """The settings' window."""
    return Window(settings.window_days, settings.near_days, settings.near_weight)


def windowed(
    sims: np.ndarray, days_a: np.ndarray, days_b: np.ndarray, window: Window
) -> np.ndarray:
    """`sims` (rows a, columns b) with pairs dated further apart than `window.days` set to
    0 and pairs dated at most `window.near_days` apart weighted by `window.near_weight`
    (at most 1): the same event's follow-ups, published within days of it, share fewer
    words with its first reports than those reports share with each other."""
    gap = np.abs(days_a[:, None] - days_b[None, :])
    if window.near_weight != 1.0:
        near = np.minimum(sims * window.near_weight, 1.0)
        sims = np.where(gap <= window.near_days, near, sims)  # NaN gaps compare False
    out = np.where(gap > window.days, 0.0, sims)  # NaN gaps (an undated side) compare False
    return np.round(out, DECIMALS)


def pair_similarities(
    items: Sequence[Features], window: Window, gram: np.ndarray | None = None
) -> np.ndarray:
    """The n-by-n similarity matrix of `items` (1 on the diagonal); `gram`, when given,
    is the products of their vectors (from a caller that keeps them, `KeptRows`)."""
    if gram is None:
        rows = matrix([f.vector for f in items])
        gram = (rows @ rows.T).toarray()
    days = days_of(items)
    sims = windowed(gram, days, days, window)
    np.fill_diagonal(sims, 1.0)
    return sims


class Rows:
    """Every article of a batch as one matrix, for similarities to chosen candidates."""

    def __init__(self, items: Sequence[Features]) -> None:
        self.position = {f.article_id: i for i, f in enumerate(items)}
        self.rows = matrix([f.vector for f in items])
        self.days = days_of(items)

    def similarities(self, article_id: str, others: Sequence[str], window: Window) -> np.ndarray:
        """Similarity of one article to each of `others`."""
        i = self.position[article_id]
        picked = [self.position[o] for o in others]
        sims = (self.rows[picked] @ self.rows[i].T).toarray().ravel()
        return windowed(sims[None, :], self.days[[i]], self.days[picked], window).ravel()


class KeptRows:
    """Every article seen online as a row over one `Vocabulary` (each vector is read once),
    for the same products as `Rows` without numbering the terms again."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        self._rows: dict[str, tuple[SparseRow, float]] = {}

    def add(self, features: Features) -> None:
        """Keep one article's row."""
        day = np.nan if features.day is None else float(features.day)
        self._rows[features.article_id] = (self.vocabulary.row(features.vector), day)

    def gram(self, article_ids: Sequence[str]) -> np.ndarray:
        """The products of the rows of `article_ids` with each other (the floats of
        `stack(rows) @ stack(rows).T`)."""
        rows = [self._rows[a][0] for a in article_ids]
        return products(rows, rows)

    def similarities(self, article_id: str, others: Sequence[str], window: Window) -> np.ndarray:
        """Similarity of one kept article to each of `others` (as `Rows.similarities`)."""
        row, day = self._rows[article_id]
        kept = [self._rows[o] for o in others]
        days = np.array([d for _, d in kept], dtype=float)
        sims = self.vocabulary.dots(row, [r for r, _ in kept])
        return windowed(sims[None, :], np.array([day]), days, window).ravel()


class RowStore:
    """Rows by key over one `Vocabulary`, each with a size, kept in bulk for products
    with every row: the transpose of the rows kept at its last rebuild (so a product reads
    only the rows sharing a term), plus the rows added since. A rebuild comes once the
    added rows are about twice the square root of the kept ones: a rebuild reads every
    row, the added ones are read at every product."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        self._rows: dict[str, tuple[SparseRow, int]] = {}
        self._kept: list[str] = []
        self._slot: dict[str, int] = {}
        self._alive = np.zeros(0, dtype=bool)
        self._sizes = np.zeros(0)
        self._transposed = sparse.csr_matrix((0, 0))
        self._added: dict[str, None] = {}

    def add(self, key: str, vector: dict[str, float], size: int) -> SparseRow:
        """Keep the row of `vector` under `key`, with its size."""
        row = self.vocabulary.row(vector)
        self.remove(key)
        self._rows[key] = (row, size)
        self._added[key] = None
        return row

    def remove(self, key: str) -> None:
        """Forget a row."""
        if self._rows.pop(key, None) is None:
            return
        self._added.pop(key, None)
        slot = self._slot.pop(key, None)
        if slot is not None:
            self._alive[slot] = False

    def stack(self, keys: Sequence[str]) -> sparse.csr_matrix:
        """The rows of `keys`, in that order, as one matrix."""
        return self.vocabulary.stack([self._rows[k][0] for k in keys])

    def products(self, rows: Sequence[str], columns: Sequence[str]) -> np.ndarray:
        """The products of the rows of `rows` with those of `columns` (the floats of
        `stack(rows) @ stack(columns).T`)."""
        return products([self._rows[k][0] for k in rows], [self._rows[k][0] for k in columns])

    def sizes(self, keys: Sequence[str]) -> np.ndarray:
        """The sizes of `keys`, in that order."""
        return np.array([self._rows[k][1] for k in keys], dtype=float)

    def similar(self, row: SparseRow, size: int, floor: float) -> dict[str, float]:
        """Every kept row whose product with `row`, over both sizes and rounded, is at
        least `floor` (`floor` > 0): key → that mean similarity."""
        if len(self._added) > 16 + math.isqrt(4 * len(self._slot)):
            self._kept = list(self._rows)
            self._slot = {k: i for i, k in enumerate(self._kept)}
            self._alive = np.ones(len(self._kept), dtype=bool)
            self._sizes = self.sizes(self._kept)
            self._transposed = self.stack(self._kept).T.tocsr()
            self._added = {}
        found: dict[str, float] = {}
        if self._kept:
            sums = row_product(row, self._transposed, len(self._kept))
            sims = np.round(sums / (self._sizes * size), DECIMALS)
            keep = np.flatnonzero((sims >= floor) & self._alive)
            found.update(zip([self._kept[i] for i in keep], sims[keep].tolist(), strict=True))
        if self._added:
            added = list(self._added)
            values = self.vocabulary.dots(row, [self._rows[k][0] for k in added])
            sims = np.round(values / (self.sizes(added) * size), DECIMALS)
            found.update((k, float(v)) for k, v in zip(added, sims, strict=True) if v >= floor)
        return found
