"""People: titled names, appositive titles, names before a speech verb, and their repeats.

People are listed per mention; a later bare mention ("Putin") of a name first found with a
title or a speech verb is a person too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lexicon
from schemas.candidates import PersonCandidate
from service.mine.doc import AP, Doc, H, Taken
from service.text.words import TITLE_WORDS, alternation

_EN = lexicon.load("en")
TITLES = alternation(_EN.words("names.titles"))
"""The lexicon's titles as a regex alternation ('president', 'minister', 'director'...)."""
HONORIFIC = rf"(?:{alternation(_EN.words('names.honorifics'))})\b\.?"
# Lowercase words that may precede a title: "foreign minister Choe", "former premier".
_TITLE_MOD = rf"(?i:{alternation(_EN.words('names.title_modifiers'))})"
# A capitalised word; a period stays only inside "U.S." style acronyms.
CAPW = rf"[A-Z](?:[\w{AP}-]|\.(?=\w|{H}+[A-Z]))*"
_NAME_TOK = rf"[A-Z]\w*(?:-[A-Za-z]\w*)?(?:[{AP}][A-Z]\w*)?"  # Seong-kweun, O'Brien; not Kim's
_INITIALS = rf"(?:[A-Z]\.{H}?){{1,2}}"
"""A middle initial or two ('K.' of 'Ivo K. Lund', 'R.' of 'Ana R.K'): inside a name,
before another of its words, so 'the U.S.' ends no name; a name starts with initials only
right after a title ('commissioner G. S. Lund')."""
NAME = rf"{_NAME_TOK}(?:{H}+(?:{_INITIALS}{H}*)?{_NAME_TOK}){{0,3}}"
NAME_GOES_ON = re.compile(rf"{H}+(?:{_INITIALS}{H}*)?{_NAME_TOK}")
"""One more word of a capitalised run after `NAME`'s four ('Los Angeles Mayor Ana | Ruiz')."""
NOT_AFTER_WORD = rf"(?<![\w{AP}-])"
_NOT_TITLE_START = r"(?!(?:The|A|An|In|On|At|As|But|And|When|While|After|Before|Then|It)\b)"
# "Chinese President Xi Jinping", "Kremlin aide Yuri Ushakov", "Mr Kim".
_TITLED = re.compile(
    rf"{NOT_AFTER_WORD}(?P<title>(?:{_NOT_TITLE_START}{CAPW}{H}+){{0,3}}"
    rf"(?:{_TITLE_MOD}{H}+){{0,2}}"
    rf"(?i:{TITLES})|{HONORIFIC}){H}+(?P<name>(?:{_INITIALS}{H}*)?{NAME})"
)
# "Jenny Town, the director of ...": a lowercase title not itself followed by another name.
_APPOSITIVE = re.compile(
    rf"{NOT_AFTER_WORD}(?P<name>{NAME}),{H}+(?:(?:the|a|an){H}+)?"
    rf"(?P<title>(?:[\w{AP}-]+{H}+){{0,3}}?(?:{TITLES}))\b(?!{H}+[A-Z])"
)
_SPEECH = alternation(_EN.words("names.speech_verbs"))
# "Lee said", "Town notes": a capitalised run right before a speech verb.
_NAME_SAYS = re.compile(rf"{NOT_AFTER_WORD}(?P<name>{NAME}){H}+(?:{_SPEECH})\b")
_NAME_RUN = re.compile(rf"{NOT_AFTER_WORD}{NAME}")
_TOKEN_IN_NAME = re.compile(_NAME_TOK)
# Capitalised words that are not (parts of) personal names; the LLM step filters the rest.
_CUE_WORDS = frozenset(w for cue in _EN.words("sources.cues_before") for w in cue.split())
"""Words that open an attribution ('Citing', 'Quoting', 'According'): never part of a name."""
_NOT_NAME = frozenset(_EN.words("names.not_names")) | TITLE_WORDS | _CUE_WORDS
# A capitalised run right after these words is a title of a publication, not a person.
_ORG_NOUNS = frozenset(_EN.words("names.org_nouns"))
# A capitalised run holding one of these names an organisation ("Central News Agency").
_ORG_WORDS = frozenset(_EN.words("names.org_words"))


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name_start: int
    name_end: int
    title: str | None


def _name_tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN_IN_NAME.finditer(text, start, end)]


def _is_name_token(word: str) -> bool:
    # Acronyms (KCNA, NIS, US) are organisations, never personal names.
    return word.lower() not in _NOT_NAME and not (len(word) > 1 and word.isupper())


def name_part(text: str, start: int, end: int, keep: str) -> tuple[int, int] | None:
    """The leading ('prefix') or trailing ('suffix') tokens of a run that look like a name."""
    toks = _name_tokens(text, start, end)
    kept: list[tuple[int, int]] = []
    for s, e in reversed(toks) if keep == "suffix" else toks:
        if not _is_name_token(text[s:e]):
            break
        kept.append((s, e))
    return (min(s for s, _ in kept), max(e for _, e in kept)) if kept else None


def _names_an_organisation(text: str, start: int, end: int) -> bool:
    """Whether a capitalised run holds an organisation word ('Central News Agency')."""
    return any(text[s:e].lower() in _ORG_WORDS for s, e in _name_tokens(text, start, end))


def find_people(doc: Doc) -> list[PersonCandidate]:
    """Titled names, appositive titles, names before a speech verb, then repeats of those."""
    text, mentions = doc.text, list[_Mention]()
    for pattern, keep in ((_TITLED, "prefix"), (_APPOSITIVE, "suffix"), (_NAME_SAYS, "suffix")):
        for m in pattern.finditer(text):
            part = name_part(text, *m.span("name"), keep)
            before = text[max(0, m.start() - 12) : m.start()].split()
            if part is None or (pattern is _NAME_SAYS and before and before[-1] in _ORG_NOUNS):
                continue
            if _names_an_organisation(text, *m.span("name")):
                continue  # "the official Korean Central News Agency": no person
            title = m.groupdict().get("title")
            start = m.start("title") if pattern is _TITLED else part[0]
            mentions.append(_Mention(start, part[1], *part, title))
    # Later bare mentions ("Kim", "Putin") of a name already found with a title or a cue.
    known: set[str] = set()
    for mention in mentions:
        toks = _name_tokens(text, mention.name_start, mention.name_end)
        known.update(text[s:e] for s, e in (toks[0], toks[-1]) if e - s > 1)
    for m in _NAME_RUN.finditer(text):
        run: list[tuple[int, int]] = []
        for s, e in [*_name_tokens(text, *m.span()), (m.end(), m.end())]:
            if s < m.end() and _is_name_token(text[s:e]):
                run.append((s, e))
                continue
            if any(text[a:b] in known for a, b in run):
                mentions.append(_Mention(run[0][0], run[-1][1], run[0][0], run[-1][1], None))
            run = []
    chosen, taken = [], Taken(len(text))
    for mention in mentions:  # earlier rules win overlaps
        if taken.free(mention.start, mention.end):
            taken.take(mention.start, mention.end)
            chosen.append(mention)
    chosen.sort(key=lambda c: (c.start, c.end))
    return [
        PersonCandidate(
            id=f"P{i}",
            span=doc.span(c.start, c.end),
            sentence=doc.sentence(c.start, c.end),
            name=text[c.name_start : c.name_end],
            title=c.title,
        )
        for i, c in enumerate(chosen, start=1)
    ]
