"""Who gives a figure or a statement, read from a dependency parse.

* A figure's **source** is read from the nearest clause above the figure that names one:
  the subject of a verb of saying or forecasting ('police put the crowd at', 'the firm
  expects'), else an 'according to' on that clause; failing both, an 'according to'
  elsewhere in the sentence, else the author of a count a tallying verb holds ('the
  council lowered its count to 68'). A definite description ('the agency') is read as the
  organisation last named before it whose name holds its noun, 'he'/'she' as the person
  last named, a sentence-opening 'It' as the previous sentence's subject, a document
  ('its report', 'police figures') as its author.
* A source's **statement** is the clause a verb of saying next to it reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from lexicon import load
from service.nlp.spans import (
    TIME_LABELS,
    Slot,
    entity_at,
    in_gazetteer,
    names_a_place,
    phrase,
    slot,
)
from service.text.words import DASHES, DATELINE_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

_LEX: Final = load("frames")

SAYING: Final = frozenset(_LEX.words("parse.saying"))
"""Verbs of saying and estimating: they give a figure, they are not what happened."""

_GIVING: Final = SAYING | frozenset(_LEX.words("parse.forecasting"))
"""Verbs whose subject gives the figure: saying, and forecasting ('the firm expects')."""

TALLYING: Final = frozenset(_LEX.words("parse.tallying"))
"""Verbs that move or hold a tally: 'the toll rose to 23' says nothing of what happened."""

SAYING_BY_SOURCES: Final = frozenset(_LEX.words("parse.saying_by_sources"))
"""Verbs of saying only when their subject could be a source ('police put the crowd at')."""

ESTIMATING_AT: Final = frozenset(_LEX.words("parse.estimating_at"))
"""Verbs of saying only with an 'at' phrase ('police put the crowd at 9,000')."""

TAKEN_LIVES: Final = frozenset(_LEX.words("parse.taken_lives"))
"""Objects a verb of saying takes rather than says ('the floods claimed 200 lives')."""

SOURCE_HEADS: Final = frozenset(load("en").words("sources.heads"))
"""Common nouns that name a source on their own ('officials', 'police')."""

LOCATIVE_COUNTING: Final = frozenset(_LEX.words("parse.locative_counting"))
"""Verbs of counting whose place subject is where the count was made, not its source."""
PLACE_REPORTING: Final = frozenset(_LEX.words("parse.place_reporting"))
"""Verbs said of agencies as often as of places: a subject the gazetteer knows as a place
is where the count was made ('Chile reported 190 deaths')."""
DENYING: Final = frozenset(_LEX.words("parse.denying_determiners"))
"""Determiners that deny their noun: 'no authorities have confirmed' names no source, and
'no candidate won more than 50%' gives no figure anyone reports."""

DOCUMENTS: Final = frozenset(_LEX.words("parse.source_documents"))
"""Nouns of what a source puts out ('report', 'statement', 'count'): its author is the source."""

PERSONAL: Final = frozenset({"he", "she", "him", "her"})
_NAMED: Final = frozenset({"ORG", "PERSON", "GPE", "NORP"})
_FIGURE_LABELS: Final = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
"""Named-entity labels of a figure's words."""
_LOOKBACK_TOKENS: Final = 120


def _reported(subject: Token) -> frozenset[int]:
    """The words a verb of saying reports, for a pronoun as its subject: its complement
    clause ('it said [the toll was 274]'), or the clause it hangs on ('[274 were killed
    in the raid], it said'). Who 'it' is is never named inside what it says."""
    verb = subject.head
    if subject.pos_ != "PRON" or subject.dep_ != "nsubj" or verb.lemma_ not in _GIVING:
        return frozenset()
    reported = {
        t.i
        for child in verb.children
        if child.dep_ in ("ccomp", "xcomp", "parataxis")
        for t in child.subtree
    }
    if verb.dep_ == "parataxis" and verb.head.i != verb.i:
        own = {t.i for t in verb.subtree}
        reported |= {t.i for t in verb.head.subtree if t.i not in own}
    return frozenset(reported)


