"""The pure parts of settling stories (`links.EventLinks`): the average linkage of a part
into stories with their highest merges, the verdict whether a story is settled
(conditions (1) and (2) in `links`), and walks over the links between events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from service.cluster.linkage import average_tree, cut_tree

MARGIN = 1e-9
"""A settled story must meet its conditions by this much: linkage's float averages never
decide a verdict."""

Block = tuple[list[str], list[str], np.ndarray]
"""Distances computed once: row keys, column keys, the matrix."""


@dataclass(frozen=True)
class Story:
    """A story as `links.EventLinks` keeps it."""

    members: tuple[str, ...]
    """Sorted; the first is the story's id."""
    top: float
    """Its highest merge distance (-inf for one event: it has no merge)."""
    settled: bool


def story_linkage(
    keys: list[str], distance: np.ndarray, cut: float
) -> list[tuple[list[str], float]]:
    """Average linkage over `keys` (sorted; `distance` their square matrix), cut at `cut`:
    each story (sorted keys) with its highest merge distance."""
    n = len(keys)
    if n == 1:
        return [([keys[0]], -np.inf)]
    condensed = np.clip(distance[np.triu_indices(n, k=1)], 0.0, 1.0)
    tree = average_tree(condensed, n)
    flat = cut_tree(tree, n, cut)
    leaf = list(range(n))
    top: dict[int, float] = {}
    for a, b, height, _ in tree:
        leaf.append(leaf[int(a)])
        if height <= cut:
            label = int(flat[leaf[int(b)]])
            top[label] = max(top.get(label, -np.inf), float(height))
    grouped: dict[int, list[str]] = {}
    for key, label in zip(keys, flat, strict=True):
        grouped.setdefault(int(label), []).append(key)
    return [(members, top.get(label, -np.inf)) for label, members in grouped.items()]


def verdicts(
    stories: Sequence[Story], near: Sequence[list[str]], block: Block, cut: float
) -> list[bool]:
    """Whether each story is settled: every event `near` it (one list per story, its own
    events left out) is further from each of its events than its highest merge, and
    further than `cut` from them on average. `block` holds those distances."""
    rows, columns, distance = block
    row_of = {k: i for i, k in enumerate(rows)}
    column_of = {k: i for i, k in enumerate(columns)}
    found = []
    for story, others in zip(stories, near, strict=True):
        if not others:
            found.append(True)
            continue
        part = distance[np.ix_([row_of[n] for n in others], [column_of[m] for m in story.members])]
        found.append(
            bool(part.min() > story.top + MARGIN and part.mean(axis=1).min() > cut + MARGIN)
        )
    return found


def linked_groups(links: Mapping[str, set[str]], start: Iterable[str]) -> list[set[str]]:
    """The linked groups of the events in `start` (a walk over `links`)."""
    seen: set[str] = set()
    found = []
    for first in start:
        if first in seen:
            continue
        group = {first}
        frontier = {first}
        while frontier:
            reached: set[str] = set()
            for key in frontier:
                reached |= links[key]
            frontier = reached - group
            group |= frontier
        seen |= group
        found.append(group)
    return found


def connected(links: Mapping[str, set[str]], keys: set[str]) -> bool:
    """Whether `keys` sit in one linked group (a walk that stops once it met them)."""
    if len(keys) < 2:
        return True
    first = next(iter(keys))
    group = {first}
    frontier = {first}
    missing = keys - group
    while frontier and missing:
        reached: set[str] = set()
        for key in frontier:
            reached |= links[key]
        frontier = reached - group
        group |= frontier
        missing -= frontier
    return not missing
