"""Sources: who a statement rests on, from the noun phrase around an attribution cue."""

from __future__ import annotations

import re

import lexicon
from schemas.candidates import SourceCandidate
from service.mine.dates import WEEKDAY
from service.mine.doc import AP, WINDOW, Doc, H
from service.mine.people import HONORIFIC, NAME, NAME_GOES_ON, NOT_AFTER_WORD, name_part
from service.text.words import DASHES, DATELINE_WORDS, TITLE_WORDS, alternation

# Attribution verbs after their source: "KCNA reported", "NIS told lawmakers". A passive
# auxiliary before them ("are estimated", "was told") means the subject is no source.
_EN = lexicon.load("en")
_CUE_AFTER_SOURCE = re.compile(
    rf"{NOT_AFTER_WORD}(?P<aux>(?:is|are|was|were|be|been|being|it[{AP}]s){H}+)?"
    rf"(?:(?:has|have|had){H}+)?(?P<cue>(?:{alternation(_EN.words('sources.cue_verbs'))})\b"
    rf"(?:{H}+(?:{alternation(_EN.words('sources.audiences'))})\b)?)"
    rf"(?!{H}+(?:from|of|by)\b)"
)
# Attribution words before their source: "according to Yonhap", "citing X", "reports from X".
CUE_BEFORE_SOURCE = re.compile(
    rf"\b(?P<cue>(?i:{alternation(_EN.words('sources.cues_before'), space=H + '+')})){H}+"
)
# `...," said Kim, director of ...`: the source after the verb, only right after a quotation.
_SAID_NAME = re.compile(
    rf"[\u201d\"{AP},]{H}*(?P<cue>said|says){H}+(?P<src>(?:{HONORIFIC}{H}+)?{NAME})"
)
_TOKEN = re.compile(r"\S+")
# Lowercase words allowed inside a source's noun phrase ("the state-run news agency").
_SOURCE_WORDS = frozenset(_EN.words("sources.words"))
# Nouns that make a lowercase phrase a source ("state media", "the agency", "officials").
_SOURCE_HEADS = frozenset(_EN.words("sources.heads"))
_LEADING_NOISE = frozenset(_EN.words("sources.leading_noise")) | frozenset(
    WEEKDAY.lower().split("|")
)
_FORWARD_STOP = frozenset(_EN.words("sources.forward_stops"))
_QUOTE_CHARS = '"\u201c\u201d\u2018'
_POSSESSIVE = re.compile(rf"[{AP}]s?$")
_ARTICLES = ("the", "a", "an")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
"""'W.', 'U.S.': a name's initials, whose full stops end no phrase ('James W. Foley')."""
_NAME_LINKS = ("of", "for")
"""Words inside a name between capitalised words ('Minister of State for Home', 'the
Servants of the Holy Spirit', 'Centres for Disease Control')."""
_PLACE_LINKS = frozenset({"in", "on", "at", "near", "from"})
"""Prepositions whose object is where, not who: 'the embassy in Kigali told'."""
_MAX_WORDS = 10
_EMBEDDING = frozenset({"who", "whom", "which", "that", "according"}) | frozenset(
    _EN.words("sources.cue_verbs")
)
"""Words that open a clause inside the sentence: a predicate after them is not the
sentence subject's ('..., who said she ... and had believed')."""


def _np_word(word: str) -> bool:
    core = word.strip("()")
    return bool(core) and (core[0].isupper() or core.lower() in _SOURCE_WORDS or "-" in core)