def _named_before(description: Token) -> Token | None:
    """For 'the agency' or 'its report': the organisation last named before it whose name
    holds the description's noun ('the agency' → 'the Korean Central News Agency'); for a
    pronoun, the organisation last named, outside the words it is said to say. None when
    no name fits: the description stays."""
    doc = description.doc
    # the description's own words, not a possessor's ('its report'); the description may
    # itself be one ('the council's report' for 'the council')
    words = {
        t.lemma_.lower()
        for t in description.subtree
        if t.pos_ in ("NOUN", "ADJ", "PROPN") and (t.dep_ != "poss" or t.i == description.i)
    }
    owner = any(t.dep_ == "poss" and t.pos_ == "PRON" for t in description.children)
    reported = _reported(description)
    for ent in reversed([e for e in doc.ents if e.end <= description.i]):
        if ent.label_ != "ORG" or ent.root.i in reported:
            continue
        if owner or description.pos_ == "PRON" or words <= {t.lemma_.lower() for t in ent}:
            return ent.root
    return None


def _person_before(pronoun: Token) -> Span | None:
    """For 'he' or 'she': the person last named before it, within `_LOOKBACK_TOKENS`."""
    doc = pronoun.doc
    for ent in reversed([e for e in doc.ents if e.end <= pronoun.i]):
        if pronoun.i - ent.end > _LOOKBACK_TOKENS:
            return None
        if ent.label_ == "PERSON":
            return ent
    return None


def _previous_subject(pronoun: Token) -> Token | None:
    """For a sentence opening on 'It said' or 'They put', or closing on '..., it said':
    the subject of the previous sentence's main verb when it could be a source and is no
    pronoun itself ('The consultancy said ... It put the losses at ...'), so the pronoun
    carries it on."""
    sentence = pronoun.sent
    opening = pronoun.i - sentence.start <= 1
    if not (opening or _after_what_it_says(pronoun)) or sentence.start == 0:
        return None
    previous = pronoun.doc[sentence.start - 1].sent
    for child in previous.root.children:
        if child.dep_ == "nsubj" and child.pos_ in ("NOUN", "PROPN") and _source_like(child):
            return child
    return None


def _after_what_it_says(pronoun: Token) -> bool:
    """'..., it said' closing its sentence: everything before the pronoun is what it
    reports, so it names no one there and carries on the previous sentence's subject."""
    return pronoun.sent.start in _reported(pronoun)


def _document(token: Token) -> bool:
    """A noun for a document or count ('report', 'figures'), by its lemma or as written
    (the lemmatiser takes 'data' to 'datum')."""
    return token.lemma_.lower() in DOCUMENTS or token.lower_ in DOCUMENTS


def _names_author(token: Token) -> bool:
    """A word that names who wrote a document: a name, a nationality, or a source noun
    ('media', 'government')."""
    named = token.pos_ == "PROPN" or token.ent_type_ in _NAMED
    return named or token.lemma_.lower() in SOURCE_HEADS or token.lower_ in SOURCE_HEADS


def _where_or_when(token: Token) -> bool:
    """A place or a time: 'reports from Brenmoor', 'reports from Tuesday' say where or
    when they came from, not who made them."""
    return names_a_place(token) or token.ent_type_ in TIME_LABELS


def _authored(document: Token) -> Token | None:
    """Who a document is by: 'its report', 'the council's report', 'data from X', 'the
    latest report of X', 'a notice posted by X', 'government figures'. None when the
    document names no author."""
    for child in document.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            objects = [o for o in child.children if o.dep_ == "pobj"]
            if objects and not (child.lower_ == "from" and _where_or_when(objects[0])):
                return objects[0]  # ('reports from Brenmoor', 'from Tuesday': not who)
        if child.dep_ == "prep" and child.lower_ == "of":
            # 'the latest report of the council', not 'a report of 20 deaths'
            authors = [o for o in child.children if o.dep_ == "pobj" and _names_author(o)]
            if authors:
                return authors[0]
        named = child.pos_ == "PROPN" or child.ent_type_ in _NAMED
        if (child.dep_ == "compound" and (named or child.lemma_.lower() in SOURCE_HEADS)) or (
            child.dep_ == "amod" and child.ent_type_ == "NORP"
        ):
            return child  # 'government figures', 'Israeli figures'
        if child.dep_ == "acl":
            for agent in child.children:
                if agent.dep_ == "agent":
                    objects = [o for o in agent.children if o.dep_ == "pobj"]
                    if objects:
                        return objects[0]
    return None


