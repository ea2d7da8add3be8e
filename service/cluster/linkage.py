"""Splitting one connected component into events.

Inside a component (articles joined by links, `service.cluster.index`) the articles are
clustered by average linkage over cosine distance, cut at `event_threshold`. The articles
are ordered by id before the linkage, so the result depends on the set of articles only,
never on the order they came in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import linkage

try:  # the routine scipy's `linkage` runs for average linkage (private: checked by a test)
    from scipy.cluster._hierarchy import nn_chain as _nn_chain
    from scipy.cluster.hierarchy import _LINKAGE_METHODS

    _AVERAGE = _LINKAGE_METHODS["average"]
except ImportError:  # pragma: no cover - a scipy without it: `linkage` itself
    _nn_chain = None
    _AVERAGE = -1

from service.cluster.features import Features
from service.cluster.vectors import KeptRows, days_of, pair_similarities, window_of
from service.settings import ClusterSettings


@dataclass(frozen=True)
class Group:
    """One event of a component: its articles (by id) and how it reads."""

    article_ids: tuple[str, ...]
    """Sorted by publication day (undated last), then id."""
    label: str
    """The headline of the event's most central article."""
    first_day: int | None
    last_day: int | None


def cut_tree(tree: np.ndarray, n: int, cut: float) -> list[int]:
    """A flat cluster label for each of the `n` leaves of a linkage `tree`: the leaves of
    every subtree whose merges all lie at most `cut` high share one (scipy's `fcluster`
    with `criterion="distance"`, numbered otherwise, without its checks of the tree)."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first = list(range(n)) + [0] * max(n - 1, 0)
    highest = [-math.inf] * n + [0.0] * max(n - 1, 0)
    for i, (a, b, height, _) in enumerate(tree.tolist()):
        a, b = int(a), int(b)
        highest[n + i] = top = max(height, highest[a], highest[b])
        first[n + i] = first[a]
        if top <= cut:
            parent[find(first[b])] = find(first[a])
    return [find(x) for x in range(n)]


def average_tree(distances: np.ndarray, n: int) -> np.ndarray:
    """scipy's average linkage tree of `n` leaves (`distances` condensed, finite), with
    the one merge of two leaves written out as scipy writes it, and larger trees built by
    the routine `linkage` calls for this method (its nearest-neighbours chain) without
    `linkage`'s checks and array-API wrapping: those cost more than the linkage of the
    few leaves an arrival splits, and splits come at every arrival online. The same tree
    to the last bit (tested); `linkage` itself where scipy no longer has that routine."""
    if n == 2:
        return np.array([[0.0, 1.0, float(distances[0]), 2.0]])
    if _nn_chain is not None:
        chained: np.ndarray = _nn_chain(np.ascontiguousarray(distances, dtype=float), n, _AVERAGE)
        return chained
    tree: np.ndarray = linkage(distances, method="average")
    return tree


def _cut(tree: np.ndarray, threshold: float, n: int) -> list[int]:
    # Merges at distance <= 1 - threshold: average similarity >= threshold.
    return cut_tree(tree, n, 1.0 - threshold)


def join_follow_ups(
    events: list[int], sims: np.ndarray, members: Sequence[Features], settings: ClusterSettings
) -> list[int]:
    """Events joined when one follows the other up: pairs dated further apart than the
    window count as unrelated (0) in the linkage, which cuts a story covered over more
    than a year (an outage, its lawsuit 18 months on) into pieces. Two events some of
    whose cross pairs the window hid are joined when their pairs dated close together
    (both dated, inside the window) are on average as similar as one event's articles
    (`event_threshold`). Undated pairs were never hidden, so they are no evidence here;
    events with no hidden cross pair, or no pair dated close together, stay as the
    linkage cut them. Closest pair first, repeated until none is left; ties by first
    member."""
    days = days_of(members)
    gaps = np.abs(days[:, None] - days[None, :])
    hidden = gaps > settings.window_days  # NaN (an undated side) compares False
    close = gaps <= settings.window_days  # both dated, close enough
    if not hidden.any():
        return events
    groups: dict[int, list[int]] = {}
    for i, event in enumerate(events):
        groups.setdefault(event, []).append(i)
    while len(groups) > 1:
        best: tuple[float, int, int] | None = None
        keys = sorted(groups, key=lambda k: groups[k][0])
        for x, a in enumerate(keys):
            for b in keys[x + 1 :]:
                cross = np.ix_(groups[a], groups[b])
                mask = close[cross]
                if not mask.any() or not hidden[cross].any():
                    continue
                mean = float(sims[cross][mask].mean())
                if mean >= settings.event_threshold and (best is None or mean > best[0]):
                    best = (mean, a, b)
        if best is None:
            break
        _, a, b = best
        groups[a] = sorted(groups[a] + groups.pop(b))
    label = {i: min(rows) for rows in groups.values() for i in rows}
    return [label[i] for i in range(len(events))]


def split_component(
    members: Sequence[Features], settings: ClusterSettings, kept: KeptRows | None = None
) -> list[Group]:
    """The events of one component, ordered by their first article id (`kept`, when
    given, holds the members' vectors)."""
    ordered = sorted(members, key=lambda f: f.article_id)
    n = len(ordered)
    if n == 1:  # what the linkage below makes of one article, without its matrices
        day = ordered[0].day
        return [Group((ordered[0].article_id,), ordered[0].title, day, day)]
    gram = kept.gram([f.article_id for f in ordered]) if kept is not None else None
    sims = pair_similarities(ordered, window_of(settings), gram)
    distances = np.clip(1.0 - sims[np.triu_indices(n, k=1)], 0.0, 1.0)
    events = _cut(average_tree(distances, n), settings.event_threshold, n)
    events = join_follow_ups(events, sims, ordered, settings)
    by_event: dict[int, list[int]] = {}
    for i, event in enumerate(events):
        by_event.setdefault(event, []).append(i)
    groups: list[Group] = []
    for rows in sorted(by_event.values(), key=lambda r: ordered[r[0]].article_id):
        # The most central article (highest summed similarity) names the event.
        centre = max(rows, key=lambda r: (float(sims[r, rows].sum()), -r))
        days = [d for r in rows if (d := ordered[r].day) is not None]
        chosen = sorted(
            rows,
            key=lambda r: (ordered[r].day is None, ordered[r].day or 0, ordered[r].article_id),
        )
        groups.append(
            Group(
                article_ids=tuple(ordered[r].article_id for r in chosen),
                label=ordered[centre].title,
                first_day=min(days) if days else None,
                last_day=max(days) if days else None,
            )
        )
    return groups
