"""Transcript -> segments with stable ids and character spans.

Segments never cross speaker turns. ``turn`` mode gives one segment per turn; ``paragraph``
one per blank-line-separated paragraph of a turn; ``sentence`` one per sentence of a paragraph
(spaCy's rule-based sentencizer, always: segment ids must not change when a project switches
its matching model).

Segment id = ``<transcript id>#<8 hex digits>``, the digits being a SHA-1 of the segment's
text with whitespace runs collapsed. The n-th repeat of the same text in a transcript gets a
``.n`` suffix (``#a1b2c3d4.2``). So an id depends only on its own text (and, for repeated
text, on how many identical segments come before it): editing, inserting or deleting a
paragraph leaves every other id unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from qualcode.study.transcripts import Transcript

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Segment:
    """A codable unit: ``transcript.text[start:end] == text``."""

    id: str
    transcript: str
    speaker: str | None
    start: int
    end: int
    text: str
    skipped: bool = False  # spoken by one of ``speakers_to_skip`` (e.g. the interviewer)
    index: int = 0  # position in its transcript


def segment_hash(text: str) -> str:
    """The 8-hex-digit content hash used in segment ids."""
    canonical = _SPACES.sub(" ", text).strip()
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:8]


def make_ids(transcript_id: str, texts: Iterable[str]) -> list[str]:
    """Stable ids for a transcript's segment texts, in order."""
    seen: Counter[str] = Counter()
    ids = []
    for text in texts:
        digest = segment_hash(text)
        seen[digest] += 1
        suffix = f".{seen[digest]}" if seen[digest] > 1 else ""
        ids.append(f"{transcript_id}#{digest}{suffix}")
    return ids


def paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Blank-line-separated paragraphs of ``text[start:end]``, stripped."""
    spans = []
    cursor = start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return start + lead, end - trail


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def segment_transcripts(
    transcripts: list[Transcript], mode: str, skip: frozenset[str] = frozenset()
) -> dict[str, list[Segment]]:
    """Segment every transcript; ``skip`` holds case-folded speaker labels to mark skipped."""
    # Collect (transcript, turn, span) units first so sentence mode can batch nlp.pipe.
    units: list[tuple[Transcript, str | None, int, int]] = []
    for transcript in transcripts:
        for turn in transcript.turns:
            if mode == "turn":
                units.append((transcript, turn.speaker, turn.start, turn.end))
            else:
                for a, b in paragraph_spans(transcript.text, turn.start, turn.end):
                    units.append((transcript, turn.speaker, a, b))
    if mode == "sentence":
        units = _sentences(units)
    result: dict[str, list[Segment]] = {t.id: [] for t in transcripts}
    by_transcript: dict[str, list[tuple[str | None, int, int]]] = {t.id: [] for t in transcripts}
    for transcript, speaker, a, b in units:
        by_transcript[transcript.id].append((speaker, a, b))
    for transcript in transcripts:
        spans = by_transcript[transcript.id]
        texts = [transcript.text[a:b] for _s, a, b in spans]
        ids = make_ids(transcript.id, texts)
        result[transcript.id] = [
            Segment(
                id=sid,
                transcript=transcript.id,
                speaker=speaker,
                start=a,
                end=b,
                text=text,
                skipped=speaker is not None and speaker.casefold() in skip,
                index=index,
            )
            for index, (sid, text, (speaker, a, b)) in enumerate(zip(ids, texts, spans))
        ]
    return result


def _sentences(units):
    nlp = _sentencizer()
    out = []
    texts = (t.text[a:b] for t, _s, a, b in units)
    for (transcript, speaker, a, _b), doc in zip(units, nlp.pipe(texts, batch_size=256)):
        for sent in doc.sents:
            s, e = _strip(transcript.text, a + sent.start_char, a + sent.end_char)
            if e > s:
                out.append((transcript, speaker, s, e))
    return out
