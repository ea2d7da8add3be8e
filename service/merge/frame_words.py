"""General English a figure frame is normalised with: classes of happenings and of counted
things, scope qualifiers and words for the whole country.

Only general news English belongs here, grouped top-down by meaning, never a word added
because one article needs it. A word missing from a class is not an error: an unknown
happening or thing is compared as written (singular, lower case), so two articles using
the same word still meet; the classes let different words for one thing meet.
"""

from __future__ import annotations

from typing import Final

HAPPENING_CLASSES: Final[dict[str, tuple[str, ...]]] = {
    "dead": (
        "die", "died", "dies", "dying", "dead", "death", "deaths", "kill", "killed", "kills",
        "killing", "fatality", "fatalities", "fatal", "toll", "perish", "perished", "slain",
        "lost their lives", "lost his life", "lost her life", "lose their lives",
        "death toll", "bodies", "body",
    ),
    "injured": (
        "injure", "injured", "injures", "injuring", "injury", "injuries", "wound", "wounded",
        "wounds", "hurt", "hospitalised", "hospitalized",
    ),
    "casualties": ("casualty", "casualties"),
    "missing": ("missing", "unaccounted", "unaccounted for", "disappeared"),
    "displaced": (
        "displace", "displaced", "evacuate", "evacuated", "evacuating", "evacuation",
        "evacuations", "homeless", "flee", "fled", "fleeing", "relocated", "sheltered",
        "in shelters", "under evacuation orders", "evacuation orders",
    ),
    "rescued": ("rescue", "rescued", "rescues", "saved", "pulled out"),
    "survived": ("survive", "survived", "survivor", "survivors"),
    "arrested": (
        "arrest", "arrested", "arrests", "detain", "detained", "detention", "custody",
        "in custody", "taken into custody",
    ),
    "protest": (
        "march", "marched", "marching", "marches", "demonstrate", "demonstrated",
        "demonstrating", "demonstration", "protest", "protested", "protesting", "protests",
        "rally", "rallied", "rallying", "took to the streets", "take to the streets",
        "turned out", "turnout of protesters",
    ),
    "strike": ("strike", "striking", "on strike", "walked out", "walkout", "stopped work"),
    "cut": (
        "cut", "cuts", "cutting", "eliminate", "eliminated", "eliminating", "lay off",
        "laid off", "layoff", "layoffs", "axe", "axed", "shed", "slash", "slashed",
        "job cuts", "redundancies", "redundant",
    ),
    "deployed": (
        "send", "sent", "sending", "deploy", "deployed", "deploying", "deployment",
        "dispatch", "dispatched", "dispatching", "gone", "went",
    ),
    "destroyed": (
        "destroy", "destroyed", "destroying", "razed", "flattened", "levelled", "leveled",
    ),
    "damaged": ("damage", "damaged", "damaging"),
    "affected": ("affect", "affected", "affecting"),
    "burned": ("burn", "burned", "burnt", "burning", "scorched", "charred", "consumed"),
    "voted": ("vote", "voted", "voting", "cast", "ballots cast"),
    "attending": ("attend", "attended", "attending", "attendance"),
    "on board": ("on board", "aboard", "carrying", "carried", "onboard"),
    "employed": ("employ", "employed", "employs", "employing", "work for", "working for"),
    "identified": ("identify", "identified", "identifying", "identification"),
    "contained": ("contain", "contained", "containment"),
}  # fmt: skip
"""Happenings by meaning: every form a news text uses for one of them."""

TALLY_HAPPENINGS: Final = frozenset(
    {
        "dead", "injured", "casualties", "missing", "displaced", "rescued", "arrested",
        "destroyed", "damaged", "affected", "burned", "identified", "contained", "survived",
    }
)  # fmt: skip
"""Running tallies: counts that move as days pass. A later figure of one source chain
revises an earlier one; other figures are tied to when they happened, and a count for
another day is another fact."""

ENTITY_CLASSES: Final[dict[str, tuple[str, ...]]] = {
    "person": (
        "people", "person", "persons", "individual", "individuals", "resident", "residents",
        "inhabitant", "inhabitants", "citizen", "citizens", "national", "nationals", "others",
    ),
    "soldier": (
        "soldier", "soldiers", "troop", "troops", "serviceman", "servicemen", "servicemembers",
    ),
    "demonstrator": (
        "demonstrator", "demonstrators", "protester", "protesters", "protestor", "protestors",
        "marcher", "marchers", "crowd", "crowds", "participant", "participants",
    ),
    "worker": (
        "worker", "workers", "employee", "employees", "staff", "staffer", "staffers", "workforce",
    ),
    "job": ("job", "jobs", "position", "positions", "post", "posts", "role", "roles"),
    "child": ("child", "children", "kid", "kids", "minor", "minors"),
    "home": ("home", "homes", "house", "houses", "dwelling", "dwellings"),
    "structure": ("structure", "structures", "building", "buildings"),
    "vote": ("vote", "votes", "ballot", "ballots"),
}  # fmt: skip
"""Counted things by meaning."""