def _without_how_said(name: Token, words: list[Token]) -> list[Token]:
    """A name's words without whom and how it spoke: 'said Ana Ruiz to the Herald' (a
    'to' right after a name; a title takes one before it: 'the ambassador to the UN, Ana
    Ruiz'), 'said Ana Ruiz, its chief, in a statement' (an 'in' a document)."""
    told: set[int] = set()
    for token in name.doc[name.i + 1 : name.right_edge.i + 1]:
        if token.dep_ != "prep":
            continue
        to_whom = token.lower_ == "to" and token.head.i == name.i
        medium = token.lower_ == "in" and any(
            o.dep_ == "pobj" and _document(o) for o in token.children
        )
        if to_whom or medium:
            told.update(t.i for t in token.subtree)
    return [t for t in words if t.i not in told]


_RELATIVE_TAGS: Final = frozenset({"WP$", "WDT", "WP"})
"""Relative words ('whose', 'which', 'who'), never part of a source's name."""


def source_slot(head: Token) -> Slot | None:
    """A source's words. A document ('its report', 'a notice by X', 'data from X') is read
    as its author, and names no one without one; 'he' or 'she' as the person last named
    before; 'it' or 'the agency' as the organisation last named before it that fits."""
    if _document(head) and not (head.pos_ == "PROPN" and head.is_title):
        # ('the United States Geological Survey' is a name, not a survey by 'United')
        author = _authored(head)
        if author is not None and author.head.i == head.i and author.dep_ in ("amod", "compound"):
            # the author's words before the document: 'Israeli media reports' → 'Israeli
            # media', 'government figures' → 'government', 'BNPB situation report' → 'BNPB';
            # all of an author of several words ('New Zealand estimates', not 'Zealand')
            words = list(head.doc[author.left_edge.i : head.i])
            while len(words) > 1 and not _names_author(words[-1]):
                words.pop()
            return slot(words)
        return source_slot(author) if author is not None else None
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN" and head.pos_ == "NOUN":
            return source_slot(child)  # 'the city's police commissioner, G.S. Malik'
    words = [t for t in phrase(head) if t.dep_ != "case" or t.head.i != head.i]
    if head.pos_ == "PROPN":
        words = _without_how_said(head, words)
    if head.pos_ == "PRON" and head.lower_ in PERSONAL:
        person = _person_before(head)
        return Slot(person.text, person.start_char, person.end_char) if person else None
    if head.pos_ == "PRON" and head.lower_ in ("it", "they") and head.dep_ == "nsubj":
        carried = _previous_subject(head)
        if carried is not None:
            return source_slot(carried)
    pronoun_owner = any(t.dep_ == "poss" and t.pos_ == "PRON" for t in head.children)
    definite = head.pos_ == "NOUN" and any(t.dep_ == "det" for t in head.lefts)
    unnamed = not any(t.pos_ == "PROPN" for t in words)
    if head.pos_ == "PRON" or pronoun_owner or (definite and unnamed):
        earlier = _named_before(head)
        ent = entity_at(earlier) if earlier is not None else None
        if ent is not None:
            return Slot(ent.text, ent.start_char, ent.end_char)
        if head.pos_ == "PRON" or pronoun_owner:
            return None
    # A bracket or a line break ends the source's words ('the Office of Civil Defense
    # (OCD)' is the office); a non-breaking space inside a name does not.
    # ('a boat whose passengers said': the passengers, not 'whose')
    words = sorted((t for t in words if t.tag_ not in _RELATIVE_TAGS), key=lambda t: t.i)
    while len(words) > 1 and words[0].ent_type_ in TIME_LABELS:
        words = words[1:]  # 'Yesterday Norland Air announced': the parse may join the day
    cut = next(
        (k for k, t in enumerate(words) if "(" in t.text or (t.is_space and "\n" in t.text)),
        len(words),
    )
    return slot(words[:cut])


