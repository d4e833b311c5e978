"""Codebook rules -> compiled spaCy matchers, and matching one parsed segment.

A :class:`RuleSet` is built once per run from the codebook and the pipeline:

* ``keywords`` -> a ``PhraseMatcher`` on ``LEMMA``. Keywords go through the same pipeline as
  the text and lemmas are lower case (see :mod:`qualcode.nlp`), so "professional learning
  community" matches "Professional Learning Communities".
* ``patterns`` -> a ``Matcher``; a pattern spaCy refuses is reported at its codebook line.
* ``related_words`` -> the same ``PhraseMatcher``, as rules of kind ``related``: words that are
  evidence only in numbers (no fuzzy matching).
* ``exclude_keywords`` -> a second ``PhraseMatcher`` on ``LEMMA``; a code with an exclude
  keyword in the segment gets no hits there at all.
* fuzzy keywords: a keyword of 6+ characters also matches when each of its words of 6+
  letters is within :data:`FUZZY_THRESHOLD` (normalised Damerau (OSA) similarity) of a word in
  the text that the lemmatizer's dictionary does not know (a likely misspelling or
  transcription error), its other words matching exactly. So "benchmrk" matches
  "benchmark"; "PBIS", "ELD" or "firing" (a real word) never match fuzzily.

Each rule has a weight for the suggestion score, from its specificity (see :func:`weight`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA
from spacy.attrs import LEMMA, LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from qualcode.codebook.model import Code, Codebook
from qualcode.codebook.patterns import pattern_errors, pattern_problem
from qualcode.errors import CodebookError, Problem

#: keywords (and their words) shorter than this never match fuzzily
FUZZY_MIN_LENGTH = 6
#: minimum normalised OSA similarity of a misspelt word (0.8: one typo in 6-9 letters, two in 10+)
FUZZY_THRESHOLD = 0.8
#: a rule's weight never exceeds this, so one rule alone never gives a score of 1
MAX_WEIGHT = 0.9
#: a fuzzy match counts this share of its keyword's weight
FUZZY_FACTOR = 0.5
_OPTIONAL_OPS = ("?", "*", "!")
_ANCHOR_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH, "NORM": NORM}


def weight(words: int) -> float:
    """A rule's weight from the number of words it requires: 1 -> 0.5, 2 -> 0.75, 3+ -> 0.875/0.9."""
    return round(min(MAX_WEIGHT, 1 - 0.5 ** max(words, 1)), 4)


@dataclass(frozen=True)
class Rule:
    """One keyword or pattern of a code."""

    code: str
    name: str  # "keyword:PLC", "pattern:data_use#2"
    weight: float
    line: int = 0
    kind: str = "keyword"  # or "pattern", "related"
    words: int = 1  # the words it requires


@dataclass(frozen=True)
class Hit:
    """A rule that fired on a span of the doc (character offsets in ``doc.text``)."""

    rule: Rule
    name: str  # the evidence name: the rule's, or "fuzzy:benchmark~benchmrk"
    weight: float
    start: int
    end: int


@dataclass(frozen=True)
class _FuzzyKeyword:
    rule: Rule
    keyword: str
    words: tuple[tuple[int, int, bool, str], ...]  # (lower hash, lemma hash, may be fuzzy, lower)


