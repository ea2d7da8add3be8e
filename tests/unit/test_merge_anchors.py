"""Counted things a cluster's outlets name with different words, learnt from the cluster
(`service.merge.anchors`): the same figure, with more in common than the number, ties
'devices' to 'computers' here, so their other figures may be compared."""

from __future__ import annotations

from schemas.record import Quantity
from service.merge import merge_records
from tests.unit.test_merge import record
from tests.unit.test_merge_alignment import figure, statuses


def _count(value: float, phrase: str, thing: str, happening: str) -> Quantity:
    return figure(value, phrase, f"{thing} {happening}", entity=thing, happening=happening)


def test_the_same_figure_ties_two_words_for_one_thing_and_their_other_figures_meet() -> None:
    tied = [
        record("a", quantities=[_count(8_500_000, "8.5 million", "devices", "crashed")]),
        record("b", quantities=[_count(8_500_000, "8.5 million", "computers", "crashed")]),
    ]
    other = [
        _count(250_000, "250,000", "devices", "repaired"),
        _count(400_000, "400,000", "computers", "repaired"),
    ]
    apart = merge_records([record("a", quantities=[other[0]]), record("b", quantities=[other[1]])])
    assert [s for s, _, _ in statuses(apart)] == ["single_source", "single_source"]
    joined = merge_records(
        [
            r.model_copy(update={"quantities": [*r.quantities, extra]})
            for r, extra in zip(tied, other, strict=True)
        ]
    )
    assert statuses(joined) == [
        ("agreed", ["8.5 million"], 2),
        ("conflicting", ["250,000", "400,000"], 2),
    ]


def test_a_number_alone_or_with_the_storys_name_ties_nothing() -> None:
    """'seven aircraft' and 'seven countries' say nothing else alike; 'two pilots on
    board' and 'two flight recorders recovered' say different things happened; 'six
    schools in Nairobi' and 'six districts in Nairobi' share only a name, which any figure
    of the story may give. Their other figures stay apart."""
    for first, second in (
        (("aircraft", ""), ("countries", "")),
        (("pilots", "on board"), ("recorders", "recovered")),
        (("schools", "in Nairobi"), ("districts", "in Nairobi")),
    ):
        consensus = merge_records(
            [
                record(
                    "a",
                    quantities=[
                        _count(7, "seven", *first),
                        _count(3, "three", first[0], "inspected"),
                    ],
                ),
                record(
                    "b",
                    quantities=[
                        _count(7, "seven", *second),
                        _count(5, "five", second[0], "inspected"),
                    ],
                ),
            ]
        )
        assert all(s == "single_source" for s, _, _ in statuses(consensus)), statuses(consensus)