def _could_give(subject: Token, number: Token) -> bool:
    """The subject of a verb of saying may be the figure's source: it does not hold the
    figure ('35 witnesses gave evidence') and, for a verb that gives figures only in a
    source's mouth, it is a name, a pronoun, a source noun ('police') or a described
    organisation ('the local prefecture'), not a bare plural ('relatives gave')."""
    if any(t.i == number.i for t in subject.subtree):
        return False
    verb = subject.head
    deps = {c.dep_ for c in verb.children}
    if deps & {"oprd", "acomp"} and "dobj" not in deps:
        return False  # '7 people confirmed dead': the subject is what was confirmed
    if verb.lemma_ not in SAYING_BY_SOURCES:
        return True
    if verb.pos_ == "VERB" and "prt" in deps:
        return False  # a phrasal verb ('add up to') says nothing
    return _source_like(subject)


def counted_where(verb: Token, subject: Token) -> bool:
    """The verb's subject is where the count was made, not who gives it: a place before a
    verb of counting ('San Remigio recorded 22 deaths'), a place the gazetteer knows before
    'reported' (an agency's initials the entity tagger takes for a place report as a source)."""
    if verb.lemma_ in LOCATIVE_COUNTING:
        return names_a_place(subject)
    return verb.lemma_ in PLACE_REPORTING and in_gazetteer(subject)


def _source_like(subject: Token) -> bool:
    if subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ in _NAMED:
        return True
    if _document(subject) and _authored(subject) is not None:
        return True  # 'Varnholt Air's final figures showed': the document's author says it
    if subject.lemma_.lower() in SOURCE_HEADS or subject.lower_ in SOURCE_HEADS:
        return True
    described = any(c.dep_ in ("det", "poss", "compound", "amod") for c in subject.children)
    return described and subject.tag_ != "NNS"


def takes_lives(verb: Token) -> bool:
    """The verb's object is lives it took: 'the floods claimed 200 lives', 'cost 12 lives'
    (no verb of saying then, whatever its lemma)."""
    return any(c.dep_ == "dobj" and c.lower_ in TAKEN_LIVES for c in verb.children)


def gives_figures(verb: Token) -> bool:
    """A verb of saying here: 'put' and 'place' only with an 'at' in their clause ('police
    put the crowd at 9,000'; the parse may hang the 'at' deeper: 'put the number of people
    who marched at 40,000'); 'the treaty placed the two provinces in the north' puts no
    figure at anything, nor does 'put hundreds of posts at risk'; 'the floods claimed 200
    lives' says nothing."""
    if takes_lives(verb):
        return False
    if verb.lemma_ not in ESTIMATING_AT:
        return True
    return any(
        t.dep_ == "prep" and t.lower_ == "at" and any(_holds_figure(o) for o in t.children)
        for t in verb.subtree
    )


def _holds_figure(obj: Token) -> bool:
    """The object of a putting 'at' holds a figure ('at 9,000', 'at $120 million', 'at
    more than 2,000'), not a state ('put hundreds of posts at risk')."""
    return any(t.like_num or t.ent_type_ in _FIGURE_LABELS for t in obj.subtree)


