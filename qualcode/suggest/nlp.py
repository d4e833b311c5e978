"""Builds the spaCy pipeline qualcode matches on, once per process.

The default pipeline is embedded and offline: ``spacy.blank("en")`` + sentencizer + a lookup
lemmatizer fed by the ``spacy-lookups-data`` package. spaCy's own lookup lemmatizer is
case-sensitive ("Teachers" is not in its table), so ours lower-cases each token before the
lookup: lemmas are always lower case and matching on ``LEMMA`` is case-insensitive.

A project may instead name an installed spaCy package (``nlp: en_core_web_sm``); its lemmas
are lower-cased by the same rule so that codebook keywords behave identically.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from qualcode.errors import NlpError

DEFAULT_PIPELINE = "blank"


class _LowercaseLookupLemmatizer:
    """Sets ``token.lemma_`` from the lookup table, keyed on the lower-cased token."""

    def __init__(self, table):
        self.table = table

    def __call__(self, doc: Doc) -> Doc:
        table = self.table
        for token in doc:
            lower = token.lower_
            token.lemma_ = table.get(lower, lower)
        return doc


class _LowercaseLemmas:
    """Lower-cases lemmas produced by an installed model's own lemmatizer."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            token.lemma_ = (token.lemma_ or token.text).lower()
        return doc


@Language.factory("qualcode_lookup_lemmatizer")
def _make_lookup_lemmatizer(nlp: Language, name: str):
    from spacy.lookups import load_lookups

    lookups = load_lookups(nlp.lang or "en", ["lemma_lookup"])
    return _LowercaseLookupLemmatizer(lookups.get_table("lemma_lookup"))


@Language.factory("qualcode_lowercase_lemmas")
def _make_lowercase_lemmas(nlp: Language, name: str):
    return _LowercaseLemmas()


def has_lemma_table(language: str) -> bool:
    """Does spacy-lookups-data hold a lookup lemmatizer table for ``language``?"""
    try:
        from spacy.lookups import load_lookups

        load_lookups(language, ["lemma_lookup"])
    except (ValueError, OSError, ImportError):
        return False
    return True


def no_lemma_note(language: str) -> str:
    """What a user is told once when ``language`` has no lemma table."""
    return (
        f"spacy-lookups-data has no lemma table for language '{language}': keywords match the words "
        "as written (lower-cased), not their inflected forms; list the forms you need, or name an "
        "installed spaCy package with 'nlp:' in qualcode.yaml"
    )


@lru_cache(maxsize=8)
def load_nlp(name: str | None = None, language: str = "en") -> Language:
    """Return the pipeline for ``name`` (None or "blank": the embedded default for ``language``)."""
    if name in (None, "", DEFAULT_PIPELINE):
        return _blank_pipeline(language)
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError) as exc:
        raise NlpError(
            f"spaCy pipeline '{name}' (key 'nlp' in qualcode.yaml) is not installed: {exc}. "
            f"Install it with `pip install {name}` (or from a wheel file), "
            "or remove the 'nlp' key to use the embedded default pipeline."
        ) from None
    if "senter" not in nlp.pipe_names and "parser" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("qualcode_lowercase_lemmas", last=True)
    return nlp


def _blank_pipeline(language: str = "en") -> Language:
    """``spacy.blank(language)`` + sentencizer + the lookup lemmatizer of spacy-lookups-data when it
    has a table for the language, else lemmas that are the lower-cased words."""
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError) as exc:
        raise NlpError(
            f"spaCy has no language '{language}' (key 'language' in qualcode.yaml): {exc}; "
            "use a code spaCy knows, e.g. en, da, de, es, fr, nl, pt"
        ) from None
    nlp.add_pipe("sentencizer")
    if has_lemma_table(language):
        nlp.add_pipe("qualcode_lookup_lemmatizer")
    elif language == "en":  # pragma: no cover - spacy-lookups-data is a dependency
        raise NlpError("the embedded pipeline needs the 'spacy-lookups-data' package; `pip install spacy-lookups-data`")
    else:
        nlp.add_pipe("qualcode_lowercase_lemmas")
    return nlp
