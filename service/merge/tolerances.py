"""The named thresholds of the merge (`MergeTolerances`) and their defaults."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field


class MergeTolerances(BaseModel):
    """Every threshold the merge decides with; the defaults suit English news figures."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    approx_rel: float = Field(default=0.10, ge=0.0, lt=1.0)
    """'about X' allows [X·(1 - approx_rel), X·(1 + approx_rel)]."""

    open_bound_slack: float = Field(default=0.30, ge=0.0, lt=1.0)
    """How far an open-ended figure reaches: 'more than X' → (X, X·(1 + slack)],
    'at least X' → [X, X·(1 + slack)], 'up to X' → [X·(1 - slack), X],
    'fewer than X' → [X·(1 - slack), X)."""

    exact_rel: float = Field(default=0.0, ge=0.0, le=0.01)
    """A bare figure X allows [X·(1 - exact_rel), X·(1 + exact_rel)]; a stated range widens
    its bounds by the same share."""

    name_match: float = Field(default=90.0, ge=0.0, le=100.0)
    """rapidfuzz ratio (0-100) from which two normalised person or place names are one."""

    quote_match: float = Field(default=90.0, ge=0.0, le=100.0)
    """rapidfuzz ratio (0-100) from which two normalised quotes are the same words."""

    quote_fragment_min_chars: int = Field(default=20, ge=1)
    """A normalised quote at least this long also matches when it appears inside a longer
    one (rapidfuzz partial ratio), as when an outlet quotes half a sentence."""

    statement_match: float = Field(default=85.0, ge=0.0, le=100.0)
    """rapidfuzz token ratio (0-100) from which two claims or sub-events say the same."""

    same_source_statement_match: float = Field(default=70.0, ge=0.0, le=100.0)
    """Lower bar for two claims that cite the same upstream source."""

    statement_dice: float = Field(default=0.6, gt=0.0, le=1.0)
    """Dice similarity (0-1) of two statements' stemmed content words from which they say
    the same although worded apart ('Kim hosted families of soldiers killed...' / 'Kim met
    families of dead soldiers...'). Sub-events must also have dates that fit one another.
    Statements giving different figures never align."""

    subset_min_tokens: int = Field(default=4, ge=1)
    """A statement whose content words all appear in another matches it fully only when
    it has at least this many content words; shorter ones are compared in full."""

    source_match: float = Field(default=90.0, ge=0.0, le=100.0)
    """rapidfuzz ratio (0-100) from which a source name is a known source's alias."""

    derivative_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Jaccard similarity of word shingles from which two articles are derivative."""

    derivative_containment: float = Field(default=0.8, ge=0.0, le=1.0)
    """Share of the shorter article's shingles found in the longer one from which two
    articles are derivative (a padded rewrite of a wire story)."""

    derivative_min_shingles: int = Field(default=20, ge=1)
    """The containment rule applies only when the shorter article has this many shingles,
    so a two-line brief does not count as a copy of everything it overlaps."""

    shingle_size: int = Field(default=5, ge=1)
    """Words per shingle for derivative detection."""

    max_shared_passages: int = Field(default=5, ge=0)
    """Longest shared passages kept as evidence of a derivative pair."""

    like_wording: float = Field(default=0.5, gt=0.0, le=1.0)
    """Dice similarity (0-1) of two figure descriptions' words from which they read alike:
    a happening one side leaves out, or a qualifier only one side gives, is then made up
    for by the wording. Below half of it the pair's confidence takes `conf_unlike_wording`."""

    conflict_span: float = Field(default=30.0, gt=1.0)
    """Values of one fact further apart than this factor, with no stated range bridging
    them, are different facts ('7' and 'about 17,000' jobs): outlets disputing one figure
    differ by less (a police and an organisers' crowd count, up to about 15 times)."""

    dispute_span: float = Field(default=3.0, gt=1.0)
    """Values of one fact further apart than this factor are one fact only when different
    named sources give the two sides (the police's 8,800 and the Interior Ministry's
    195,000): an unattributed value, or one source's, three times another is a count of
    something else (a distance of 17 km and one of 270 km; 20 million in need and 3
    million displaced)."""

    tally_drop: float = Field(default=2.0, gt=1.0)
    """A running tally that only grows (the dead, the injured, arrests; not a stock such as
    the missing) is revised down only within this factor: a toll corrected from 15 to 14
    is its revision, while a later count of under half the earlier one ('309 arrested',
    then '4') counts a part of it, another place or another day, not its update, unless
    the words call the first count superseded ('its initial count')."""

    stale_days: int = Field(default=31, ge=0)
    """A figure dated this many days before another article's day is of another time."""

    drift_days: int = Field(default=7, ge=0)
    """Two undated figures of something that moves (a count, a share, a sum; not a length,
    a weight or a duration) whose articles came out more than this many days apart, with
    values that do not meet, are of two times: a figure of six weeks later is not a
    dispute of the first (a fatality rate of '31%', then '23%'). Two different named
    sources' figures still dispute each other (`alignment.judge`'s `drift`)."""

    occasion_window_days: int = Field(default=1, ge=0)
    """An occasion count (a march, a strike) without a date is read as of its article's
    day or up to this many days before."""

    conf_open_entity: float = Field(default=0.75, gt=0.0, le=1.0)
    """Confidence factor of a pair where a side leaves open what is counted."""

    conf_open_place: float = Field(default=0.85, gt=0.0, le=1.0)
    """Confidence factor of a pair where only one side names the place, no figure of
    their kind naming another."""

    conf_generic: float = Field(default=0.85, gt=0.0, le=1.0)
    """Confidence factor of a pair that counts only generic things ('people') or a
    generic thing against a kind of it ('civilians')."""

    conf_open_happening: float = Field(default=0.7, gt=0.0, le=1.0)
    """Confidence factor of a pair where one side leaves open what happened."""

    conf_no_happening: float = Field(default=0.85, gt=0.0, le=1.0)
    """Confidence factor of a pair where neither side says what happened."""

    conf_open_qualifier: float = Field(default=0.9, gt=0.0, le=1.0)
    """Confidence factor of a pair where only one side qualifies the counted things."""

    conf_derived: float = Field(default=0.9, gt=0.0, le=1.0)
    """Confidence factor of a pair with a frame read from a description, not a parse."""

    conf_unlike_wording: float = Field(default=0.8, gt=0.0, le=1.0)
    """Confidence factor of a pair whose descriptions share less than half of
    `like_wording`."""


DEFAULT_TOLERANCES: Final = MergeTolerances()
"""The tolerances `merge_records` uses when none are given."""
