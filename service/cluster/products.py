"""Sparse products summed exactly as scipy's sparse product sums them, for the many small
products of the online path, without scipy's cost of building two matrices per product.

scipy (`csr_matmat`) adds the terms of each cell from 0, one after the other, in the
order of the left row's columns (ascending here); `np.bincount` adds its weights in the
order it reads them. Fed the terms in that order, it gives the same floats to the last
bit, so a similarity, and every verdict on it, is the one the sparse product gave.
Larger products call scipy's own routines (`csr_tocsc`, `csr_matmat`) on the rows'
arrays, without the matrices and their checks around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

try:  # the routines of scipy's sparse product (private: checked against it by a test)
    from scipy.sparse._sparsetools import (
        csr_matmat as _csr_matmat,
    )
    from scipy.sparse._sparsetools import (
        csr_matmat_maxnnz as _csr_matmat_maxnnz,
    )
    from scipy.sparse._sparsetools import (
        csr_tocsc as _csr_tocsc,
    )
except ImportError:  # pragma: no cover - a scipy without them: its product itself
    _csr_matmat = None


@dataclass(frozen=True)
class SparseRow:
    """One vector over a `Vocabulary`: its columns (ascending) and their weights."""

    columns: np.ndarray
    values: np.ndarray


def row_product(row: SparseRow, transposed: sparse.csr_matrix, n: int) -> np.ndarray:
    """`row` times `transposed` (terms by `n` rows): the product with each of the rows,
    summed from 0 term after term by ascending column, as scipy's sparse product sums it
    (the same floats), without building a matrix for the one row."""
    inside = row.columns < transposed.shape[0]
    columns, values = row.columns[inside], row.values[inside]
    starts = transposed.indptr[columns]
    lengths = transposed.indptr[columns + 1] - starts
    # Every stored entry of those columns, column after column (each in its own order).
    ends = lengths.cumsum()
    total = int(ends[-1]) if len(ends) else 0
    entries = (starts - ends + lengths).repeat(lengths) + np.arange(total)
    terms = transposed.data[entries] * values.repeat(lengths)
    # bincount adds in order: each row's sum is sequential, in the columns' order.
    return np.bincount(transposed.indices[entries], weights=terms, minlength=n)


MANY_TERMS = 8_192
"""Left entries times right rows (a bound on the terms) from which `products` leaves the
sums to scipy's routines: its arrays of terms would then cost more than scipy's loop
(measured: about even at 8,000, twice as slow at 50,000; through scipy's matrices, whose
checks cost about 1 ms a product, the bound was 32,768)."""


def stack(rows: Sequence[SparseRow], width: int) -> sparse.csr_matrix:
    """The rows as one matrix of `width` columns (one row each, in order)."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r.columns) for r in rows], out=indptr[1:])
    return sparse.csr_matrix(
        (
            np.concatenate([r.values for r in rows]) if rows else np.zeros(0),
            np.concatenate([r.columns for r in rows]) if rows else np.zeros(0, dtype=np.int64),
            indptr,
        ),
        shape=(len(rows), width),
    )


def _indptr(rows: Sequence[SparseRow]) -> np.ndarray:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r.columns) for r in rows], out=indptr[1:])
    return indptr


def _sparse_product(
    left: Sequence[SparseRow],
    right: Sequence[SparseRow],
    left_columns: np.ndarray,
    right_columns: np.ndarray,
    width: int,
) -> np.ndarray:
    """`stack(left) @ stack(right).T` as dense, by the routines scipy's product calls in
    that order (transpose, count, multiply, write out), without building its matrices:
    their checks cost more than the product of a few dozen rows. The same floats (tested
    against scipy's product)."""
    k, m = len(left), len(right)
    right_values = np.concatenate([r.values for r in right])
    # stack(right).T as rows (terms) of columns (right rows): csr_tocsc of stack(right).
    t_indptr = np.empty(width + 1, dtype=np.int64)
    t_indices = np.empty(len(right_columns), dtype=np.int64)
    t_values = np.empty(len(right_columns))
    _csr_tocsc(m, width, _indptr(right), right_columns.astype(np.int64, copy=False),
               right_values, t_indptr, t_indices, t_values)  # fmt: skip
    l_indptr = _indptr(left)
    l_columns = left_columns.astype(np.int64, copy=False)
    nnz = _csr_matmat_maxnnz(k, m, l_indptr, l_columns, t_indptr, t_indices)
    indptr = np.empty(k + 1, dtype=np.int64)
    indices = np.empty(nnz, dtype=np.int64)
    values = np.empty(nnz)
    _csr_matmat(k, m, l_indptr, l_columns, np.concatenate([r.values for r in left]),
                t_indptr, t_indices, t_values, indptr, indices, values)  # fmt: skip
    dense = np.zeros((k, m))
    stored = int(indptr[-1])
    dense[np.arange(k).repeat(np.diff(indptr)), indices[:stored]] = values[:stored]
    return dense


def products(left: Sequence[SparseRow], right: Sequence[SparseRow]) -> np.ndarray:
    """`left[i] · right[j]` for every pair (a dense matrix), as scipy sums
    `stack(left) @ stack(right).T`."""
    k, m = len(left), len(right)
    right_columns = np.concatenate([r.columns for r in right]) if right else np.zeros(0, int)
    left_columns = np.concatenate([r.columns for r in left]) if left else np.zeros(0, int)
    if not len(right_columns) or not len(left_columns):
        return np.zeros((k, m))
    if len(left_columns) * m > MANY_TERMS:  # at most that many terms: scipy's loop wins
        width = int(max(left_columns.max(), right_columns.max())) + 1
        if _csr_matmat is None:  # a scipy without its routines
            product: np.ndarray = (stack(left, width) @ stack(right, width).T).toarray()
            return product
        return _sparse_product(left, right, left_columns, right_columns, width)
    # `right` column by column (within a column, row after row), as its transpose holds it.
    # (Array methods rather than numpy's functions: the same operations without the
    # dispatch, which costs as much as the work on arrays this small.)
    order = right_columns.argsort(kind="stable")
    right_columns = right_columns[order]
    right_values = np.concatenate([r.values for r in right])[order]
    right_rows = np.arange(m).repeat([len(r.columns) for r in right])[order]
    change = np.empty(len(right_columns), dtype=bool)
    change[0] = True
    np.not_equal(right_columns[1:], right_columns[:-1], out=change[1:])
    heads = change.nonzero()[0]
    distinct = right_columns[heads]
    tails = np.empty_like(heads)
    tails[:-1] = heads[1:]
    tails[-1] = len(right_columns)
    # `left` row after row, each row's columns ascending: the order of the additions.
    at = np.minimum(distinct.searchsorted(left_columns), len(distinct) - 1)
    hit = distinct[at] == left_columns
    left_values = np.concatenate([r.values for r in left])[hit]
    left_rows = np.arange(k).repeat([len(r.columns) for r in left])[hit]
    at = at[hit]
    starts, lengths = heads[at], tails[at] - heads[at]
    ends = lengths.cumsum()
    total = int(ends[-1]) if len(ends) else 0
    entries = (starts - ends + lengths).repeat(lengths) + np.arange(total)
    terms = left_values.repeat(lengths) * right_values[entries]
    cells = left_rows.repeat(lengths) * m + right_rows[entries]
    return np.bincount(cells, weights=terms, minlength=k * m).reshape(k, m)
