"""Unit tests of the eval scorers, the report diff and the renderings."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from evals.report import (
    CaseResult,
    ClusterResult,
    EvalReport,
    Header,
    diff_reports,
    group_title,
    load_baseline,
    lower_is_better,
    render_html,
    render_markdown,
    snapshot,
    summarise,
    summary_keys,
    updated_baseline,
    write_baseline,
)
from evals.scorers import (
    CONSENSUS_FIELDS,
    DECLARED,
    METRICS,
    RECORD_FIELDS,
    SCORER_VERSION,
    AliasTable,
    Counts,
    GoldFact,
    Score,
    ScoringContext,
    aggregate,
    mean,
    score_citations,
    score_consensus,
    score_cosine,
    score_date,
    score_entity,
    score_exact,
    score_list,
    score_narrative_kept,
    score_number,
    score_record,
    score_token_f1,
    token_f1,
)
from schemas.consensus import (
    Consensus,
    ConsensusEvent,
    Fact,
    FactStatus,
    FactValue,
    NarrativeSentence,
)
from schemas.record import EventRecord, EventType, Quantity
from service.merge import merge_records

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
KIM = DATASETS / "dev" / "kim-beijing-2025"


def _gold(name: str) -> EventRecord:
    return EventRecord.model_validate_json((KIM / "gold" / f"{name}.json").read_text())


def _aliases() -> AliasTable:
    return AliasTable(json.loads((KIM / "gold" / "aliases.json").read_text()))


# -- primitives -------------------------------------------------------------------------------


def test_counts_precision_recall_f1() -> None:
    c = Counts(tp=3, wrong=1, extra=1, missing=2)
    assert c.precision == pytest.approx(3 / 5)
    assert c.recall == pytest.approx(3 / 6)
    assert c.f1 == pytest.approx(2 * 0.6 * 0.5 / 1.1)
    assert math.isnan(Counts().f1)
    assert Counts(missing=2).f1 == 0.0  # nothing predicted, gold not empty
    assert Counts(extra=1).f1 == 0.0  # nothing in gold, something predicted


def test_mean_leaves_out_unscored() -> None:
    scores = [Score(1.0, ""), Score(float("nan"), ""), Score(0.0, "")]
    assert mean(scores) == 0.5
    assert math.isnan(mean([Score(float("nan"), "")]))


def test_every_field_declares_known_metrics() -> None:
    for fields in (RECORD_FIELDS, CONSENSUS_FIELDS):
        for name, metrics in fields.items():
            assert metrics and set(metrics) <= set(METRICS), name
    assert DECLARED["score_list"] == ("n", "mean", "precision", "recall", "f1")
    assert SCORER_VERSION


def test_token_f1() -> None:
    assert token_f1("Kim arrives in Beijing", "kim ARRIVES in beijing!") == 1.0
    assert token_f1("the cat sat", "a cat sat") == 1.0  # articles dropped
    assert token_f1("alpha beta", "gamma") == 0.0
    assert math.isnan(token_f1("", ""))
    assert math.isnan(score_token_f1("", "anything").value)
    assert score_token_f1("alpha beta", "alpha").value == pytest.approx(2 / 3)


def test_exact() -> None:
    assert score_exact("visit", "visit").value == 1.0
    assert score_exact("visit", "other").value == 0.0
    assert math.isnan(score_exact(None, "visit").value)


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("2025-09-02", "2025-09-02", 1.0),
        ("2025-09-02", "2025-09-03", 0.5),  # one day off: half credit
        ("2025-09-02", "2025-09-04", 0.0),
        ("2025-09", "2025-09-30", 1.0),  # judged at the gold's granularity
        ("2025", "2025-06", 1.0),
        ("2025-09-02", "2025-09", 0.0),  # coarser than the gold
        ("2025-09-02", "Tuesday", 0.0),
        ("2024-12-31", "2025-01-01", 0.5),  # across a year end
    ],
)
def test_date(gold: str, predicted: str, expected: float) -> None:
    assert score_date(gold, predicted).value == expected


def test_date_missing_and_extra() -> None:
    assert score_date("2025-09-02", None).counts == Counts(missing=1)
    assert score_date(None, "2025-09-02").counts == Counts(extra=1)
    assert math.isnan(score_date(None, None).value)


def test_number_tolerance_and_containment() -> None:
    assert score_number((2000.0, None, None), (2004.0, None, None)).value == 1.0  # within 1%
    assert score_number((2000.0, None, None), (2100.0, None, None)).value == 0.0
    assert score_number((None, 20.0, 24.0), (None, 20.0, 24.0)).value == 1.0
    assert score_number((None, 20.0, 24.0), (22.0, None, None)).value == 0.5  # inside the range
    assert score_number((22.0, None, None), (None, 20.0, 24.0)).value == 0.5
    assert score_number((22.0, None, None), None).counts == Counts(missing=1)
    assert score_number((2000.0, None, None), (2100.0, None, None), rel_tol=0.1).value == 1.0


def test_aliases_and_entities() -> None:
    aliases = _aliases()
    assert aliases.similarity("Mr Lee", "Lee Seong-kweun") == 1.0
    assert aliases.similarity("the spy agency", "NIS") == 1.0
    assert aliases.similarity("state media", "Rodong Sinmun") == 1.0  # listed under two
    assert aliases.similarity("state media", "KCNA") == 1.0
    assert aliases.similarity("Choe Son-hui", "Choe Son Hui") == 1.0
    assert aliases.similarity("Citing Kim Chon Il", "Kim Chon Il") >= 0.9
    assert aliases.similarity("Kim Chon Il", "Kim Jong Un") < 0.9
    assert aliases.similarity("Kim", "Kim Chon Il") < 0.9
    assert score_entity("Beijing", "the Chinese capital", aliases).value == 1.0
    assert score_entity("Beijing", "Beijng", aliases).value == 1.0  # rapidfuzz ratio ≥ 0.9
    assert score_entity("Beijing", "Shanghai", aliases).counts == Counts(wrong=1)
    assert score_entity(None, "Beijing").counts == Counts(extra=1)


def test_cosine_uses_the_model_only_when_installed() -> None:
    class Fake:
        def encode(self, sentences: list[str]) -> Sequence[Sequence[float]]:
            return [[1.0, 0.0] if "kim" in s.lower() else [0.0, 1.0] for s in sentences]

    assert math.isnan(score_cosine("Kim arrives", "Kim arrived", None).value)
    assert score_cosine("Kim arrives", "Kim arrived", Fake()).value == pytest.approx(1.0)
    assert score_cosine("Kim arrives", "A parade", Fake()).value == pytest.approx(0.0)


# -- lists ------------------------------------------------------------------------------------


def _sim(a: str, b: str) -> float:
    return 1.0 if a == b else (0.6 if a[0] == b[0] else 0.0)


def test_list_counts_and_optimal_assignment() -> None:
    # Greedy would pair gold "ab" with predicted "ab" then leave "ax" unmatched; the optimal
    # assignment matches all it can.
    def sim(g: str, p: str) -> float:
        table = {("ab", "ab"): 0.9, ("ab", "ax"): 0.8, ("ay", "ab"): 0.7}
        return table.get((g, p), 0.0)

    score, alignment = score_list(["ab", "ay"], ["ab", "ax"], sim, align_at=0.5)
    assert sorted((g, p) for g, p, _ in alignment.pairs) == [(0, 1), (1, 0)]
    assert score.counts == Counts(tp=2)

    score, _ = score_list(
        ["apple", "berry", "cherry"],
        ["apple", "bxxxx", "zzz"],
        _sim,
        align_at=0.5,
        credit=lambda g, p, s: 1.0 if s == 1.0 else 0.0,
    )
    assert score.counts == Counts(tp=1, wrong=1, extra=1, missing=1)
    assert score.value == pytest.approx(score.counts.f1)
    labels = sorted(d.label for d in score.details)
    assert labels == ["extra", "match", "missing", "wrong"]


def test_list_recall_only_ignores_extras() -> None:
    score, _ = score_list(["apple"], ["apple", "zzz"], _sim, align_at=0.5, recall_only=True)
    assert score.value == 1.0 and score.counts == Counts(tp=1)
    empty, _ = score_list([], ["zzz"], _sim, align_at=0.5, recall_only=True)
    assert math.isnan(empty.value)
    both_empty, _ = score_list([], [], _sim, align_at=0.5)
    assert math.isnan(both_empty.value)


def test_quantities_match_on_figure_and_counted() -> None:
    ctx = ScoringContext()
    stake = Quantity(value=49, unit="%", counted="share of Corvina kept by Greyling")
    bought = Quantity(value=51, unit="%", counted="share of Corvina bought by Halvorsen")
    wrong_bought = bought.model_copy(update={"value": 49.0, "hedge": "about"})
    gold = EventRecord(article_id="x", headline="h", quantities=[stake, bought])
    predicted = gold.model_copy(update={"quantities": [wrong_bought, stake]})
    scores = score_record(gold, predicted, ctx)
    # the 49 % stake matches its own figure; the bought share aligns on what it counts
    # and is a wrong match (49 ≠ 51), not a second 49 % hit
    assert scores["quantities"].counts == Counts(tp=1, wrong=1)
    assert scores["quantities.hedge"].value == 0.5


def test_record_against_itself_is_perfect() -> None:
    ctx = ScoringContext(aliases=_aliases())
    for name in ("kim-seoul-desk", "kim-anatolia-report", "kim-kyiv-ledger"):
        gold = _gold(name)
        scores = score_record(gold, gold, ctx)
        assert set(scores) == set(RECORD_FIELDS)
        for field, score in scores.items():
            assert math.isnan(score.value) or score.value == 1.0, (name, field, score)


def test_record_fields_react_to_a_poor_prediction() -> None:
    ctx = ScoringContext(aliases=_aliases())
    gold = _gold("kim-seoul-desk")
    poor = gold.model_copy(
        update={
            "event_type": EventType.OTHER,
            "where": None,
            "quotes": [],
            "actors": gold.actors[:4],
        }
    )
    scores = score_record(gold, poor, ctx)
    assert scores["event_type"].value == 0.0
    assert scores["where"].counts == Counts(missing=1)
    assert scores["quotes"].counts == Counts(missing=1)
    assert scores["actors"].counts == Counts(tp=4, missing=4)
    assert scores["headline"].value == 1.0


# -- consensus --------------------------------------------------------------------------------


def _facts(cluster: Path) -> list[GoldFact]:
    return [
        GoldFact.model_validate(f)
        for f in json.loads((cluster / "consensus_gold.json").read_text())
    ]


def test_merging_the_gold_records_scores_high_on_consensus_gold() -> None:
    cluster = DATASETS / "dev" / "river-flood"
    golds = [
        EventRecord.model_validate_json(p.read_text())
        for p in sorted((cluster / "gold").glob("flood-*.json"))
    ]
    aliases = AliasTable(json.loads((cluster / "gold" / "aliases.json").read_text()))
    scores = score_consensus(_facts(cluster), merge_records(golds), ScoringContext(aliases=aliases))
    assert set(scores) == set(CONSENSUS_FIELDS)
    assert scores["consensus.fact_recall"].value >= 0.8
    assert scores["consensus.status"].value >= 0.7
    assert math.isnan(scores["consensus.citations"].value)  # no narrative yet
    assert math.isnan(scores["consensus.narrative_kept"].value)  # no model asked


def test_narrative_kept_says_whether_the_model_narrative_passed_its_check() -> None:
    consensus = merge_records([])
    consensus.narrative_mode = "llm"
    assert score_narrative_kept(consensus).value == 1.0
    consensus.narrative_mode = "template"
    consensus.narrative_detail = "LLM narrative failed the citation check (cites ['X'])"
    assert score_narrative_kept(consensus).value == 0.0
    consensus.narrative_detail = "no LLM"
    assert math.isnan(score_narrative_kept(consensus).value)


def _fact(id_: str, status: FactStatus, outlets: list[str], value: float) -> Fact:
    return Fact(
        id=id_,
        kind="quantity",
        key=id_,
        statement=f"people killed: {value}",
        status=status,
        values=[FactValue(value=value, text=str(value), outlets=outlets, article_ids=outlets)],
        independent_origins=len(outlets),
        outlets=outlets,
    )


def test_status_f1_per_status() -> None:
    gold = [
        GoldFact(id="g1", kind="quantity", statement="people killed", status="agreed",
                 outlets=["A", "B"], values=[{"value": 12, "outlets": ["A", "B"]}]),
        GoldFact(id="g2", kind="quantity", statement="people missing", status="conflicting",
                 outlets=["A", "C"], values=[{"value": 31, "outlets": ["A"]},
                                             {"value": 14, "outlets": ["C"]}]),
    ]  # fmt: skip
    consensus = Consensus(
        event=ConsensusEvent(headline="h", event_type=EventType.DISASTER),
        facts=[_fact("f1", "agreed", ["A", "B"], 12), _fact("f2", "compatible", ["A", "C"], 31)],
    )
    scores = score_consensus(gold, consensus, ScoringContext())
    assert scores["consensus.fact_recall"].value == 1.0
    assert scores["consensus.status.agreed"].counts == Counts(tp=1)
    assert scores["consensus.status.conflicting"].counts == Counts(missing=1)
    assert scores["consensus.status.compatible"].counts == Counts(extra=1)
    assert math.isnan(scores["consensus.status.revised"].value)
    assert scores["consensus.status"].value == pytest.approx(1 / 3)  # macro over 3 statuses


def test_citation_precision() -> None:
    consensus = Consensus(
        event=ConsensusEvent(headline="h", event_type=EventType.DISASTER),
        facts=[_fact("f1", "agreed", ["A", "B"], 12)],
        narrative=[
            NarrativeSentence(
                text="Twelve died (A, B).", cited_outlets=["A", "B"], fact_ids=["f1"]
            ),
            NarrativeSentence(text="Twelve died (C).", cited_outlets=["C"], fact_ids=["f1"]),
            NarrativeSentence(text="Background.", cited_outlets=[], fact_ids=[]),
        ],
    )
    score = score_citations(consensus)
    assert score.value == 0.5 and score.counts == Counts(tp=1, wrong=1)


# -- reports and the baseline diff ------------------------------------------------------------


def _report(
    values: dict[str, dict[str, float | None]],
    *,
    mode: str = "baseline",
    clusters: dict[str, dict[str, float]] | None = None,
) -> EvalReport:
    header = Header(
        mode=mode, model="none", prompt_name="extract_event", prompt_version="v1",
        prompt_hash="ab" * 32, scorer_version=SCORER_VERSION, git_sha="x", timestamp="t",
    )  # fmt: skip
    cases = [
        CaseResult(
            id=case_id,
            suite="builtin",
            cluster=case_id.rsplit("/", 1)[0],
            article_id=case_id.rsplit("/", 1)[1],
            scores={k: {"value": v, "explanation": "", "details": []} for k, v in fields.items()},
        )
        for case_id, fields in values.items()
    ]
    groups: list[tuple[tuple[str, ...], dict[str, Score], dict[str, tuple[str, ...]]]] = [
        (("builtin",), {k: Score(float("nan") if v is None else v, "") for k, v in f.items()}, {})
        for f in values.values()
    ]
    return EvalReport(
        header=header,
        summary=summarise(groups),
        cases=cases,
        clusters=[
            ClusterResult(
                id=cluster_id,
                suite="builtin",
                scores={k: {"value": v, "explanation": "", "details": []} for k, v in f.items()},
            )
            for cluster_id, f in (clusters or {"c": {}}).items()
        ],
    )


def test_diff_lists_regressions_and_improvements_beyond_tolerance() -> None:
    old = _report({"c/a": {"when": 1.0, "actors": 0.5, "where": None}, "c/b": {"when": 0.5}})
    document = updated_baseline({"runs": {}}, old)
    new = _report({"c/a": {"when": 0.5, "actors": 0.5 + 1e-9, "where": 1.0}, "c/b": {"when": 0.75}})
    diff = diff_reports(document, new, tolerance=1e-6)
    assert diff.found and diff.has_regressions
    assert [(c.id, c.field, c.old, c.new) for c in diff.regressed] == [("c/a", "when", 1.0, 0.5)]
    assert [(c.id, c.field) for c in diff.improved] == [("c/b", "when")]  # 1e-9 is noise


def test_a_lower_is_better_field_that_rises_is_a_regression() -> None:
    old = {"editor.false_conflicts": 1.0, "gold_merge.editor.single_source_shown": 0.4}
    document = updated_baseline({"runs": {}}, _report({}, clusters={"c": old | {"x": 0.5}}))
    new = {"editor.false_conflicts": 3.0, "gold_merge.editor.single_source_shown": 0.2}
    diff = diff_reports(document, _report({}, clusters={"c": new | {"x": 0.75}}))
    assert [(c.field, c.old, c.new) for c in diff.regressed] == [
        ("editor.false_conflicts", 1.0, 3.0)
    ]
    assert [c.field for c in diff.improved] == ["gold_merge.editor.single_source_shown", "x"]
    assert lower_is_better("editor.false_date_place") and not lower_is_better("editor.conflicts")


def test_each_split_is_summarised_apart() -> None:
    def scores(value: float) -> dict[str, Score]:
        return {"when": Score(value, "")}

    groups: list[tuple[tuple[str, ...], dict[str, Score], dict[str, tuple[str, ...]]]] = [
        (summary_keys("builtin", "test"), scores(0.0), {}),
        (summary_keys("builtin", "dev"), scores(1.0), {}),
        (summary_keys("builtin", "dev"), scores(0.5), {}),
        (summary_keys("seeds", None), scores(1.0), {}),
    ]
    summary = summarise(groups)
    assert list(summary) == ["builtin", "builtin/dev", "builtin/test", "seeds"]
    means = {group: fields["when"]["mean"] for group, fields in summary.items()}
    assert means == {"builtin": 0.5, "builtin/dev": 0.75, "builtin/test": 0.0, "seeds": 1.0}
    assert group_title("builtin/test") == "builtin · test (held out: never tuned on)"
    assert group_title("builtin", summary) == "builtin · all"
    assert group_title("seeds", summary) == "seeds"


def test_diff_without_a_baseline_section_is_not_a_regression() -> None:
    diff = diff_reports({"runs": {}}, _report({"c/a": {"when": 0.0}}))
    assert not diff.found and not diff.has_regressions and diff.notes


def test_diff_compares_by_mode_and_only_cases_run() -> None:
    document = updated_baseline({"runs": {}}, _report({"c/a": {"when": 1.0}, "d/b": {"when": 1.0}}))
    llm = _report({"c/a": {"when": 0.0}}, mode="replay")
    assert not diff_reports(document, llm).found  # replay has its own section
    partial = diff_reports(document, _report({"c/a": {"when": 1.0}}))
    assert partial.found and not partial.regressed  # d/b not run: not a regression


def test_update_baseline_keeps_other_datasets() -> None:
    document = updated_baseline({"runs": {}}, _report({"c/a": {"when": 1.0}, "d/b": {"when": 1.0}}))
    document = updated_baseline(document, _report({"c/a": {"when": 0.5}}))
    cases = document["runs"]["baseline"]["cases"]
    assert cases == {"c/a": {"when": 0.5}, "d/b": {"when": 1.0}}
    assert json.loads(json.dumps(document)) == document  # plain JSON, no NaN


def test_baseline_folder_keeps_one_file_per_cluster_and_round_trips(tmp_path: Path) -> None:
    first = _report(
        {"c/a": {"when": 1.0}, "d/b": {"when": 0.5}}, clusters={"c": {"x": 1.0}, "d": {"x": 0.0}}
    )
    folder = tmp_path / "baseline"
    write_baseline(folder, updated_baseline({"runs": {}}, first))
    assert sorted(p.name for p in (folder / "baseline").iterdir()) == ["c.json", "d.json"]
    loaded = load_baseline(folder)
    section = loaded["runs"]["baseline"]
    assert section["cases"] == {"c/a": {"when": 1.0}, "d/b": {"when": 0.5}}
    assert section["clusters"] == {"c": {"x": 1.0}, "d": {"x": 0.0}}
    d_before = (folder / "baseline" / "d.json").read_text()
    # a later run that changes only c rewrites c's file and leaves d's as it was
    second = _report(
        {"c/a": {"when": 0.5}, "d/b": {"when": 0.5}}, clusters={"c": {"x": 1.0}, "d": {"x": 0.0}}
    )
    second.header.git_sha, second.header.timestamp = "y", "u"
    write_baseline(folder, updated_baseline(loaded, second))
    assert (folder / "baseline" / "d.json").read_text() == d_before
    again = load_baseline(folder)["runs"]["baseline"]
    assert again["cases"]["c/a"] == {"when": 0.5} and again["header"]["git_sha"] == "y"
    assert diff_reports(load_baseline(folder), second).regressed == []


def test_baseline_single_file_when_asked(tmp_path: Path) -> None:
    file = tmp_path / "b.json"
    write_baseline(file, updated_baseline({"runs": {}}, _report({"c/a": {"when": 1.0}})))
    data = json.loads(file.read_text())
    assert "owners" not in data["runs"]["baseline"]
    assert load_baseline(file)["runs"]["baseline"]["cases"] == {"c/a": {"when": 1.0}}


def test_renderings() -> None:
    report = _report({"c/a": {"when": 1.0, "where": None}})
    diff = diff_reports(updated_baseline({"runs": {}}, _report({"c/a": {"when": 1.0}})), report)
    page = render_html(report, diff)
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert "src=" not in page and "href=" not in page  # self-contained
    markdown = render_markdown(report, diff)
    assert "| `when` |" in markdown
    assert snapshot(report)["cases"]["c/a"] == {"when": 1.0, "where": None}
    assert aggregate([Score(1.0, "", Counts(tp=1))], ("n", "f1")) == {"n": 1.0, "f1": 1.0}
