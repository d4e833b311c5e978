"""What a suggestion's score is computed from: rule features of the evidence, and the words of a segment.

**Rule features** describe the evidence the codebook rules found in one segment for one code
*and the theme it belongs to* (its top-level code with every code below it), since a passage is
about a theme when several of the theme's rules fire there, densely and throughout
(:func:`rule_features`). They are the inputs of the calibrated rule score
(:mod:`qualcode.suggest.scoring`) and, prefixed ``rules:``, of a learned model
(:mod:`qualcode.suggest.learn`):

============  ====================================================================================
``kw1``       distinct single-word keywords of the theme that fired (``log(1 + n)``)
``kw2``       distinct two-word keywords of the theme
``kw3``       distinct keywords of three or more words of the theme
``pattern``   distinct patterns of the theme
``fuzzy``     distinct keywords of the theme that matched only misspelt
``related``   distinct related words of the theme (``related_words`` in the codebook)
``own``       distinct rules of the code itself (``log(1 + n)``)
``density``   the theme's evidence spans per 100 words (at least 20 words counted; ``log(1 + x)``)
``single``    1 when all the theme's evidence is one single span
``passing``   a single span in a long segment: ``log2(words / 40)`` when positive, else 0
``spread``    the share of the segment's sentences holding evidence of the theme
``share``     the theme's evidence spans over those of the theme with most evidence in the segment
``length``    ``log2(1 + words)``
============  ====================================================================================

A rule counts ``factor`` times instead of once when review decisions showed it is often
rejected (see :func:`qualcode.suggest.scoring.rule_factors`).

**Words** are the lemma unigrams (stop words left out) and bigrams (of consecutive words
once stop words are left out) of a segment (:func:`ngrams`): "coaching cycles" gives
``coach``, ``cycle`` and ``coach cycle``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.tokens import Doc

from qualcode.suggest.matcher import Hit

RULE_FEATURES = (
    "kw1",
    "kw2",
    "kw3",
    "pattern",
    "fuzzy",
    "related",
    "own",
    "density",
    "single",
    "passing",
    "spread",
    "share",
    "length",
)

#: a single span of evidence counts as a passing mention from this many words up
PASSING_WORDS = 40
#: density counts a segment shorter than this as this long, so a short answer is not "all evidence"
DENSITY_MIN_WORDS = 20


def rule_kind(hits: Sequence[Hit]) -> str:
    """The feature a rule's hits count towards: its exact kind, or ``fuzzy`` if only misspelt."""
    exact = [h for h in hits if not h.name.startswith("fuzzy:")]
    if not exact:
        return "fuzzy"
    rule = exact[0].rule
    if rule.kind in ("pattern", "related"):
        return rule.kind
    return "kw1" if rule.words <= 1 else "kw2" if rule.words == 2 else "kw3"


def _by_rule(hits: Iterable[Hit]) -> dict[str, list[Hit]]:
    found: dict[str, list[Hit]] = {}
    for hit in hits:
        found.setdefault(f"{hit.rule.code}\0{hit.rule.name}", []).append(hit)
    return found


def rule_features(
    own: Sequence[Hit],
    theme: Sequence[Hit],
    words: int,
    sentences: Sequence[tuple[int, int]],
    factors: Mapping[tuple[str, str], float] | None = None,
    most: int = 0,
) -> dict[str, float]:
    """The rule features of one code's hits ``own`` among its theme's hits ``theme`` (own included).

    ``words`` and ``sentences`` (character spans) describe the segment; ``factors`` maps
    (code, rule name) to the share of a full count that rule gets (1.0 when absent); ``most``
    is the number of evidence spans of the theme with most evidence in the segment.
    """
    factors = factors or {}
    counts = dict.fromkeys(("kw1", "kw2", "kw3", "pattern", "fuzzy", "related"), 0.0)
    for rule_hits in _by_rule(theme).values():
        rule = rule_hits[0].rule
        counts[rule_kind(rule_hits)] += factors.get((rule.code, rule.name), 1.0)
    mine = sum(factors.get((h[0].rule.code, h[0].rule.name), 1.0) for h in _by_rule(own).values())
    spans = {(h.start, h.end) for h in theme}
    features = {name: math.log1p(value) for name, value in counts.items()}
    features["own"] = math.log1p(mine)
    features["density"] = math.log1p(100.0 * len(spans) / max(words, DENSITY_MIN_WORDS))
    features["single"] = 1.0 if len(spans) == 1 else 0.0
    features["passing"] = max(0.0, math.log2(max(words, 1) / PASSING_WORDS)) if len(spans) == 1 else 0.0
    if sentences:
        holding = sum(1 for start, end in sentences if any(s < end and start < e for s, e in spans))
        features["spread"] = holding / len(sentences)
    else:
        features["spread"] = 1.0 if spans else 0.0
    features["share"] = len(spans) / max(most, len(spans)) if spans else 0.0
    features["length"] = math.log2(1 + words)
    return {name: round(features[name], 6) for name in RULE_FEATURES}


def theme_spans(hits: Iterable[Hit], top_of: Mapping[str, str]) -> dict[str, int]:
    """Theme (top-level code) -> the number of distinct evidence spans of its codes."""
    spans: dict[str, set[tuple[int, int]]] = {}
    for hit in hits:
        spans.setdefault(top_of[hit.rule.code], set()).add((hit.start, hit.end))
    return {theme: len(found) for theme, found in spans.items()}


def word_count(doc: Doc) -> int:
    """Words of a parsed segment: tokens that are not punctuation or space."""
    if not len(doc):
        return 0
    flags = doc.to_array([IS_PUNCT, IS_SPACE])
    return int(len(doc) - (flags.max(axis=1) > 0).sum())


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the sentences (one span for the whole doc without a sentencizer)."""
    if not len(doc):
        return []
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc.text))]
    return [(s.start_char, s.end_char) for s in doc.sents]


def _content(doc: Doc) -> list[tuple[str, int, int]]:
    """(lemma, start, end) of the words that count: alphabetic, not stop words."""
    found = []
    for token in doc:
        if not token.is_alpha or token.is_stop or len(token) < 2:
            continue
        lemma = (token.lemma_ or token.lower_).lower()
        if lemma and lemma.isalpha():
            found.append((lemma, token.idx, token.idx + len(token)))
    return found


def ngrams(doc: Doc) -> dict[str, tuple[int, int]]:
    """Each distinct lemma unigram and bigram of ``doc``, with the span of its first occurrence."""
    words = _content(doc)
    found: dict[str, tuple[int, int]] = {}
    for lemma, start, end in words:
        found.setdefault(lemma, (start, end))
    for (first, start, _), (second, _, end) in zip(words, words[1:]):
        found.setdefault(f"{first} {second}", (start, end))
    return found