CLASS_HAPPENINGS: Final[dict[str, str]] = {"demonstrator": "protest"}
"""Counted things whose class names what they did: a crowd of marchers protested."""

PEOPLE_NOUNS: Final = frozenset(
    {
        "person", "soldier", "demonstrator", "worker", "child", "civilian", "adult", "man",
        "woman", "men", "women", "student", "teacher", "pupil", "passenger", "patient",
        "victim", "migrant", "refugee", "tourist", "pilgrim", "fighter", "militant",
        "officer", "policeman", "firefighter", "rescuer", "volunteer", "voter", "member",
        "journalist", "prisoner", "hostage", "crew", "survivor", "casualty", "nurse",
        "doctor", "miner", "farmer", "villager", "local", "spectator", "fan", "athlete",
        "player", "delegate", "lawmaker", "official", "leader", "evacuee", "infant", "baby",
        "elderly", "senior", "youth", "teenager", "minor", "national", "citizen", "resident",
        "inhabitant", "individual",
    }
)  # fmt: skip
"""Things counted that are people: a figure of 'people' may count them."""

GENERIC_ENTITIES: Final = frozenset({"person", "figure", "number", "total", "count", "tally"})
"""Counted things that say little: they meet a more specific thing of the same happening
('people killed' and 'civilians killed'), with less confidence."""

ENTITY_HAPPENINGS: Final[dict[str, tuple[str, str]]] = {
    "death": ("person", "dead"), "deaths": ("person", "dead"), "dead": ("person", "dead"),
    "fatality": ("person", "dead"), "fatalities": ("person", "dead"),
    "toll": ("person", "dead"), "death toll": ("person", "dead"),
    "victim": ("person", "dead"), "victims": ("person", "dead"),
    "body": ("person", "dead"), "bodies": ("person", "dead"),
    "casualty": ("person", "casualties"), "casualties": ("person", "casualties"),
    "injury": ("person", "injured"), "injuries": ("person", "injured"),
    "evacuee": ("person", "displaced"), "evacuees": ("person", "displaced"),
    "arrest": ("person", "arrested"), "arrests": ("person", "arrested"),
    "survivor": ("person", "survived"), "survivors": ("person", "survived"),
    "striker": ("worker", "strike"), "strikers": ("worker", "strike"),
    "layoff": ("job", "cut"), "layoffs": ("job", "cut"), "cuts": ("job", "cut"),
    "job cuts": ("job", "cut"), "redundancies": ("job", "cut"),
    "demonstrator": ("demonstrator", "protest"), "demonstrators": ("demonstrator", "protest"),
    "protester": ("demonstrator", "protest"), "protesters": ("demonstrator", "protest"),
    "marcher": ("demonstrator", "protest"), "marchers": ("demonstrator", "protest"),
}  # fmt: skip
"""Counted things that name their happening too: '23 deaths' counts people who died."""

SCOPE_QUALIFIERS: Final[dict[str, str]] = {
    "additional": "additional", "another": "additional", "further": "additional",
    "extra": "additional", "more": "additional", "new": "additional",
    "already": "already", "first": "already",
    "remaining": "remaining", "rest": "remaining", "other": "remaining",
    "planned": "planned", "expected": "planned", "forecast": "planned",
}  # fmt: skip
"""Words that pick a part of a whole: '6,000 additional troops' is not '10,000 troops
sent'. Two figures meet only when they name the same scope words, or none."""

WHOLE_COUNTRY: Final = frozenset(
    {
        "nationwide", "countrywide", "national", "nationally", "the country", "country",
        "across the country", "the nation", "across the nation", "all over the country",
        "throughout the country", "whole country", "entire country",
    }
)  # fmt: skip
"""Place scopes that mean the whole country: for an event in one country, the same as
giving no place at all."""

PLACE_PREFIXES: Final = (
    "in ", "across ", "at ", "throughout ", "inside ", "within ", "from ", "around ", "near ",
    "outside ", "all over ",
)  # fmt: skip
"""Prepositions a place scope may start with; `outside` keeps its meaning in the key."""
