"""The story level kept between arrivals (`links.EventLinks`) against the batch's stories
(`stories.story_groups`) after every change of a random sequence of events: new ones,
ones that grow, split in two or go, over a small vocabulary, so that groups join and
fall apart and many stories are not settled. And the shortcuts the online path takes:
`Vocabulary.dots`, the sums of `products`, `linkage.cut_tree` and `linkage.average_tree`."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

import numpy as np
import pytest
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage

from service.cluster import linkage as linkage_module
from service.cluster import products as products_module
from service.cluster.features import Features
from service.cluster.linkage import average_tree, cut_tree
from service.cluster.links import EventLinks
from service.cluster.products import SparseRow, products, row_product
from service.cluster.stories import EventIndex, EventSummary, story_groups, summarise_event
from service.cluster.vectors import Vocabulary

THRESHOLD = 0.3
VOCABULARY = [f"w{i}" for i in range(14)]


def _article(rng: random.Random, n: int, topic: list[str]) -> Features:
    terms = rng.sample(topic, k=rng.randint(1, 3)) + rng.sample(VOCABULARY, k=rng.randint(1, 3))
    weights = {t: rng.random() + 0.1 for t in terms}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    ranked = sorted(weights, key=lambda t: (-weights[t], t))
    return Features(
        article_id=f"a{n:05d}",
        day=None,
        vector={t: w / norm for t, w in weights.items()},
        keys=tuple(ranked[:2]),
        title="",
    )


def _stories(links: EventLinks) -> set[frozenset[str]]:
    return {frozenset(links._story[key].members) for key in links.events}


def _batch(events: dict[str, list[Features]]) -> set[frozenset[str]]:
    summaries: list[EventSummary] = [summarise_event(k, m) for k, m in events.items()]
    index = EventIndex()
    for summary in summaries:
        index.add(summary)
    return {frozenset(s) for s in story_groups(summaries, index, THRESHOLD)}


@pytest.mark.parametrize("seed", range(6))
def test_stories_kept_between_changes_are_the_batch_stories(seed: int) -> None:
    rng = random.Random(seed)
    topics = [rng.sample(VOCABULARY, k=4) for _ in range(4)]
    links = EventLinks(THRESHOLD)
    events: dict[str, list[Features]] = {}
    counter = iter(range(10**6))

    def put(key: str, members: list[Features]) -> None:
        events[key] = members
        links.add(summarise_event(key, members))

    for _ in range(160):
        step = rng.random()
        keys = sorted(events)
        if step < 0.45 or len(keys) < 4:
            topic = rng.choice(topics)
            put(f"e{next(counter):05d}", [_article(rng, next(counter), topic)])
        elif step < 0.7:  # an event grows (it keeps its key)
            key = rng.choice(keys)
            put(key, [*events[key], _article(rng, next(counter), rng.choice(topics))])
        elif step < 0.8:  # an event splits in two
            key = rng.choice(keys)
            members = events.pop(key)
            links.remove(key)
            if len(members) > 1:
                half = len(members) // 2
                put(f"e{next(counter):05d}", members[:half])
                put(f"e{next(counter):05d}", members[half:])
        elif step < 0.9:  # two events merge
            first, second = rng.sample(keys, 2)
            for key in (first, second):
                links.remove(key)
            put(first, events.pop(first) + events.pop(second))
        else:
            key = rng.choice(keys)
            del events[key]
            links.remove(key)
        if rng.random() < 0.7:  # sometimes several changes before the stories settle
            links.stories_of(())
            assert _stories(links) == _batch(events)
    links.stories_of(())
    assert _stories(links) == _batch(events)
    assert max(len(s) for s in _batch(events)) > 1


def test_dots_are_the_sparse_products_empty_rows_included() -> None:
    rng = random.Random(0)
    vocabulary = Vocabulary()
    vectors = [
        {t: rng.random() for t in rng.sample(VOCABULARY, k=rng.randint(0, 5))} for _ in range(30)
    ]
    vectors[-1] = {}  # an empty row last: reduceat must not cut the one before it short
    rows = [vocabulary.row(v) for v in vectors]
    query = vocabulary.row({"w1": 0.5, "w3": 2.0})
    expected = (vocabulary.stack(rows) @ vocabulary.stack([query]).T).toarray().ravel()
    got = vocabulary.dots(query, rows)
    assert got.shape == (30,)
    assert got == pytest.approx(expected, abs=1e-12)
    assert vocabulary.dots(query, [vocabulary.row({})]).tolist() == [0.0]
    assert vocabulary.dots(query, []).shape == (0,)


def test_row_product_is_the_sparse_product_to_the_last_bit() -> None:
    # The same floats as scipy's product: a story's verdict never moves with the path.
    rng = random.Random(1)
    vocabulary = Vocabulary()
    terms = [f"t{i}" for i in range(400)]
    for _ in range(100):
        kept = [
            vocabulary.row({t: rng.random() * 10 ** rng.uniform(-3, 1)
                            for t in rng.sample(terms, k=rng.randint(0, 60))})
            for _ in range(rng.randint(1, 30))
        ]  # fmt: skip
        transposed = vocabulary.stack(kept).T.tocsr()
        # Some of the query's terms are newer than the kept rows (beyond their columns).
        query = vocabulary.row({t: rng.random() for t in rng.sample(terms, k=rng.randint(0, 60))})
        width = transposed.shape[0]
        inside = query.columns < width
        one = sparse.csr_matrix(
            (query.values[inside], query.columns[inside], [0, int(inside.sum())]),
            shape=(1, width),
        )
        expected = (one @ transposed).toarray().ravel()
        got = row_product(query, transposed, len(kept))
        assert got.tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("many_terms", "routines"),
    [(0, True), (products_module.MANY_TERMS, True), (10**9, True), (0, False)],
)
def test_products_are_the_sparse_products_to_the_last_bit(
    many_terms: int, routines: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(products_module, "MANY_TERMS", many_terms)  # each way of summing
    if not routines:  # a scipy without its routines: its product itself
        monkeypatch.setattr(products_module, "_csr_matmat", None)
    rng = random.Random(2)
    vocabulary = Vocabulary()
    terms = [f"t{i}" for i in range(300)]

    def some_rows() -> list[SparseRow]:
        return [
            vocabulary.row({t: rng.random() * 10 ** rng.uniform(-3, 1)
                            for t in rng.sample(terms, k=rng.choice([0, 3, 40, 120]))})
            for _ in range(rng.randint(0, 10))
        ]  # fmt: skip

    for _ in range(200):
        left, right = some_rows(), some_rows()
        got = products(left, right)
        assert got.shape == (len(left), len(right))
        if left and right:
            expected = (vocabulary.stack(left) @ vocabulary.stack(right).T).toarray()
            assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("chain", [True, False])
def test_average_tree_is_scipys_to_the_last_bit(
    chain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not chain:  # a scipy without its routine: `linkage` itself
        monkeypatch.setattr(linkage_module, "_nn_chain", None)
    for d in (0.0, 0.123456789123, 0.78, 1.0):
        condensed = np.array([d])
        assert average_tree(condensed, 2).tolist() == linkage(condensed, "average").tolist()
    condensed = np.array([0.2, 0.5, 0.4])
    assert average_tree(condensed, 3).tolist() == linkage(condensed, "average").tolist()
    # Larger trees skip `linkage`'s wrapping: the same merges, heights and sizes, ties
    # (distances rounded to one place) and equal distances included.
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(3, 40))
        condensed = rng.random(n * (n - 1) // 2)
        if rng.random() < 0.5:
            condensed = np.round(condensed, 1)
        assert average_tree(condensed, n).tolist() == linkage(condensed, "average").tolist()


def test_cut_tree_is_fcluster_by_distance() -> None:
    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(1, 20))
        condensed = np.round(rng.random(n * (n - 1) // 2), 1)  # ties, some at the cut
        tree = linkage(condensed, method="average") if n > 1 else np.zeros((0, 4))
        cut = float(rng.choice([0.3, 0.5, *tree[:, 2]])) if n > 1 else 0.5
        ours = cut_tree(tree, n, cut)
        theirs = fcluster(tree, t=cut, criterion="distance") if n > 1 else [1]
        assert _partition(ours) == _partition(theirs)


def _partition(labels: Iterable[object]) -> set[frozenset[int]]:
    found: dict[object, set[int]] = {}
    for i, label in enumerate(labels):
        found.setdefault(label, set()).add(i)
    return {frozenset(s) for s in found.values()}
