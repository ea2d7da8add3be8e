"""Readers for datasets kept outside the repository: ECB+ clusters and the seed articles.

Neither has gold `EventRecord`s, so each gets its own record scorer over the fields its
labels can say something about; the rest are simply not scored. Article texts are read
from the given path at run time and never copied into the project.

ECB+ (`../shared/external/ecbplus`, one `tNN_*` folder per cluster with `gold.json`):

* `actors`: human participants with a name-like mention in the article ('Lindsay Lohan',
  not 'the actress' or 'she'), matched on any of their name-like mentions in the cluster;
* `where` / `when`: the article's annotated locations / times, matched on the record's
  place name / date phrase: 1 for the cluster's most shared one, ½ for another;
* `event_type`: our own hand label per cluster (a set of acceptable types);
* `actions`: the cluster's consensus actions that the article mentions, found when one of
  their mention words appears in the record's headline, summary or sub-events;
* consensus: consensus participants / locations found as multi-outlet facts.

The annotation covers selected sentences only, so an extracted item missing from the
gold is not necessarily wrong: every ECB+ list field is scored for recall only.

Seeds (`../shared/seeds`, labels in `evals/seeds_gold.json`): headline keywords, event
type, when, where, main actors (recall), every event figure with its hedge and `as_of`,
and the speakers of the main quotes (recall). The headline score is the share of keyword
groups found, scaled by 20 / length for headlines over 20 words.

Modules: `ecbplus` and `seeds`; their public names are handed on here.
"""

from __future__ import annotations

from evals.external.ecbplus import (
    ECB_CONSENSUS_FIELDS,
    ECB_EVENT_TYPES,
    ECB_FIELDS,
    Instance,
    is_ecbplus,
    load_ecbplus,
    name_like,
    score_ecb_consensus,
    score_ecb_record,
    strip_leading,
)
from evals.external.seeds import (
    HEADLINE_WORDS,
    SEED_FIELDS,
    SeedLabels,
    SeedQuantity,
    SeedsGold,
    is_seeds,
    load_seeds,
    score_seed_record,
)

__all__ = [
    "ECB_CONSENSUS_FIELDS",
    "ECB_EVENT_TYPES",
    "ECB_FIELDS",
    "HEADLINE_WORDS",
    "SEED_FIELDS",
    "Instance",
    "SeedLabels",
    "SeedQuantity",
    "SeedsGold",
    "is_ecbplus",
    "is_seeds",
    "load_ecbplus",
    "load_seeds",
    "name_like",
    "score_ecb_consensus",
    "score_ecb_record",
    "score_seed_record",
    "strip_leading",
]
