"""Similarities in bulk: sparse matrices of term weights, so the products run in C.

Every similarity compared with a threshold is rounded to `DECIMALS` places first, so that
the same pair gives the same verdict whichever path (batch or online) and whatever
summation order computed it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from service.cluster.features import Features

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


def _days(items: Sequence[Features]) -> np.ndarray:
    return np.array([np.nan if f.day is None else f.day for f in items], dtype=float)


def windowed(sims: np.ndarray, days_a: np.ndarray, days_b: np.ndarray, window: int) -> np.ndarray:
    """`sims` (rows a, columns b) with pairs dated further apart than `window` set to 0."""
    gap = np.abs(days_a[:, None] - days_b[None, :])
    out = np.where(gap > window, 0.0, sims)  # NaN gaps (an undated side) compare False
    return np.round(out, DECIMALS)


def pair_similarities(items: Sequence[Features], window: int) -> np.ndarray:
    """The n-by-n similarity matrix of `items` (1 on the diagonal)."""
    rows = matrix([f.vector for f in items])
    days = _days(items)
    sims = windowed((rows @ rows.T).toarray(), days, days, window)
    np.fill_diagonal(sims, 1.0)
    return sims


class Rows:
    """Every article of a batch as one matrix, for similarities to chosen candidates."""

    def __init__(self, items: Sequence[Features]) -> None:
        self.position = {f.article_id: i for i, f in enumerate(items)}
        self.rows = matrix([f.vector for f in items])
        self.days = _days(items)

    def similarities(self, article_id: str, others: Sequence[str], window: int) -> np.ndarray:
        """Similarity of one article to each of `others`."""
        i = self.position[article_id]
        picked = [self.position[o] for o in others]
        sims = (self.rows[picked] @ self.rows[i].T).toarray().ravel()
        return windowed(sims[None, :], self.days[[i]], self.days[picked], window).ravel()