class RuleSet:
    """The compiled rules of a codebook (or of some of its codes), for one pipeline."""

    def __init__(self, codebook: Codebook, nlp: Language, codes: set[str] | None = None):
        self.nlp = nlp
        self.complete = codes is None  # every code's rules (what the parse cache keeps)
        self.codes = [c for c in codebook.walk() if codes is None or c.id in codes]
        self.keywords = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.excludes = PhraseMatcher(nlp.vocab, attr="LEMMA")
        # one Matcher per pattern, run only on docs holding its anchor word (see _anchor)
        self.patterns: list[tuple[tuple[int, frozenset[int]] | None, Matcher]] = []
        self._rules: dict[int, Rule] = {}
        self._exclude_codes: dict[int, str] = {}
        # fuzzy keywords by their first word: exact (lower or lemma hash) or fuzzy (lower string)
        self._fuzzy_exact: dict[int, list[_FuzzyKeyword]] = defaultdict(list)
        self._fuzzy_near: dict[str, list[_FuzzyKeyword]] = defaultdict(list)
        self._fuzzy_words: list[str] = []
        self._near_cache: dict[int, tuple[str, ...]] = {}
        self._known = _known_words(nlp)
        problems: list[Problem] = []
        display = codebook.display or "codebook"
        phrases = [k for c in self.codes for k in (*c.keywords, *c.related_words, *c.exclude_keywords)]
        docs = dict(zip(phrases, nlp.pipe(phrases)))
        for code in self.codes:
            self._add_keywords(code, docs, display, problems)
            self._add_patterns(code, display, problems)
        if problems:
            raise CodebookError(problems)
        self._fuzzy_words = sorted({w for e in self._all_fuzzy() for _, _, fuzzy, w in e.words if fuzzy})

    # -- building --------------------------------------------------------------------------
    def _key(self, text: str) -> tuple[str, int]:
        """A matcher key and the match id spaCy reports for it."""
        return text, self.nlp.vocab.strings.add(text)

    def _add_keywords(self, code: Code, docs: dict[str, Doc], display: str, problems: list[Problem]) -> None:
        lines = code.keyword_lines or [code.line] * len(code.keywords)
        for index, (keyword, line) in enumerate(zip(code.keywords, lines), start=1):
            doc = docs[keyword]
            if not len(doc):
                problems.append(Problem(display, line, f"code '{code.id}': keyword '{keyword}' has no words to match"))
                continue
            words = sum(1 for t in doc if not t.is_punct) or len(doc)
            rule = Rule(code.id, f"keyword:{keyword}", weight(words), line, "keyword", words)
            key, match_id = self._key(f"qualcode:{code.id}:keyword:{index}")
            self._rules[match_id] = rule
            self.keywords.add(key, [doc])
            self._add_fuzzy(rule, keyword, doc)
        related_lines = code.related_lines or [code.line] * len(code.related_words)
        for index, (word, line) in enumerate(zip(code.related_words, related_lines), start=1):
            doc = docs[word]
            if not len(doc):
                problems.append(
                    Problem(display, line, f"code '{code.id}': related word '{word}' has no words to match")
                )
                continue
            words = sum(1 for t in doc if not t.is_punct) or len(doc)
            key, match_id = self._key(f"qualcode:{code.id}:related:{index}")
            self._rules[match_id] = Rule(code.id, f"related:{word}", weight(words) / 2, line, "related", words)
            self.keywords.add(key, [doc])
        for index, keyword in enumerate(code.exclude_keywords, start=1):
            doc = docs[keyword]
            if len(doc):
                key, match_id = self._key(f"qualcode:{code.id}:exclude:{index}")
                self._exclude_codes[match_id] = code.id
                self.excludes.add(key, [doc])

    def _add_patterns(self, code: Code, display: str, problems: list[Problem]) -> None:
        lines = code.pattern_lines or [code.line] * len(code.patterns)
        for index, (pattern, line) in enumerate(zip(code.patterns, lines), start=1):
            name = f"pattern:{code.id}#{index}"
            key, match_id = self._key(f"qualcode:{code.id}:{name}")
            matcher = Matcher(self.nlp.vocab, validate=True)
            try:
                matcher.add(key, [pattern])
            except Exception as exc:  # spaCy raises ValueError, re.error, MatchPatternError...
                # the message codebook validate gives for the same pattern (it runs the same checks)
                errors = pattern_errors(pattern) or [(-1, " ".join(str(exc).split()))]
                problems.append(Problem(display, line, pattern_problem(code.id, index, errors)))
                continue
            found = _anchor(pattern)
            anchor = None
            if found is not None:
                anchor = (_ANCHOR_ATTRS[found[0]], frozenset(self.nlp.vocab.strings.add(v) for v in found[1]))
            self.patterns.append((anchor, matcher))
            required = sum(1 for t in pattern if set(t) - {"OP"} and t.get("OP") not in _OPTIONAL_OPS)
            self._rules[match_id] = Rule(code.id, name, weight(required), line, "pattern", required)

    def _add_fuzzy(self, rule: Rule, keyword: str, doc: Doc) -> None:
        if len(keyword) < FUZZY_MIN_LENGTH:
            return
        words = tuple((t.lower, t.lemma, t.is_alpha and len(t) >= FUZZY_MIN_LENGTH, t.lower_) for t in doc)
        if not any(fuzzy for _, _, fuzzy, _ in words):
            return
        entry = _FuzzyKeyword(rule, keyword, words)
        lower, lemma, fuzzy, text = words[0]
        for first in {lower, lemma}:
            self._fuzzy_exact[first].append(entry)
        if fuzzy:
            self._fuzzy_near[text].append(entry)

    def _all_fuzzy(self):
        for entries in self._fuzzy_exact.values():
            yield from entries

    # -- matching --------------------------------------------------------------------------
    def rule(self, code: str, name: str) -> Rule | None:
        """The rule of ``code`` named ``name`` (for hits read back from the parse cache)."""
        if not hasattr(self, "_by_name"):
            self._by_name = {(r.code, r.name): r for r in self._rules.values()}
        return self._by_name.get((code, name))

    def match(self, doc: Doc) -> dict[str, list[Hit]]:
        """Code id -> hits in ``doc`` (codes with an exclude keyword in the doc left out)."""
        excluded = {self._exclude_codes[key] for key, _, _ in self.excludes(doc)}
        hits: dict[str, list[Hit]] = defaultdict(list)
        for key, start, end in [*self.keywords(doc), *self._pattern_matches(doc)]:
            rule = self._rules[key]
            if rule.code not in excluded:
                hits[rule.code].append(_hit(doc, rule, rule.name, rule.weight, start, end))
        for hit in self._fuzzy_hits(doc):
            exact = hits.get(hit.rule.code, ())
            # "cafecitos" is an exact keyword of its own: no fuzzy "cafecito~cafecitos" on top
            if hit.rule.code not in excluded and not any(h.start < hit.end and hit.start < h.end for h in exact):
                hits[hit.rule.code].append(hit)
        return {code: _outermost(found) for code, found in hits.items()}

    def _pattern_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        present: dict[int, set[int]] = {}
        found = []
        for anchor, matcher in self.patterns:
            if anchor is not None:
                attr, values = anchor
                if attr not in present:
                    present[attr] = set(doc.to_array(attr).tolist())
                if present[attr].isdisjoint(values):
                    continue
            found += matcher(doc)
        return found

    def _fuzzy_hits(self, doc: Doc) -> list[Hit]:
        if not self._fuzzy_exact:
            return []
        found = []
        lowers, lemmas = doc.to_array(LOWER).tolist(), doc.to_array(LEMMA).tolist()
        for i, (lower, lemma) in enumerate(zip(lowers, lemmas)):
            candidates = [*self._fuzzy_exact.get(lower, ()), *self._fuzzy_exact.get(lemma, ())]
            for word in self._near(lower):
                candidates += self._fuzzy_near.get(word, ())
            for entry in dict.fromkeys(candidates):
                end = i + len(entry.words)
                if end <= len(doc) and self._fuzzy_match(entry, lowers[i:end], lemmas[i:end]):
                    span = doc[i:end]
                    text = " ".join(span.text.split())
                    found.append(
                        Hit(
                            entry.rule,
                            f"fuzzy:{entry.keyword}~{text}",
                            round(entry.rule.weight * FUZZY_FACTOR, 4),
                            span.start_char,
                            span.end_char,
                        )
                    )
        return found

    def _fuzzy_match(self, entry: _FuzzyKeyword, lowers: list[int], lemmas: list[int]) -> bool:
        fuzzy_used = False
        for lower, lemma, (word_lower, word_lemma, may_be_fuzzy, word) in zip(lowers, lemmas, entry.words):
            if lower == word_lower or lemma == word_lemma:
                continue
            if may_be_fuzzy and word in self._near(lower):
                fuzzy_used = True
                continue
            return False
        return fuzzy_used

    def _near(self, lower_hash: int) -> tuple[str, ...]:
        """Fuzzy-matchable keyword words close to an unknown (likely misspelt) word."""
        cached = self._near_cache.get(lower_hash)
        if cached is None:
            cached = ()
            lower = self.nlp.vocab.strings[lower_hash]
            if lower.isalpha() and len(lower) >= FUZZY_MIN_LENGTH - 1 and not self._known(lower):
                forms = {lower, lower[:-1]} if lower.endswith("s") else {lower}
                near: set[str] = set()
                for form in forms:
                    near.update(
                        word
                        for word, _, _ in process.extract(
                            form,
                            self._fuzzy_words,
                            scorer=OSA.normalized_similarity,
                            score_cutoff=FUZZY_THRESHOLD,
                            limit=None,
                        )
                    )
                cached = tuple(sorted(near))
            self._near_cache[lower_hash] = cached
        return cached


