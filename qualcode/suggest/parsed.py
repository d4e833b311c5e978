"""Segments through the pipeline once: their rule hits, words, sentences and n-grams.

Everything the scores need from spaCy is taken here, in one ``nlp.pipe`` pass in batches,
so the rule score, a learned model and learning itself never parse a segment twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from spacy.language import Language

from qualcode.codebook.model import Codebook
from qualcode.study.segment import Segment
from qualcode.suggest.features import ngrams, rule_features, sentence_spans, theme_spans, word_count
from qualcode.suggest.matcher import Hit, RuleSet

#: texts per ``nlp.pipe`` batch
BATCH_SIZE = 256

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ParsedSegment:
    """One segment's evidence: the hits per code, its words and sentences, its n-grams."""

    segment: Segment
    hits: dict[str, list[Hit]]
    words: int
    sentences: tuple[tuple[int, int], ...]
    grams: dict[str, tuple[int, int]] | None = None

    def features(
        self,
        codebook: Codebook,
        codes: Sequence[str],
        factors: Mapping[tuple[str, str], float] | None = None,
    ) -> dict[str, float]:
        """Rule features of the evidence of ``codes`` (one code, or a code and its descendants)
        within their theme (see :func:`qualcode.suggest.features.rule_features`)."""
        if not self.hits:
            return rule_features((), (), self.words, self.sentences)
        own = set(codes)
        top_of = {c: codebook.top_level(c) for c in (*self.hits, *own)}
        themes = {top_of[c] for c in own}
        all_hits = [h for found in self.hits.values() for h in found]
        spans = theme_spans(all_hits, top_of)
        mine = [h for c in own for h in self.hits.get(c, ())]
        theme = [h for c, found in self.hits.items() if top_of[c] in themes for h in found]
        return rule_features(mine, theme, self.words, self.sentences, factors, max(spans.values(), default=0))


def parse_segments(
    segments: Sequence[Segment],
    nlp: Language,
    rules: RuleSet | None,
    grams: bool = False,
    progress: Progress | None = None,
) -> list[ParsedSegment]:
    """Parse ``segments`` once each; ``rules`` None matches nothing, ``grams`` keeps n-grams."""
    parsed = []
    docs = nlp.pipe((s.text for s in segments), batch_size=BATCH_SIZE, n_process=1)
    for done, (segment, doc) in enumerate(zip(segments, docs), start=1):
        hits = rules.match(doc) if rules is not None else {}
        parsed.append(
            ParsedSegment(segment, hits, word_count(doc), tuple(sentence_spans(doc)), ngrams(doc) if grams else None)
        )
        if progress is not None:
            progress(done, len(segments))
    return parsed
