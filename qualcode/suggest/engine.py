"""(segments, codebook, nlp) -> code suggestions, each with its score and evidence.

Only segments of coded speakers are matched (``segment.skipped`` is False). All their texts go
through ``nlp.pipe`` once per run, in batches, and the matchers are compiled once per run
(:class:`qualcode.matcher.RuleSet`).

**Levels.** A suggestion names the code whose own keyword or pattern fired. A segment may get
several codes; when a parent's and a child's rules both fire, both are suggested (the parent
only ever because of its own rules). Under an ``exclusive: true`` parent only the best-scoring
child is kept.

**Score** (in [0, 1)): every keyword or pattern that fired counts once, at its best match (a match
inside a longer match of the same code is the same evidence and is dropped), with
the weight of :func:`qualcode.matcher.weight` (by the number of words it requires: 1 -> 0.5,
2 -> 0.75, 3 -> 0.875, 4+ -> 0.9; a fuzzy match counts half). The score combines them like
independent pieces of evidence: ``score = 1 - prod(1 - weight)``. So more distinct rules and
more specific rules give higher scores: one single-word keyword gives 0.5, two give 0.75, a
three-word phrase alone 0.875, a misspelt single-word keyword alone 0.25.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.language import Language

from qualcode.codebook.model import Codebook
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment
from qualcode.suggest.matcher import Hit, RuleSet
from qualcode.suggest.records import DEFAULT_MIN_SCORE, Evidence, Suggestion, scope_codes

__all__ = ["DEFAULT_MIN_SCORE", "Evidence", "Suggestion", "score", "scope_codes", "suggest", "suggest_segments"]

#: texts per ``nlp.pipe`` batch
BATCH_SIZE = 256

Progress = Callable[[int, int], None]


def score(hits: Sequence[Hit]) -> float:
    """``1 - prod(1 - w)`` over the distinct rules of ``hits``, each at its best weight."""
    best: dict[str, float] = {}
    for hit in hits:
        key = f"{hit.rule.code}\0{hit.rule.name}"
        best[key] = max(best.get(key, 0.0), hit.weight)
    remaining = 1.0
    for value in best.values():
        remaining *= 1.0 - value
    return round(1.0 - remaining, 4)


def suggest(
    corpus: Corpus,
    codebook: Codebook,
    nlp: Language,
    transcript: str | None = None,
    code: str | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
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
    return suggest_segments(segments, codebook, nlp, codes=codes, min_score=min_score, progress=progress)


def suggest_segments(
    segments: Sequence[Segment],
    codebook: Codebook,
    nlp: Language,
    codes: set[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Progress | None = None,
) -> list[Suggestion]:
    """Suggestions for ``segments`` (skipped speakers' segments are left out)."""
    rules = RuleSet(codebook, nlp, codes)
    segments = [s for s in segments if not s.skipped]
    order = {code.id: n for n, code in enumerate(codebook.walk())}
    position = {s.id: s.index for s in segments}
    found: list[Suggestion] = []
    disable = [name for name in ("sentencizer",) if name in nlp.pipe_names]  # segments need no sentences
    docs = nlp.pipe((s.text for s in segments), batch_size=BATCH_SIZE, n_process=1, disable=disable)
    for done, (segment, doc) in enumerate(zip(segments, docs), start=1):
        found += _segment_suggestions(segment, rules.match(doc), codebook, min_score)
        if progress is not None:
            progress(done, len(segments))
    found.sort(key=lambda s: (-s.score, s.transcript, position[s.segment], order[s.code]))
    return found


def _segment_suggestions(
    segment: Segment, hits_by_code: dict[str, list[Hit]], codebook: Codebook, min_score: float
) -> list[Suggestion]:
    suggestions = {}
    for code_id, hits in hits_by_code.items():
        evidence = tuple(
            Evidence(segment.text[h.start : h.end], segment.start + h.start, segment.start + h.end, h.name)
            for h in sorted(hits, key=lambda h: (h.start, h.end, h.name))
        )
        suggestions[code_id] = Suggestion(segment.id, segment.transcript, code_id, score(hits), evidence)
    for code_id in list(suggestions):
        parent_id = codebook.by_id[code_id].parent
        if parent_id and codebook.by_id[parent_id].exclusive:
            rivals = [s for c, s in suggestions.items() if codebook.by_id[c].parent == parent_id]
            best = min(rivals, key=lambda s: (-s.score, [c.id for c in codebook.walk()].index(s.code)))
            if best.code != code_id:
                del suggestions[code_id]
    return [s for s in suggestions.values() if s.score >= min_score]
