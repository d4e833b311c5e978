"""Segments through the pipeline once: their rule hits, words, sentences and n-grams.

Everything the scores need from spaCy is taken here, in one ``nlp.pipe`` pass in batches,
so the rule score, a learned model and learning itself never parse a segment twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from qualcode.codebook.model import Codebook
from qualcode.study.segment import Segment
from qualcode.suggest.cache import ParseCache, text_key
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
    cache: ParseCache | None = None,
) -> list[ParsedSegment]:
    """Parse ``segments`` once each; ``rules`` None matches nothing, ``grams`` keeps n-grams.

    With a ``cache`` (and the complete rule set), a segment whose text was parsed before is
    read back from it instead, and newly parsed ones are added (the caller saves the cache).
    """
    usable = cache if cache is not None and rules is not None and rules.complete else None
    found: dict[int, ParsedSegment] = {}
    todo: list[int] = []
    for position, segment in enumerate(segments):
        record = usable.get(text_key(segment.text)) if usable is not None else None
        item = _from_record(segment, record, rules, grams) if record is not None and rules is not None else None
        if item is None:
            todo.append(position)
        else:
            found[position] = item
    done = len(found)
    if progress is not None and done:
        progress(done, len(segments))
    docs = nlp.pipe((segments[i].text for i in todo), batch_size=BATCH_SIZE, n_process=1)
    for position, doc in zip(todo, docs):
        segment = segments[position]
        hits = rules.match(doc) if rules is not None else {}
        item = ParsedSegment(segment, hits, word_count(doc), tuple(sentence_spans(doc)), ngrams(doc) if grams else None)
        found[position] = item
        if usable is not None:
            usable.put(text_key(segment.text), _to_record(item))
        done += 1
        if progress is not None:
            progress(done, len(segments))
    return [found[i] for i in range(len(segments))]


def _to_record(item: ParsedSegment) -> dict[str, Any]:
    return {
        "h": [[code, h.rule.name, h.name, h.weight, h.start, h.end] for code, hits in item.hits.items() for h in hits],
        "w": item.words,
        "s": [list(span) for span in item.sentences],
        "g": {k: list(v) for k, v in item.grams.items()} if item.grams is not None else None,
    }


def _from_record(segment: Segment, record: dict[str, Any], rules: RuleSet, grams: bool) -> ParsedSegment | None:
    """A cached segment, or None when the record does not fit (then it is parsed again)."""
    try:
        if grams and record.get("g") is None:
            return None
        hits: dict[str, list[Hit]] = {}
        for code, rule_name, name, weight, start, end in record["h"]:
            rule = rules.rule(code, rule_name)
            if rule is None:
                return None
            hits.setdefault(code, []).append(Hit(rule, name, float(weight), int(start), int(end)))
        sentences = tuple((int(a), int(b)) for a, b in record["s"])
        kept = {k: (int(v[0]), int(v[1])) for k, v in record["g"].items()} if grams else None
        return ParsedSegment(segment, hits, int(record["w"]), sentences, kept)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
