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
from typing import Any

from qualcode.study.transcripts import Transcript
from qualcode.study.turns import Turn

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
    time_start: float | None = None  # seconds, when the transcript gives the turn's time
    time_end: float | None = None


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


@lru_cache(maxsize=8)
def _sentencizer(language: str = "en") -> Any:
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


#: A piece of a turn to segment: (transcript, turn, start, end).
_Unit = tuple[Transcript, Turn, int, int]


def segment_transcripts(
    transcripts: list[Transcript], mode: str, skip: frozenset[str] = frozenset(), language: str = "en"
) -> dict[str, list[Segment]]:
    """Segment every transcript; ``skip`` holds case-folded speaker names to mark skipped.

    ``language`` picks spaCy's rule-based sentencizer for ``sentence`` mode.
    """
    # Collect (transcript, turn, span) units first so sentence mode can batch nlp.pipe.
    units: list[_Unit] = []
    for transcript in transcripts:
        for turn in transcript.turns:
            if mode == "turn":
                units.append((transcript, turn, turn.start, turn.end))
            else:
                for a, b in paragraph_spans(transcript.text, turn.start, turn.end):
                    units.append((transcript, turn, a, b))
    if mode == "sentence":
        units = _sentences(units, language)
    result: dict[str, list[Segment]] = {t.id: [] for t in transcripts}
    by_transcript: dict[str, list[tuple[Turn, int, int]]] = {t.id: [] for t in transcripts}
    for transcript, turn, a, b in units:
        by_transcript[transcript.id].append((turn, a, b))
    for transcript in transcripts:
        spans = by_transcript[transcript.id]
        texts = [transcript.text[a:b] for _turn, a, b in spans]
        ids = make_ids(transcript.id, texts)
        result[transcript.id] = [
            Segment(
                id=sid,
                transcript=transcript.id,
                speaker=turn.speaker,
                start=a,
                end=b,
                text=text,
                skipped=turn.speaker is not None and turn.speaker.casefold() in skip,
                index=index,
                time_start=turn.time_start,
                time_end=turn.time_end,
            )
            for index, (sid, text, (turn, a, b)) in enumerate(zip(ids, texts, spans))
        ]
    return result


def _sentences(units: list[_Unit], language: str) -> list[_Unit]:
    nlp = _sentencizer(language)
    out = []
    texts = (t.text[a:b] for t, _turn, a, b in units)
    for (transcript, turn, a, _b), doc in zip(units, nlp.pipe(texts, batch_size=256)):
        for sent in doc.sents:
            s, e = _strip(transcript.text, a + sent.start_char, a + sent.end_char)
            if e > s:
                out.append((transcript, turn, s, e))
    return out
