"""Merge per-article event records into one claim-level consensus.

`merge_records` is pure and deterministic: no model, no I/O, no clock. The same records
in any order give the same `Consensus`, and n copies of a record give what one copy
gives (records sharing an `article_id` collapse to one). Every `FactValue` is copied
from one input item; only `statement`, `key` and `interval` are derived.

How it is built
---------------
`consensus.merge_records` collapses the inputs and builds one read-only
`context.MergeContext` (records, texts, outlets, publication days, the source resolver,
the name index, derivative articles, tolerances). Each fact kind is then built from the
context alone, by its own module, as drafts (`drafts.Draft`) that `drafts.to_fact` turns
into facts:

* `actors`: people and bodies, aligned through `names`;
* `quantities`: figures aligned by their frames (`figure_groups`, with `frames`: what is
  counted, what happened to it, which of them, where, when; `alignment`: frames that fit,
  clustered by complete linkage, with a confidence and the slots they share), compared by
  whether the number one states lies in the range the other allows (`intervals`),
  superseded values split off as revisions (`revisions`);
* `dates`: the event date and dated sub-events (worded alike: `statements`);
* `places`: the event place;
* `quotes`: the same words, or a fragment of them;
* `claims`: statements that say the same (`statements`);
* `event`: the headline, type, date and place most records give.

`sources` joins the spellings of one upstream source by general rules (the `sources`
lexicon; no table of names), `independence` finds derivative articles and counts
independent origins, `tolerances` holds every
threshold, `vocabulary` and `frame_words` (read from the `frames` lexicon) the word
tables; `tokens` (words as the merge compares them), `counted` (a figure's unit, clause
and vagueness) and `grouping` (majority picks) are shared helpers. Disjoint sets and
connected components come from `service.text.groups`.

Every fact two or more outlets give carries a `confidence` (how sure the alignment is)
and `matched_slots`; views show confident conflicts first and the rest under "check".
Event dates from reports of different days, and places the gazetteer (`service.nlp.places`)
cannot show to lie in different countries, are `compatible` with a low confidence, never
`conflicting`; a publication day given as the event date with nothing in the text to
show for it never decides the status.

Status: exactly one per fact
----------------------------
* `single_source`: one outlet gives every value (checked first);
* `agreed`: every outlet gives the same value;
* `compatible`: the values differ but can all be true (intervals or day ranges sharing a
  point, a quote fragment, a plan and its outcome);
* `conflicting`: they cannot;
* `revised`: a figure's superseded values, linked to its current fact.

Each fact kind's module tells how it decides.
"""

from __future__ import annotations

from service.merge.consensus import merge_records
from service.merge.tolerances import DEFAULT_TOLERANCES, MergeTolerances

__all__ = ["DEFAULT_TOLERANCES", "MergeTolerances", "merge_records"]
