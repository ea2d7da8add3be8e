"""The consensus across outlets: claim-level facts built from several `EventRecord`s.

A `Consensus` is what `service.merge.merge_records` returns. Each `Fact` groups the items
that different articles give for the same thing (a person, a figure, a date, a place, a
quote, a claim) and says how the outlets relate: they agree, are compatible, conflict,
or one figure revised an earlier one. Every `FactValue` is copied from an input record
item and points back at the article spans it came from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, Field

from schemas.record import EventType, Granularity, Hedge, Span

CONFIDENT: Final = 0.7
"""A fact two or more outlets give is shown with the confident findings when its
`confidence` is at or above this; below it, under "check"."""

ORDINAL_MARK: Final = "[ordinal]"
"""In a figure fact's `key`: its values are ordinals ('the second ceremony'), which name
one of a sequence, not how many."""
VAGUE_MARK: Final = "(vague)"
"""In a figure fact's `key`: its values are vague counts ('hundreds of sites')."""

FactKind = Literal["actor", "quantity", "date", "place", "quote", "claim"]
"""What a fact is about: a person or organisation, a figure, a date, the event's place,
quoted words, or a statement attributed to an upstream source."""

FactStatus = Literal["agreed", "compatible", "conflicting", "revised", "single_source"]
"""How the outlets relate on one fact. `agreed`: two or more outlets give the same value;
`compatible`: two or more outlets give different values that can all be true at once
(e.g. 'about 2,000' and 'at least 2,000'); `conflicting`: two or more outlets give values
that cannot all be true; `revised`: a later figure replaced an earlier one (e.g. 'at least
600' in April, 'about 2,000' now); `single_source`: only one outlet gives the fact."""

NarrativeMode = Literal["llm", "template", "none"]
"""How the narrative was written: by a model, from a fixed template, or not at all."""


class EvidenceRef(BaseModel):
    """A span of one article's text that supports a value."""

    article_id: str = Field(description="Id of the article whose text `span` indexes.")
    span: Span = Field(description="Character range of `Article.text` stating the value.")


class Interval(BaseModel):
    """The range of true values a hedged figure allows, e.g. 'more than 10,000' → (10000, 13000].

    Derived by the merge from the figure, its hedge and the merge tolerances; used to
    decide whether figures from different outlets are compatible.
    """

    low: float = Field(description="Lower end of the range.")
    high: float = Field(description="Upper end of the range.")
    low_open: bool = Field(default=False, description="True when `low` itself is excluded.")
    high_open: bool = Field(default=False, description="True when `high` itself is excluded.")


class FactValue(BaseModel):
    """One value of a fact as one or more articles give it, copied from a record item."""

    value: float | None = Field(
        default=None, description="The figure, for quantity facts; None for a pure range."
    )
    low: float | None = Field(default=None, description="Lower bound of a stated range.")
    high: float | None = Field(default=None, description="Upper bound of a stated range.")
    hedge: Hedge | None = Field(
        default=None, description="How the figure is qualified ('about', 'at least', ...)."
    )
    unit: str | None = Field(default=None, description="Unit or counted noun of the figure.")
    as_of: str | None = Field(
        default=None, description="ISO date the figure refers to, when the article states one."
    )
    interval: Interval | None = Field(
        default=None,
        description="Range of true values the hedged figure allows; None for non-quantities.",
    )
    text: str = Field(
        description=(
            "The value as the article gives it: the figure's words, the person's name as"
            " written, the ISO date, the place name (with its country), the quoted words or"
            " the claim."
        )
    )
    attributed_to: str | None = Field(
        default=None,
        description=(
            "Who the article says the value comes from: the figure's source, the quote's"
            " speaker or the claim's source, as written."
        ),
    )
    outlets: list[str] = Field(description="Outlets that give this value, sorted.")
    article_ids: list[str] = Field(description="Articles that give this value, sorted.")
    evidence: list[EvidenceRef] = Field(
        default_factory=list,
        description="Spans in the articles' texts that state this value, sorted.",
    )
    grounded: bool = Field(
        default=False, description="True when at least one supporting item was found in its text."
    )


class Fact(BaseModel):
    """One thing the articles say, with every outlet's value and how they relate."""

    id: str = Field(
        description="Stable id: a hash of the kind and the normalised key; same input, same id."
    )
    kind: FactKind = Field(description="What the fact is about.")
    key: str = Field(
        description="Normalised alignment key, e.g. 'north korean soldier killed ukraine'."
    )
    statement: str = Field(
        description=(
            "Readable one-line summary, e.g. 'North Korean soldiers killed: about 2,000"
            " (3 outlets)'."
        )
    )
    status: FactStatus = Field(description="How the outlets relate on this fact; exactly one.")
    values: list[FactValue] = Field(
        description=(
            "Every distinct value the outlets give. For a `revised` fact the superseded"
            " values come first, oldest first, then the current ones."
        )
    )
    upstream_sources: list[str] = Field(
        default_factory=list,
        description=(
            "Upstream sources the outlets cite for this fact (e.g. 'NIS', 'KCNA'),"
            " with spellings of one source ('National Intelligence Service') merged, sorted."
        ),
    )
    independent_origins: int = Field(
        ge=0,
        description=(
            "How many independent origins back the fact: outlets citing the same upstream"
            " source count once, and so do articles that copy one another."
        ),
    )
    outlets: list[str] = Field(description="Every outlet that gives the fact, sorted.")
    related_fact_ids: list[str] = Field(
        default_factory=list,
        description=(
            "Facts about the same thing: a `revised` fact links to the fact holding the"
            " current values, and that fact links back."
        ),
    )
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "How sure the merge is that the values are about one and the same thing (0-1);"
            " None when one outlet alone gives the fact."
        ),
    )
    matched_slots: list[str] = Field(
        default_factory=list,
        description=(
            "What the values were found to share, e.g. for a figure 'entity', 'happening',"
            " 'place', 'time': the grounds of the alignment, sorted."
        ),
    )