def _anchor(pattern: list[dict]) -> tuple[str, frozenset[str]] | None:
    """An attribute and the values one *required* token of ``pattern`` must take, if any.

    A doc without any of these values cannot match, so its Matcher is not run on it (spaCy's
    Matcher costs time per token and per pattern, even when nothing matches). Of the required
    tokens, the one with the fewest allowed values is taken: usually the rarest words.
    """
    anchors = []
    for token in pattern:
        if token.get("OP") not in (None, "+", "1"):
            continue
        for attr, value in token.items():
            if attr not in _ANCHOR_ATTRS:
                continue
            if isinstance(value, str):
                anchors.append((attr, frozenset([value])))
            elif isinstance(value, dict) and list(value) == ["IN"] and all(isinstance(v, str) for v in value["IN"]):
                anchors.append((attr, frozenset(value["IN"])))
    return min(anchors, key=lambda a: len(a[1]), default=None)


def _hit(doc: Doc, rule: Rule, name: str, weight_: float, start: int, end: int) -> Hit:
    span = doc[start:end]
    return Hit(rule, name, weight_, span.start_char, span.end_char)


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside a longer (or equal, heavier) hit of the same code.

    "coaching" inside "coaching cycles", or a pattern's shorter variants with optional
    tokens, are the same evidence and must not raise the score again.
    """
    kept: list[Hit] = []
    for hit in sorted(set(hits), key=lambda h: (h.start, -h.end, -h.weight, h.name)):
        if any(k.start <= hit.start and hit.end <= k.end for k in kept):
            continue
        kept.append(hit)
    return kept


@lru_cache(maxsize=4)
def _lookup_words(lang: str) -> tuple[Container[str], frozenset[str]] | None:
    try:
        from spacy.lookups import load_lookups

        table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    except Exception:  # no lookup data for this language: no dictionary filter
        return None
    return table, frozenset(str(v) for v in table.values())


def _known_words(nlp: Language):
    """``word -> bool``: is this a dictionary word (an inflected form or a lemma of the lookup table)?"""
    found = _lookup_words(nlp.lang)
    if found is None:
        return lambda word: False
    table, lemmas = found
    return lambda word: word in lemmas or word in table
