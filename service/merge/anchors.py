"""Counted things one cluster's articles name with different words, learnt from the cluster.

Outlets word one count differently: '121 MPs' and '121 seats', '8.5 million devices' and
'nearly 8.5 million computers', 'four hostages freed' and 'four captives freed'. No word
table can list every such pair, and most pairs hold only in context (seats are MPs in an
election, not in a stadium). The cluster itself shows them: when two figures give the
same number, say more in common than that number (the same happening, or a word of their
descriptions besides the things counted), and fit in every slot once the counted things
are read as one (`alignment.judge`), the two things are one in this cluster, and other
figures counting either ('412 MPs', '413 seats') may be compared.

An anchor must be a figure that says one specific thing: not a vague count, an ordinal,
0 or 1, a part of a group, a change or a frame read from a description alone, and of a
thing more specific than 'people'. So 'seven aircraft' and 'seven countries' (nothing
said of either), 'six districts' and 'six deaths' (one says what happened, the other
not) or 'two facilities' and 'two new infections' (nothing shared) teach nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from service.merge.alignment import Fit
from service.merge.frames import FigureFrame, entity_of
from service.merge.intervals import Number
from service.text.groups import UnionFind

Judge = Callable[[int, int, Mapping[str, str]], Fit | str]
"""Judges nodes `i` and `j` with counted things read as the mapping says."""


def entity_aliases(
    frames: Sequence[FigureFrame],
    numbers: Sequence[frozenset[Number]],
    judge: Judge,
) -> dict[str, str]:
    """For each counted thing that some anchor ties to another, the thing it is read as
    (the alphabetically first of its tied group, `UnionFind`'s root); things tied to none
    are left out.

    `numbers[i]` holds the numbers (value, low, high, scale) node `i`'s figures give."""
    by_number: dict[Number, list[int]] = defaultdict(list)
    for index, (frame, given) in enumerate(zip(frames, numbers, strict=True)):
        if _may_anchor(frame):
            for number in given:
                if number[0] is not None and number[0] not in (0.0, 1.0):
                    by_number[number].append(index)
    things: UnionFind[str] = UnionFind()
    for nodes in by_number.values():  # the roots do not depend on the order of unions
        for x, i in enumerate(nodes):
            for j in nodes[x + 1 :]:
                a, b = frames[i], frames[j]
                if a.entity == b.entity or a.dimension != b.dimension or not _shared(a, b):
                    continue
                if isinstance(judge(i, j, {a.entity: b.entity}), Fit):
                    things.union(a.entity, b.entity)
    tied = (group for group in things.groups() if len(group) > 1)
    return {thing: things.find(thing) for group in tied for thing in group}


def _may_anchor(frame: FigureFrame) -> bool:
    """A frame whose counted thing is specific and whose figure says one thing."""
    return not (
        frame.generic or frame.vague or frame.ordinal or frame.part or frame.change or frame.derived
    )


def _shared(a: FigureFrame, b: FigureFrame) -> bool:
    """The two frames say more in common than their number: the same happening, or a
    description word that is neither counted thing nor a name (every figure of a story
    may name its place or its disease)."""
    if a.happening and a.happening == b.happening:
        return True
    things = {a.entity, b.entity}
    return any(
        entity_of(word)[0] not in things and word not in a.names | b.names
        for word in a.counted & b.counted
    )
