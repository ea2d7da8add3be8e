"""Scorers: one plain function per kind of value, each returning a `Score`.

A `Score` is a value in [0, 1] with a one-line explanation, optional TP / wrong-match /
extra / missing `Counts` (from which precision, recall and F1 follow) and per-item
`Detail`s for the per-case report. A value that cannot be scored (the gold says nothing
about it) is NaN and is left out of every mean, as in inspect_ai. Every scorer declares
the metrics its scores are aggregated with (`@scorer(metrics=...)`, `METRICS`).

What is scored how:

=================  ==========================================================  =========
field              how                                                         metrics
=================  ==========================================================  =========
headline           token F1                                                    mean
event_type         exact match                                                 mean P R F1
when               date at the gold's granularity; ±1 day is half credit       mean P R F1
where              entity: alias table, then rapidfuzz ratio ≥ `name_match`    mean P R F1
summary            token F1                                                    mean
summary_cosine     cosine of MiniLM embeddings (only when the model is         mean
                   installed; NaN otherwise)
actors             list: optimal assignment on name similarity                 mean P R F1
quantities         list: figure within `rel_tol` (or inside the gold range:    mean P R F1
                   half credit) + what-is-counted similarity
quantities.hedge   exact hedge over matched figures                            mean
quantities.as_of   date match over matched figures that state one              mean
quantities.attr…   entity match of `attributed_to` over matched figures        mean
quotes             list on quote-text token F1; ≥ `quote_exact` is a TP        mean P R F1
quotes.speaker     entity match of the speaker over matched quotes             mean
claims             list on statement token F1 (content words)                  mean P R F1
claims.accord…     entity match of `according_to` over matched claims          mean
sub_events         list on `what` token F1                                     mean P R F1
sub_events.when    date match over matched sub-events that state one           mean
grounding_rate     share of the prediction's items found in the text           mean
=================  ==========================================================  =========

Lists: a similarity matrix between gold and predicted items goes through
`scipy.optimize.linear_sum_assignment`; pairs at or above the field's alignment
threshold are matched. A matched pair earns its credit (1, or ½ for a near figure) as
TP and the rest as a wrong match; unmatched predictions are extra, unmatched gold items
missing. P = TP / (TP + wrong + extra), R = TP / (TP + wrong + missing).

Consensus: predicted facts are aligned to gold facts of the same kind by their values,
outlets and statement (again an optimal assignment), then the status is scored per
status (F1 of `agreed`, `compatible`, ...). The gold lists the facts worth checking,
not every fact a merge can produce, so unaligned predicted facts are reported but not
counted against precision. Narrative citations are precise when every outlet a sentence
cites gives one of the facts the sentence names.

Modules: `base` (Score, Counts, metrics), `text` (tokens, names, aliases, embeddings),
`values` (one value each), `lists` (optimal assignment), `records`, `consensus` and
`tasks` (what the runner scores). Every public name is handed on here.
"""

from __future__ import annotations

from evals.scorers.base import (
    DECLARED,
    METRICS,
    NAN,
    SCALAR,
    SCORER_VERSION,
    SLOT,
    Counts,
    Detail,
    DetailLabel,
    Metric,
    Score,
    aggregate,
    f1,
    mean,
    precision,
    ratio,
    recall,
    scored,
    scorer,
    unscored,
)
from evals.scorers.consensus import (
    CONSENSUS_FIELDS,
    STATUSES,
    GoldFact,
    GoldFactValue,
    fact_similarity,
    score_citations,
    score_consensus,
    score_narrative_kept,
)
from evals.scorers.lists import (
    Alignment,
    score_list,
    score_pairs,
)
from evals.scorers.records import (
    RECORD_FIELDS,
    ListFieldName,
    actor_names,
    describe_figure,
    describe_quantity,
    figure_of,
    names_similarity,
    optional_date_credit,
    optional_entity_credit,
    quantity_similarity,
    score_actors,
    score_quantities,
    score_record,
)
from evals.scorers.tasks import (
    Case,
    Cluster,
    ConsensusScorer,
    RecordScorer,
    builtin_record_scorer,
)
from evals.scorers.text import (
    ARTICLES,
    NO_ALIASES,
    STOPWORDS,
    WORD,
    AliasTable,
    Embedder,
    ScoringContext,
    load_embedder,
    normalise_name,
    similarity,
    token_f1,
    tokens,
)
from evals.scorers.values import (
    DATE_WIDTH,
    Precision,
    close,
    cosine,
    date_credit,
    date_precision,
    number_credit,
    score_cosine,
    score_date,
    score_entity,
    score_exact,
    score_grounding,
    score_hedge,
    score_number,
    score_token_f1,
)

__all__ = [
    "ARTICLES",
    "CONSENSUS_FIELDS",
    "DATE_WIDTH",
    "DECLARED",
    "METRICS",
    "NAN",
    "NO_ALIASES",
    "RECORD_FIELDS",
    "SCALAR",
    "SCORER_VERSION",
    "SLOT",
    "STATUSES",
    "STOPWORDS",
    "WORD",
    "AliasTable",
    "Alignment",
    "Case",
    "Cluster",
    "ConsensusScorer",
    "Counts",
    "Detail",
    "DetailLabel",
    "Embedder",
    "GoldFact",
    "GoldFactValue",
    "ListFieldName",
    "Metric",
    "Precision",
    "RecordScorer",
    "Score",
    "ScoringContext",
    "actor_names",
    "aggregate",
    "builtin_record_scorer",
    "close",
    "cosine",
    "date_credit",
    "date_precision",
    "describe_figure",
    "describe_quantity",
    "f1",
    "fact_similarity",
    "figure_of",
    "load_embedder",
    "mean",
    "names_similarity",
    "normalise_name",
    "number_credit",
    "optional_date_credit",
    "optional_entity_credit",
    "precision",
    "quantity_similarity",
    "ratio",
    "recall",
    "score_actors",
    "score_citations",
    "score_consensus",
    "score_cosine",
    "score_date",
    "score_entity",
    "score_exact",
    "score_grounding",
    "score_hedge",
    "score_list",
    "score_narrative_kept",
    "score_number",
    "score_pairs",
    "score_quantities",
    "score_record",
    "score_token_f1",
    "scored",
    "scorer",
    "similarity",
    "token_f1",
    "tokens",
    "unscored",
]