def _trim_source(text: str, toks: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Drop leading connectives and a leading article (if a name follows); check the head."""
    while toks and re.split(f"[{AP}]", text[toks[0][0] : toks[0][1]].lower())[0] in _LEADING_NOISE:
        toks = toks[1:]
    words = [text[s:e] for s, e in toks]
    if not words or not any(w[0].isupper() or w.lower() in _SOURCE_HEADS for w in words):
        return None
    if all(w.lower() in _ARTICLES for w in words) or _POSSESSIVE.search(words[-1]):
        return None  # 'The estimates rest on', "Delta's claims": the cue word is a noun
    if words[0].lower() in _ARTICLES and any(w[0].isupper() for w in words[1:]):
        toks = toks[1:]
    return toks[0][0], toks[-1][1]


def _source_before(text: str, sent_start: int, cue_start: int) -> tuple[int, int] | None:
    """The noun phrase ending right before an attribution verb, walking back word by word."""
    toks = [m.span() for m in _TOKEN.finditer(text, max(sent_start, cue_start - WINDOW), cue_start)]
    if toks and text[toks[-1][1] - 1] == ",":
        # Skip one comma clause: "KCNA, citing X, said" / "Jenny Town, the director of ..., told".
        for k in range(len(toks) - 2, max(-1, len(toks) - 30), -1):
            if text[toks[k][1] - 1] == "," and text[toks[k + 1][0]].islower():
                toks = [*toks[:k], (toks[k][0], toks[k][1] - 1)]  # without the comma
                break
        else:
            return None
    chosen: list[tuple[int, int]] = []
    for index in range(len(toks) - 1, -1, -1):
        s, e = toks[index]
        word = text[s:e]
        if (
            not word
            or len(chosen) == _MAX_WORDS
            or any(c in word for c in _QUOTE_CHARS)
            or (word[-1] in ",;:.!?" and not _INITIALS.fullmatch(word))
            or word in DASHES  # a dateline's dash: 'AHMEDABAD (Daily) - Air India said'
        ):
            break
        named = [t for t in chosen if text[slice(*t)].lower() not in _ARTICLES]
        capital_after = bool(named) and text[named[0][0]].isupper()
        connector_ok = word not in ("of", "in") or capital_after
        if word in _NAME_LINKS and capital_after and _capital_before(text, toks, index):
            chosen.insert(0, (s, e))  # 'Minister of State for Home Harsh Sanghvi'
            continue
        if chosen and text[slice(*chosen[0])] in _PLACE_LINKS and word.isalpha():
            chosen.insert(0, (s, e))  # the head a place hangs on: 'the embassy in Kigali'
            continue
        if not (connector_ok and (_np_word(word) or _modifies_head(text, chosen, word))):
            break
        chosen.insert(0, (s, e))
        if word.lower() in _ARTICLES and not (
            index and text[slice(*toks[index - 1])] in (*_NAME_LINKS, *_PLACE_LINKS)
        ):
            break  # ... but 'the Servants of the Holy Spirit', 'the ministry in the Gaza Strip'
        if word in _PLACE_LINKS and chosen and not capital_after:
            break
    if chosen and text[slice(*chosen[-1])] in ("and", "or", *_NAME_LINKS, "in"):
        # 'Kara-Murza was flown to Germany and told Biden': the verb's subject opens the
        # sentence, before the first predicate
        between = {w.lower().strip(",") for w in text[sent_start:cue_start].split()}
        if between & _EMBEDDING:
            return None  # 'her lawyer, who said she admitted ... and had believed'
        return _sentence_subject(text, sent_start, toks[0][0] if toks else cue_start)
    if chosen and text[slice(*chosen[0])] in _PLACE_LINKS:
        return None  # a place with no head before it is not who told
    return _trim_source(text, chosen)


def _sentence_subject(text: str, sent_start: int, start: int) -> tuple[int, int] | None:
    """The noun phrase that opens the sentence (after a dateline's dash), up to a comma or
    the first word that is not part of a name or source phrase."""
    begin = max(sent_start, start)
    toks = [m.span() for m in _TOKEN.finditer(text, begin, min(len(text), begin + WINDOW))]
    dashes = (i for i, t in enumerate(toks[:DATELINE_WORDS]) if text[slice(*t)] in DASHES)
    first = next(dashes, -1) + 1
    if first < len(toks) and text[slice(*toks[first])].lower() in _LEADING_NOISE:
        # an opening phrase ('On Sept. 30, ...'): the subject comes after its comma
        comma = next((i for i, t in enumerate(toks[first:16], first) if text[t[1] - 1] == ","), -1)
        if comma < 0:
            return None
        first = comma + 1
    chosen: list[tuple[int, int]] = []
    for s, e in toks[first:]:
        word = text[s:e]
        bare = word.rstrip(",;:")
        titled = bool(chosen) and bare.lower() in TITLE_WORDS  # 'PTI chairman Gohar'
        if not (_np_word(bare) or titled) or bare.lower() in ("and", "or", "of", "in"):
            break
        chosen.append((s, s + len(bare)))
        if bare != word or len(chosen) == _MAX_WORDS:
            break
    return _trim_source(text, chosen)


def _capital_before(text: str, toks: list[tuple[int, int]], index: int) -> bool:
    """The word before toks[index] (skipping an article) is capitalised."""
    for k in range(index - 1, max(-1, index - 3), -1):
        word = text[slice(*toks[k])]
        if word.lower() not in _ARTICLES:
            return word[:1].isupper()
    return False


def _modifies_head(text: str, chosen: list[tuple[int, int]], word: str) -> bool:
    """A lowercase modifier of a source head: 'the regional emergency office said', 'the
    health ministry in the Gaza Strip said' (the head before a place)."""
    if not chosen or not word.isalpha() or word.lower() in _LEADING_NOISE:
        return False
    head = text[chosen[-1][0] : chosen[-1][1]].lower()
    if len(chosen) > 1 and text[slice(*chosen[1])] in _PLACE_LINKS:
        head = text[slice(*chosen[0])].lower()
        return head in _SOURCE_HEADS
    return head in _SOURCE_HEADS and len(chosen) < 5


def source_after(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The noun phrase right after 'according to' and the like, up to punctuation."""
    chosen: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        stripped = word if _INITIALS.fullmatch(word) else word.rstrip(',.;:!?"\u201d\u2019')
        stop = stripped.lower() in _FORWARD_STOP and bool(chosen)
        # an article after the phrase's first words opens another noun phrase ('according
        # to a notice the U.S. planemaker filed'), unless a name goes on ('the head of the')
        linked = bool(chosen) and text[slice(*chosen[-1])] in _NAME_LINKS
        stop = stop or (stripped.lower() in _ARTICLES and len(chosen) > 1 and not linked)
        if len(chosen) == _MAX_WORDS or word[0] in _QUOTE_CHARS + "(" or stop:
            break
        if stripped:
            chosen.append((m.start(), m.start() + len(stripped)))
        if stripped != word:
            break
    return _trim_source(text, chosen)


def _said_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The source in a capitalised run after 'said': a titled name whole ('said Los
    Angeles Mayor Ana Ruiz', 'said Sheriff Ivo Lund'), else the run's leading name words."""
    while (more := NAME_GOES_ON.match(text, end)) is not None:
        end = more.end()
    named = name_part(text, start, end, "suffix")
    if named is not None and named[0] > start:
        lead = text[start : named[0]].split()
        if any(word.lower().rstrip(".") in TITLE_WORDS for word in lead):
            return start, named[1]
    part = name_part(text, start, end, "prefix")
    return (start, part[1]) if part else None


def find_sources(doc: Doc) -> list[SourceCandidate]:
    """Who statements rest on: noun phrases around attribution cues, one per mention."""
    text, found = doc.text, dict[tuple[int, int], str]()
    for sent in doc.sentences:
        for m in _CUE_AFTER_SOURCE.finditer(text, sent.start, sent.end):
            hit = None if m.group("aux") else _source_before(text, sent.start, m.start())
            if hit:
                found.setdefault(hit, m.group("cue"))
        for m in CUE_BEFORE_SOURCE.finditer(text, sent.start, sent.end):
            if hit := source_after(text, m.end(), sent.end):
                found[hit] = re.sub(r"\s+", " ", m.group("cue").lower())
        for m in _SAID_NAME.finditer(text, sent.start, sent.end):
            if part := _said_name(text, *m.span("src")):
                found.setdefault(part, m.group("cue"))
    return [
        SourceCandidate(
            id=f"S{i}", span=doc.span(s, e), sentence=doc.sentence(s, e), source=text[s:e], cue=cue
        )
        for i, ((s, e), cue) in enumerate(sorted(found.items()), start=1)
    ]