class OutletInfo(BaseModel):
    """One merged article and who published it."""

    article_id: str
    outlet: str | None = Field(default=None, description="Publishing outlet, if known.")
    published_at: str | None = Field(default=None, description="Publication time, as given.")


class SharedPassage(BaseModel):
    """Words two articles share verbatim (compared case-insensitively, word by word)."""

    span_a: Span = Field(description="The passage in `article_a`'s text.")
    span_b: Span = Field(description="The passage in `article_b`'s text.")


class DerivativePair(BaseModel):
    """Two articles so alike in wording that one likely copies the other or both copy a third."""

    article_a: str = Field(description="Id of the first article; sorts before `article_b`.")
    article_b: str = Field(description="Id of the second article.")
    similarity: float = Field(
        ge=0.0, le=1.0, description="Jaccard similarity of the two texts' word shingles."
    )
    containment: float = Field(
        ge=0.0,
        le=1.0,
        description="Share of the shorter text's word shingles also found in the longer one.",
    )
    evidence: list[SharedPassage] = Field(
        default_factory=list, description="The longest passages the two texts share."
    )


class ConsensusEvent(BaseModel):
    """The main event as most records describe it."""

    headline: str = Field(description="The headline most representative of the records.")
    event_type: EventType = Field(description="The event type most records give.")
    when: str | None = Field(default=None, description="ISO date most records give, if any.")
    when_granularity: Granularity = Field(default="unknown", description="Precision of `when`.")
    where: str | None = Field(default=None, description="Place name most records give, if any.")
    where_country: str | None = Field(default=None, description="Country of `where`, if given.")


class NarrativeSentence(BaseModel):
    """One sentence of the cross-outlet narrative and what backs it."""

    text: str
    cited_outlets: list[str] = Field(default_factory=list, description="Outlets the text cites.")
    fact_ids: list[str] = Field(default_factory=list, description="Facts the sentence states.")
    written_by: Literal["llm", "template"] | None = Field(
        default=None,
        description="Who wrote the sentence: the model (it passed the checks) or the "
        "template; None in outputs made before this was recorded.",
    )


class PromptRef(BaseModel):
    """A prompt version used to build one or more input records."""

    name: str
    version: str
    hash: str = Field(description="sha256 over the prompt file and the response schemas.")


class ConsensusProvenance(BaseModel):
    """What produced the consensus: the records' models and prompts, and the merge settings."""

    models: list[str] = Field(
        default_factory=list, description="Model ids of the input records, sorted."
    )
    prompts: list[PromptRef] = Field(
        default_factory=list, description="Prompt versions of the input records, sorted."
    )
    created_at: datetime | None = Field(
        default=None,
        description=(
            "Newest creation time among the input records, so that the same records always"
            " give the same consensus; None when no record has provenance."
        ),
    )
    tolerances: dict[str, float] = Field(
        default_factory=dict, description="The merge tolerances the facts were decided with."
    )
    lexicon_version: str | None = Field(
        default=None, description="The word lexicons used, e.g. 'en/v1' (comma-separated)."
    )
    lexicon_hash: str | None = Field(
        default=None, description="sha256 over the lexicon files named by `lexicon_version`."
    )


class Consensus(BaseModel):
    """What several outlets say about one event, fact by fact."""

    event: ConsensusEvent
    facts: list[Fact] = Field(default_factory=list, description="Facts, sorted by kind and key.")
    outlets: list[OutletInfo] = Field(
        default_factory=list, description="The merged articles, sorted by article id."
    )
    derivatives: list[DerivativePair] = Field(
        default_factory=list,
        description="Article pairs that share most of their wording; empty without texts.",
    )
    narrative: list[NarrativeSentence] = Field(
        default_factory=list, description="Cited prose over the facts; empty until narrated."
    )
    narrative_mode: NarrativeMode = Field(
        default="none", description="How `narrative` was written."
    )
    narrative_detail: str | None = Field(
        default=None, description="Why a template narrative was used, when it was."
    )
    degraded: bool = Field(
        default=False,
        description="True when an input record is degraded or the narrative fell back "
        "after an LLM error: a partial result, to be recomputed once the model answers.",
    )
    provenance: ConsensusProvenance = Field(default_factory=ConsensusProvenance)
