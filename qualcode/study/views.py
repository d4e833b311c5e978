"""Row views of a loaded study for listing commands: segments, transcripts, cases.

Counts follow :mod:`qualcode.study.attributes` (segments of coded speakers, words spoken by
anyone, participants among the coded speakers), the same rules the matrix and the report use.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from qualcode.study.corpus import Corpus
from qualcode.study.ordering import natural_key
from qualcode.study.transcripts import Transcript

SEGMENT_KEYS = ("id", "transcript", "case", "speaker", "start", "end", "time_start", "time_end", "text", "attributes")
TRANSCRIPT_KEYS = (
    "id",
    "path",
    "case",
    "speakers",
    "segments",
    "skipped_segments",
    "coded_segments",
    "words",
    "attributes",
)
CASE_KEYS = ("case", "transcripts", "participants", "roles", "segments", "words")
#: What the segment counts are called wherever a person reads them (tables, `check`).
SEGMENT_LABELS = {"segments": "interviewee segments", "skipped_segments": "interviewer segments"}


def segment_rows(corpus: Corpus, transcript: str | None = None) -> list[dict[str, Any]]:
    """One dict per segment with exactly :data:`SEGMENT_KEYS` (the JSON contract)."""
    segments = corpus.segments_by_transcript[corpus.transcript(transcript).id] if transcript else corpus.segments
    return [
        {
            "id": segment.id,
            "transcript": segment.transcript,
            "case": corpus.case_of(segment.transcript),
            "speaker": segment.speaker,
            "start": segment.start,
            "end": segment.end,
            "time_start": segment.time_start,
            "time_end": segment.time_end,
            "text": segment.text,
            "attributes": dict(corpus.by_id[segment.transcript].attributes),
        }
        for segment in segments
    ]


def transcript_rows(corpus: Corpus) -> list[dict[str, Any]]:
    """One dict per transcript with :data:`TRANSCRIPT_KEYS`.

    ``segments`` counts the coded speakers' segments (as ``cases`` and the matrix do);
    ``skipped_segments`` the turns of ``speakers_to_skip``; ``coded_segments`` equals
    ``segments`` (kept for scripts written against qualcode 0.1).
    """
    rows = []
    for transcript in corpus.transcripts:
        segments = corpus.segments_by_transcript[transcript.id]
        counted = len(corpus.coded_segments([transcript.id]))
        rows.append(
            {
                "id": transcript.id,
                "path": transcript.display_path,
                "case": corpus.case_of(transcript.id),
                "speakers": list(dict.fromkeys(s.speaker for s in segments if s.speaker)),
                "segments": counted,
                "skipped_segments": len(segments) - counted,
                "coded_segments": counted,
                "words": corpus.word_count([transcript.id]),
                "attributes": dict(transcript.attributes),
            }
        )
    return rows


def case_rows(corpus: Corpus) -> list[dict[str, Any]]:
    """One dict per case (value of the case attribute) with :data:`CASE_KEYS`.

    Transcripts without a case are grouped under ``None``.
    """
    groups: dict[str | None, list[Transcript]] = defaultdict(list)
    for transcript in corpus.transcripts:
        groups[corpus.case_of(transcript.id)].append(transcript)
    rows = []
    for case in sorted(groups, key=lambda c: (c is None, natural_key(c or ""))):  # P2 before P10
        transcripts = groups[case]
        ids = [t.id for t in transcripts]
        rows.append(
            {
                "case": case,
                "transcripts": len(transcripts),
                "participants": len(corpus.participants(ids)),
                "roles": sorted({t.attributes["role"] for t in transcripts if "role" in t.attributes}),
                "segments": len(corpus.coded_segments(ids)),
                "words": corpus.word_count(ids),
                "attributes": {name: corpus.case_table.value(case, name) for name in corpus.case_table.attributes},
            }
        )
    return rows
