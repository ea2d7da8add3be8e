"""Grouping helpers: connected components over blocked candidate pairs, majority picks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence


class IntUnionFind:
    """Disjoint sets over 0..n-1; the smallest index is the root, whatever the union order."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, index: int) -> int:
        """The root of `index`'s set."""
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def union(self, a: int, b: int) -> None:
        """Join the sets of `a` and `b`."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def groups(self) -> list[list[int]]:
        """Members of each set, sets ordered by their smallest member."""
        members: dict[int, list[int]] = defaultdict(list)
        for index in range(len(self.parent)):
            members[self.find(index)].append(index)
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
    """Connected components of `linked` over 0..count-1, compared within blocks only."""
    sets = IntUnionFind(count)
    for a, b in candidate_pairs(blocks):
        if sets.find(a) != sets.find(b) and linked(a, b):
            sets.union(a, b)
    return sets.groups()


def most_common(counts: Mapping[str, int], tiebreak: Callable[[str], object]) -> str:
    """The most counted key; ties go to the smallest `tiebreak` value."""
    return min(counts, key=lambda key: (-counts[key], tiebreak(key)))