def _speakers(verb: Token) -> list[Token]:
    """The verb of saying's subjects, one after it first where the verb follows a comma or
    a quote: in '... killed 9 and injured 25 others, said a spokesman for the agency'
    the parse may take the speaker for an object, and the sentence's first noun phrase
    (after a dateline) for the subject, or give the verb two subjects."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if len(subjects) > 1:
        # 'A turnout higher than last year's: the police counted 48,000': a subject the
        # parse takes across a colon or a dash is another clause's, not the verb's
        subjects = [c for c in subjects if not _cut_off(c, verb)] or subjects
    if (
        not subjects
        and verb.dep_ == "conj"
        and _reports(verb)
        and verb.head.pos_ in ("VERB", "AUX")
    ):
        # 'Ostrel Air cancelled the flight and said no seat would be free for six
        # days': a joined verb that reports a clause ('said ...') or puts a figure
        # at a value ('put the toll at 40'), with no subject of its own, shares its head's
        # ('scored 22 points and added nine rebounds' reports nothing; 'which owns ... and
        # says' is the relative clause's)
        return [c for c in verb.head.children if c.dep_ == "nsubj" and c.tag_ not in _RELATIVE_TAGS]
    if verb.i == 0 or not verb.doc[verb.i - 1].is_punct:
        return subjects
    # an object after the verb only stands for a subject the clause lacks ('Ivo Lund, the
    # governor, estimated the damage at ...' has one)
    lacking = all(in_dateline(c) or c.i > verb.i for c in subjects)
    inverted = [
        c
        for c in verb.children
        if (c.dep_ == "nsubj" or (c.dep_ == "dobj" and lacking))
        and c.i > verb.i
        and c.pos_ in ("NOUN", "PROPN")
        and _source_like(c)
    ]
    return [*inverted[:1], *(c for c in subjects if c not in inverted[:1])]


def _parted(speaker: Token, number: Token) -> bool:
    """A colon, semicolon or dash stands between a figure and a speaker after it, who
    reports a clause of its own after the break ('fired 14 rounds - the coroner said
    that six struck the van'), not the words before it ('Turnout topped 90,000 in
    Ostrel: said Ana Ruiz')."""
    if speaker.i < number.i:
        return False
    breaks = _breaks_between(number, speaker)
    return bool(breaks) and any(
        c.dep_ == "ccomp" and c.i > breaks[-1] and number not in c.subtree
        for c in speaker.head.children
    )


def _cut_off(subject: Token, verb: Token) -> bool:
    """A colon, semicolon or dash stands between a subject before its verb and the verb."""
    return subject.i < verb.i and bool(_breaks_between(subject, verb))


def _breaks_between(first: Token, last: Token) -> list[int]:
    """Where a colon, semicolon or dash stands between two words of one sentence."""
    return [t.i for t in first.doc[first.i + 1 : last.i] if t.text in _CLAUSE_BREAKS]


_CLAUSE_BREAKS: Final = frozenset({":", ";", "\u2014", "\u2013", "--"})


def denying_word(subject: Token) -> Token | None:
    """The word that denies a subject: the subject itself ('Neither said'), or its 'no'
    or 'neither' ('no authorities have confirmed', 'neither Ruiz nor Lund won')."""
    if subject.lower_ in DENYING:
        return subject
    return next(
        (c for c in subject.children if c.dep_ in ("det", "preconj") and c.lower_ in DENYING),
        None,
    )


def _reports(verb: Token) -> bool:
    """The verb of saying reports a clause of its own ('said no seat would be
    free') or puts a figure at a value ('put the casualties at fewer than 100'), in
    the active voice: it says something, it does not only tally ('added nine rebounds')."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return False
    return verb.lemma_ in ESTIMATING_AT or any(c.dep_ == "ccomp" for c in verb.children)


def _given_at(node: Token, number: Token) -> tuple[bool, Slot | None]:
    """(found, source) at one clause head on the way up from a figure: the subject or
    'by' agent of a verb of saying, else the object of an 'according to' on the clause;
    a bare plural subject ('analysts expected') gives way to an 'according to' there.
    A subject that names no one ('he' with no person before it) still ends the search:
    the sentence's other names gave other figures."""
    subject: Token | None = None
    describes_speaker = False
    if node.lemma_ in _GIVING and node.pos_ == "VERB" and gives_figures(node):
        speakers = _speakers(node)
        if speakers and all(_parted(child, number) for child in speakers):
            return True, None  # 'fired 14 rounds - the coroner said ...': not the coroner's
        for child in speakers:
            if child.pos_ in ("NOUN", "PROPN", "PRON"):
                speaker = _past_dateline(child)
                if speaker is None:
                    continue  # the dateline's place: the subject may come after the dash
                if counted_where(node, speaker):
                    return False, None  # 'Chile reported 22 deaths': where, not who
                if denying_word(speaker) is not None:
                    return True, None  # 'no authorities have confirmed': no one says it
                if _could_give(speaker, number):
                    subject = speaker
                else:
                    # the figure describes who speaks ('a fan who came with her two
                    # children said ...'): unless an 'according to' gives it, no one does.
                    # Not a count of the subject itself ('12 soldiers killed, claims
                    # Seoul', which the parse may read with the soldiers as the subject)
                    describes_speaker = (
                        node.lemma_ not in SAYING_BY_SOURCES
                        and number in speaker.subtree
                        and number.head.i != speaker.i
                    )
                break
        else:
            for child in node.children:
                if child.dep_ == "agent":
                    for obj in child.children:
                        if obj.ent_type_ in TIME_LABELS:
                            break  # 'recorded by Wednesday morning': by when, not by whom
                        return True, source_slot(obj)
    if subject is not None and _source_like(subject):
        return True, source_slot(subject)
    for child in node.children:
        if child.dep_ == "prep" and child.lower_ == "according":
            cited = _according_object(child)
            if cited is not None:
                return True, source_slot(cited)
    if describes_speaker:
        return True, None
    if subject is not None:
        return True, source_slot(subject)
    return False, None


def _dateline_end(doc: Doc) -> int:
    """The index of the first token after a dateline opening the text ('NAYPYITAW (Bay of
    Bengal Wire) -', 'KESSBY, Ostrevia (Northstar Wire) -'): a place name in capitals,
    maybe its country and the outlet in brackets, then a dash within the first sentence;
    0 when the text opens with none (a sentence opening with 'A' or 'I' is no dateline)."""
    if not len(doc) or len(doc[0]) < 2 or not doc[0].is_upper or not doc[0].is_alpha:
        return 0
    for token in doc[:DATELINE_WORDS]:
        if token.text in DASHES:
            return token.i + 1
        if token.is_sent_start and token.i > 0:
            return 0
    return 0


def in_dateline(token: Token) -> bool:
    """The token is in the dateline that opens its article, which the parse may hang on
    the first sentence's verb as its subject ('CEBU CITY (Wire) - The toll has risen')."""
    # past where any dateline ends: no scan on the figure path
    return token.i < DATELINE_WORDS and token.i < _dateline_end(token.doc)


def _past_dateline(subject: Token) -> Token | None:
    """A subject the parse found in the dateline (the place, which the parse may take for
    the subject of the first sentence's verb) gives way to its apposition after the dash
    ('- Myanmar's junta chief, ... said'), or to nothing: the place said nothing."""
    if not in_dateline(subject):
        return subject
    end = _dateline_end(subject.doc)
    after = [c for c in subject.children if c.dep_ == "appos" and c.i >= end]
    return after[0] if after else None


def _counted_by(node: Token) -> Slot | None:
    """'the council lowered its count to 68', 'the military's own count was under 100':
    the author of the count a tallying verb moves or holds, as its subject or object."""
    if node.lemma_ not in TALLYING:
        return None
    for child in node.children:
        document = child.dep_ in ("nsubj", "dobj") and _document(child)
        if document and (child.dep_ == "nsubj" or any(c.dep_ == "poss" for c in child.children)):
            return source_slot(child)
    return None


def figure_source(number: Token) -> tuple[bool, Slot | None]:
    """(found, source): who gives the figure, from the nearest clause above it that names a
    source (see `_given_at`), else an 'according to' elsewhere in the sentence, else who
    the parse shows counting ('_counted_by'). `found` says the parse found the words that
    give the figure even where they name no one ('preliminary estimates suggest', 'he'
    with no person before it): then no other clause's source gives it either, though the
    author of a count the clause holds still does ('the council's count stands at 72,
    according to its report'). A figure no verb of saying of its sentence reports is found
    too, as no one's (`_reported_elsewhere`): the writer's, not the next clause's speaker's;
    so is one a place counted ('Chile reported 22 deaths': `counted_where`) with no one
    above it saying it, and one under a verb of saying that takes lives ('the fires have
    claimed 37 lives and destroyed 640 homes'), which says nothing."""
    node, counted, placed, took = number, None, False, False
    while True:
        found, source = _given_at(node, number)
        counted = counted or _counted_by(node)
        placed = placed or any(c.dep_ == "nsubj" and counted_where(node, c) for c in node.children)
        took = took or (node.lemma_ in _GIVING and takes_lives(node))
        if found:
            # giving words that name no one ('according to its latest report') leave the
            # author of the count the clause holds ('the council's count stands at 72')
            return True, source or counted
        if node.head.i == node.i:
            break
        node = node.head
    for token in number.sent:
        if token.lower_ == "according":
            obj = _according_object(token)
            if obj is not None:
                return True, source_slot(obj)
    if counted is None and (placed or took or _reported_elsewhere(number)):
        # a place counted it ('Chile reported 22 deaths'), or a verb of saying took lives
        # ('the fires in Tarro have claimed 37 lives'): no one above says it
        return True, None
    return counted is not None, counted


_DESCRIBING: Final = frozenset({"relcl", "acl"})
"""Clauses that describe a noun: a verb of saying in one reports its own words."""


def _reported_elsewhere(number: Token) -> bool:
    """The sentence's verbs of saying report other clauses than the figure's: each hangs
    in a relative clause, a noun's modifier or a joined clause ('part of the 200-person
    crowd became unruly on the day the autopsy showed he was shot seven times', '12 were
    killed and police said 40 were hurt'), none on the figure's clause as its report
    (`_reports_head`)."""
    ancestors = {t.i for t in number.ancestors}
    verbs = [
        t
        for t in number.sent
        if t.lemma_ in SAYING and t.pos_ == "VERB" and any(c.dep_ == "nsubj" for c in t.children)
    ]
    return bool(verbs) and not any(
        v.i in ancestors or (v.head.i in ancestors and _reports_head(v)) for v in verbs
    )


def _reports_head(verb: Token) -> bool:
    """The verb of saying reports the clause it hangs on, however the parse attached it
    ('12 people were killed, police said'; '... has risen to 61, the ministry said' joined
    to 'risen'; 'Parametrix estimated that ...' read as the subject of a later verb),
    unless it describes a noun ('the day the autopsy showed ...') or is a joined verb with
    a report of its own ('and police said 40 were hurt')."""
    own = any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)
    return verb.dep_ not in _DESCRIBING and not (verb.dep_ == "conj" and own)


