"""Grouping: disjoint sets whose roots do not depend on the order of the unions, and
connected components over blocked candidate pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Generic, Protocol, Self, TypeVar


class _Ordered(Protocol):
    def __lt__(self, other: Self, /) -> bool: ...


K = TypeVar("K", bound=_Ordered)


class UnionFind(Generic[K]):
    """Disjoint sets over ordered keys (ints, strings); the smallest key of a set is its root.

    Choosing the smallest key as root makes `find` independent of the order in which
    `union` was called, which keeps every caller order-independent.
    """

    def __init__(self, keys: Iterable[K] = ()) -> None:
        self._parent: dict[K, K] = {key: key for key in keys}

    def find(self, key: K) -> K:
        """The root of `key`'s set, adding `key` as a singleton when it is new."""
        parent = self._parent.setdefault(key, key)
        while parent != key:
            grand = self._parent[parent]
            self._parent[key] = grand
            key, parent = parent, grand
        return key

    def union(self, a: K, b: K) -> None:
        """Join the sets of `a` and `b`."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            low, high = (root_a, root_b) if root_a < root_b else (root_b, root_a)
            self._parent[high] = low

    def groups(self) -> list[list[K]]:
        """Members of each set (in the order they were first seen), sets ordered by root."""
        members: dict[K, list[K]] = defaultdict(list)
        for key in list(self._parent):
            members[self.find(key)].append(key)
        return [members[root] for root in sorted(members)]


def candidate_pairs(blocks: Sequence[Iterable[Hashable]]) -> list[tuple[int, int]]:
    """Index pairs sharing at least one blocking key: only these are compared."""
    postings: dict[Hashable, list[int]] = defaultdict(list)
    for index, keys in enumerate(blocks):
        for key in set(keys):
            postings[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for indices in postings.values():
        for x, first in enumerate(indices):
            for second in indices[x + 1 :]:
                pairs.add((first, second))
    return sorted(pairs)


def group_linked(
    count: int, blocks: Sequence[Iterable[Hashable]], linked: Callable[[int, int], bool]
) -> list[list[int]]:
    """Connected components of `linked` over 0..count-1, compared within blocks only;
    components ordered by their smallest member, members ascending."""
    sets = UnionFind(range(count))
    for a, b in candidate_pairs(blocks):
        if sets.find(a) != sets.find(b) and linked(a, b):
            sets.union(a, b)
    return sets.groups()
