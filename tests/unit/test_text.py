"""Unit tests for the text layer: folding, sentences, stems, action words, grouping."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from service.text.fold import fold_text, fold_with_index, plain, unaccented
from service.text.groups import UnionFind
from service.text.sentences import split_sentences
from service.text.stems import stem_words, stems
from service.text.words import action_near, is_fate, is_movement, stated_in


def test_fold_maps_every_folded_character_back() -> None:
    text = "The \u201cRiver\u201d \u2014  Board\u2019s"
    folded = fold_with_index(text)
    assert folded.text == 'the "river" board\'s'
    assert len(folded.index) == len(folded.text)
    assert text[folded.index[folded.text.index("board")]] == "B"
    assert fold_text("  Ice-Free\u00a0River ") == "ice free river"


def test_plain_drops_accents_and_straightens_apostrophes() -> None:
    assert plain("Caf\u00e9 Z\u00fcrich\u2019s") == "cafe zurich's"
    assert unaccented("Caf\u00e9 Z\u00fcrich\u2019s") == "Cafe Zurich\u2019s"  # case kept


def test_split_sentences_respects_abbreviations() -> None:
    text = "Mr. Kask met Dr. Vale on Sept. 3 in the U.S. capital. They spoke.\nNew line"
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "Mr. Kask met Dr. Vale on Sept. 3 in the U.S. capital.",
        "They spoke.",
        "New line",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


@pytest.mark.parametrize(
    ("sentence", "figure", "action"),
    [
        ("The river board has sent 40 pumps to the town.", "40 pumps", "sent"),
        ("By one count 400 volunteers have gone to the dykes.", "400 volunteers", "gone"),
        ("About 300 volunteers sent to the dykes are feared missing.", "300 volunteers", "missing"),
        # ', and' opens a new clause: the dead of the next one are not the 12 portraits.
        (
            "It hung 12 portraits on a wall, and in a second hall the families of dead",
            "12 portraits",
            "",
        ),
    ],
)
def test_action_near_reads_the_figures_clause(sentence: str, figure: str, action: str) -> None:
    start = sentence.index(figure)
    assert action_near(sentence, start, start + len(figure)) == action


def test_an_action_counts_as_stated_only_when_the_sentence_says_it() -> None:
    sentence = "Some 2,000 soldiers deployed there are estimated to have died in combat."
    assert stated_in("deployed to", sentence) and stated_in("die", sentence)
    assert not stated_in("mentioned", sentence) and not stated_in("", sentence)
    assert is_fate("killed") and is_fate("lost their lives") and not is_fate("deployed")
    assert is_movement("deployed to") and is_movement("gone") and not is_movement("killed")


def test_stemming_is_safe_across_threads() -> None:
    """Batch clusters run in threads; a shared Snowball stemmer garbles words under load."""
    words = "deployed dispatched killed casualties evacuated wounded soldiers pledged".split()  # noqa: SIM905
    expected = stem_words(words)

    def garbled(_: int) -> int:
        return sum(stem_words(words) != expected for _ in range(500))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sum(pool.map(garbled, range(8))) == 0


def test_stems_are_of_words_of_three_letters_or_more() -> None:
    assert stems("He deployed 40 pumps to it") == frozenset({"deploy", "pump"})


def test_union_find_roots_are_the_smallest_key_whatever_the_order() -> None:
    forward, backward = UnionFind(range(5)), UnionFind(range(5))
    for a, b in [(4, 3), (3, 1), (0, 2)]:
        forward.union(a, b)
    for a, b in [(0, 2), (1, 3), (3, 4)]:
        backward.union(a, b)
    assert forward.groups() == backward.groups() == [[0, 2], [1, 3, 4]]
    names: UnionFind[str] = UnionFind()
    names.union("nis", "spy agency")
    assert names.find("spy agency") == "nis" and names.find("kcna") == "kcna"
    assert names.groups() == [["kcna"], ["nis", "spy agency"]]


def test_plain_takes_the_stroke_and_the_missing_dot_off_letters() -> None:
    """Letters no decomposition takes apart: one name whichever way an outlet spells it."""
    assert plain("Ana K\u0131l\u0131\u00e7") == plain("Ana Kilic") == "ana kilic"
    assert plain("\u0141\u00f3d\u017a S\u00f8ren") == "lodz soren"