def _according_object(according: Token) -> Token | None:
    """X of 'according to X': the object of the 'to' the parse hangs on 'according', or
    of the 'to' right after it."""
    doc = according.doc
    following = [doc[according.i + 1]] if according.i + 1 < len(doc) else []
    for to in [*according.children, *(t for t in following if t.lower_ == "to")]:
        for obj in to.children:
            if obj.dep_ == "pobj":
                return obj
    return None


def reported_clause(doc: Doc, source_start: int, source_end: int) -> Slot | None:
    """What a source is said to have said: the clause a verb of saying next to the
    source reports ('police said [the march was peaceful]'), or for 'according to X,
    ...' the sentence without that phrase; never the dateline that opens an article ('KOCANI,
    North Macedonia (Vardar Wire) -'). None when the parse shows no such clause."""
    span = doc.char_span(source_start, source_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    sentence = span.sent
    opening = _dateline_end(doc) if sentence.start == 0 else 0
    before = doc[max(sentence.start, span.start - 3) : span.start]
    for token in before:
        if token.lower_ == "according":
            phrase = {t.i for t in token.head.subtree} if token.head.dep_ == "prep" else set()
            phrase |= {t.i for t in token.subtree}
            words = [t for t in sentence if t.i not in phrase and not t.is_punct]
            return _trimmed(words, opening)
    verbs = [t for t in sentence if t.lemma_ in SAYING and t.pos_ == "VERB"]
    if not verbs:
        return None
    verb = min(verbs, key=lambda v: min(abs(v.i - t.i) for t in span))
    clauses = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
    if not clauses:
        head = verb.head  # '..., police said' hangs the saying off the reported clause
        if verb.dep_ in ("parataxis", "advcl", "ccomp") and head.i != verb.i:
            words = [t for t in head.subtree if t.i not in {x.i for x in verb.subtree}]
            return _trimmed([t for t in words if not t.is_punct], opening)
        return None
    words = [t for t in clauses[0].subtree if not t.is_punct or t.text in "%$"]
    return _trimmed(words, opening)


def sentence_statement(doc: Doc, start: int, end: int) -> Slot | None:
    """The statement of the sentence holding text[start:end] when no verb of saying shows
    what was said: its words past the dateline that may open it; None for a quotation's
    sentence (the quotation is what was said) or when too few words are left."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    sentence = span.sent
    if any(t.is_quote for t in sentence):
        return None  # a quotation's sentence: the quotation is what was said
    opening = _dateline_end(doc) if sentence.start == 0 else 0
    return _trimmed([t for t in sentence if not t.is_punct], opening, reported=False)


def _trimmed(words: list[Token], opening: int = 0, *, reported: bool = True) -> Slot | None:
    """The words as one span: none before `opening` (a dateline's end), no space, and a
    reported clause's leading 'that' and conjunctions dropped."""
    words = sorted((t for t in words if t.i >= opening and not t.is_space), key=lambda t: t.i)
    while reported and words and words[0].lower_ in ("that", "and", "but", ",", "while"):
        words = words[1:]
    if len(words) < 3:
        return None
    return slot(words)
