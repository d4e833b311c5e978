"""(segments, codebook, nlp[, learned model]) -> code suggestions, each with its score and evidence.

Only segments of coded speakers are matched (``segment.skipped`` is False). All their texts go
through ``nlp.pipe`` once per run (:mod:`qualcode.suggest.parsed`), and the matchers are
compiled once per run (:class:`qualcode.suggest.matcher.RuleSet`).

**Levels.** A rule suggestion names the code whose own keyword or pattern fired. A segment may
get several codes; when a parent's and a child's rules both fire, both are suggested. Under an
``exclusive: true`` parent only the best-scoring child is kept (on a tie, the one whose
evidence has the longest phrase).

**Score.** Without a learned model for the code, the score is the calibrated rule score of
:mod:`qualcode.suggest.scoring`: a logistic function of the rule features of
:mod:`qualcode.suggest.features` (which rules fired and how specific they are, how dense the
evidence is, whether it is one passing mention in a long segment, how much of the segment it
spreads over, evidence for the same theme from other codes). With a learned model for the code
(``models/learned.json``, see :mod:`qualcode.suggest.model`), the model's calibrated
probability is the score: the codebook rules enter it as features next to the words. Its
evidence lists the rules that fired and the words that raised the score most (rule
``model:<code id>``). A parent suggested by its model alone is left out when one of its
descendants is suggested for the same segment: the more specific code is the suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from spacy.language import Language

from qualcode.codebook.model import Codebook
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment
from qualcode.suggest.cache import ParseCache
from qualcode.suggest.matcher import Hit, RuleSet
from qualcode.suggest.model import LearnedModel
from qualcode.suggest.parsed import BATCH_SIZE, ParsedSegment, Progress, parse_segments
from qualcode.suggest.records import DEFAULT_MIN_SCORE, Evidence, Suggestion, scope_codes
from qualcode.suggest.scoring import RuleScorer, default_scorer

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_MIN_SCORE",
    "Evidence",
    "Progress",
    "Suggestion",
    "score_parsed",
    "scope_codes",
    "suggest",
    "suggest_segments",
]

Factors = Mapping[tuple[str, str], float]


def suggest(
    corpus: Corpus,
    codebook: Codebook,
    nlp: Language,
    transcript: str | None = None,
    code: str | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
    model: LearnedModel | None = None,
    factors: Factors | None = None,
    cache: ParseCache | None = None,
) -> list[Suggestion]:
    """Suggestions for the coded-speaker segments of the corpus (or of one transcript).

    ``code`` limits them to that code and the codes below it. Sorted by score (highest
    first), then transcript, then segment order.
    """
    if transcript is not None:
        segments = corpus.segments_by_transcript[corpus.transcript(transcript).id]
    else:
        segments = corpus.segments
    codes = scope_codes(codebook, code)
    return suggest_segments(segments, codebook, nlp, codes, min_score, progress, model, factors, cache)


def suggest_segments(
    segments: Sequence[Segment],
    codebook: Codebook,
    nlp: Language,
    codes: set[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
    model: LearnedModel | None = None,
    factors: Factors | None = None,
    cache: ParseCache | None = None,
) -> list[Suggestion]:
    """Suggestions for ``segments`` (skipped speakers' segments are left out); ``cache`` keeps
    parsed segments between runs (the complete rule set is used then, narrowed afterwards)."""
    rules = RuleSet(codebook, nlp, None if cache is not None and cache.path is not None else codes)
    coded = [s for s in segments if not s.skipped]
    parsed = parse_segments(coded, nlp, rules, grams=model is not None, progress=progress, cache=cache)
    if codes is not None and rules.complete:
        parsed = [replace(p, hits={c: h for c, h in p.hits.items() if c in codes}) for p in parsed]
    return score_parsed(parsed, codebook, codes, min_score, model, factors)


def score_parsed(
    parsed: Sequence[ParsedSegment],
    codebook: Codebook,
    codes: set[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    model: LearnedModel | None = None,
    factors: Factors | None = None,
    scorer: RuleScorer | None = None,
) -> list[Suggestion]:
    """Score parsed segments: the rule score, or the learned model's where it has the code."""
    scorer = scorer or default_scorer()
    scope = [c.id for c in codebook.walk() if codes is None or c.id in codes]
    probabilities = model.probabilities(parsed, codebook, factors, scope) if model is not None else {}
    order = {code_id: n for n, code_id in enumerate(c.id for c in codebook.walk())}
    found: list[Suggestion] = []
    for i, item in enumerate(parsed):
        scored: dict[str, tuple[float, list[Hit], list[tuple[str, tuple[int, int]]]]] = {}
        for code_id, hits in item.hits.items():
            if code_id not in probabilities:
                scored[code_id] = (scorer.score(item.features(codebook, [code_id], factors)), hits, [])
        for code_id, values in probabilities.items():
            score = round(float(values[i]), 4)
            if score < min_score:
                continue
            assert model is not None
            words = model.top_words(code_id, item)
            hits = item.hits.get(code_id, [])
            if hits or words:
                scored[code_id] = (score, hits, words)
        found += _segment_suggestions(item.segment, scored, codebook, min_score, order)
    position = {p.segment.id: p.segment.index for p in parsed}
    found.sort(key=lambda s: (-s.score, s.transcript, position[s.segment], order[s.code]))
    return found


def _segment_suggestions(
    segment: Segment,
    scored: dict[str, tuple[float, list[Hit], list[tuple[str, tuple[int, int]]]]],
    codebook: Codebook,
    min_score: float,
    order: Mapping[str, int],
) -> list[Suggestion]:
    suggestions = {}
    for code_id, (score, hits, words) in scored.items():
        evidence = [
            Evidence(segment.text[h.start : h.end], segment.start + h.start, segment.start + h.end, h.name)
            for h in sorted(hits, key=lambda h: (h.start, h.end, h.name))
        ]
        evidence += [
            Evidence(segment.text[start:end], segment.start + start, segment.start + end, f"model:{code_id}")
            for _, (start, end) in words
        ]
        suggestions[code_id] = Suggestion(segment.id, segment.transcript, code_id, score, tuple(evidence))
    for code_id in list(suggestions):
        parent_id = codebook.by_id[code_id].parent
        if parent_id and codebook.by_id[parent_id].exclusive:
            rivals = [s for c, s in suggestions.items() if codebook.by_id[c].parent == parent_id]
            best = min(rivals, key=lambda s: (-s.score, -_specificity(s), order[s.code]))
            if best.code != code_id:
                del suggestions[code_id]
    kept = {c: s for c, s in suggestions.items() if s.score >= min_score}
    for code_id, suggestion in list(kept.items()):
        model_only = all(e.rule.startswith("model:") for e in suggestion.evidence)
        below = set(codebook.descendants(code_id)) - {code_id}
        if model_only and below & set(kept):
            del kept[code_id]
    return list(kept.values())


def _specificity(suggestion: Suggestion) -> int:
    """The most words any keyword of the evidence has (breaks ties between exclusive children)."""
    return max((len(e.text.split()) for e in suggestion.evidence if not e.rule.startswith("model:")), default=0)
