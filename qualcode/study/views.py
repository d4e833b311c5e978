"""Row views of a loaded study for listing commands: segments, transcripts, cases."""

from __future__ import annotations

from collections import defaultdict

from qualcode.study.corpus import Corpus
from qualcode.errors import QualcodeError

SEGMENT_KEYS = ("id", "transcript", "case", "speaker", "start", "end", "text", "attributes")


def segment_rows(corpus: Corpus, transcript: str | None = None) -> list[dict]:
    """One dict per segment with exactly :data:`SEGMENT_KEYS` (the JSON contract)."""
    if transcript is not None:
        corpus.transcript(transcript)  # error with did-you-mean when unknown
        segments = corpus.segments_by_transcript[transcript]
    else:
        segments = corpus.segments
    rows = []
    for segment in segments:
        attributes = corpus.by_id[segment.transcript].attributes
        rows.append(
            {
                "id": segment.id,
                "transcript": segment.transcript,
                "case": corpus.case_of(segment.transcript),
                "speaker": segment.speaker,
                "start": segment.start,
                "end": segment.end,
                "text": segment.text,
                "attributes": dict(attributes),
            }
        )
    return rows


def transcript_rows(corpus: Corpus) -> list[dict]:
    """One dict per transcript: id, path, case, speakers, segment counts, words, attributes."""
    rows = []
    for transcript in corpus.transcripts:
        segments = corpus.segments_by_transcript[transcript.id]
        speakers = []
        for segment in segments:
            if segment.speaker and segment.speaker not in speakers:
                speakers.append(segment.speaker)
        rows.append(
            {
                "id": transcript.id,
                "path": transcript.display_path,
                "case": corpus.case_of(transcript.id),
                "speakers": speakers,
                "segments": len(segments),
                "coded_segments": sum(1 for s in segments if not s.skipped),
                "words": sum(len(s.text.split()) for s in segments),
                "attributes": dict(transcript.attributes),
            }
        )
    return rows


def case_rows(corpus: Corpus) -> list[dict]:
    """One dict per case (value of the case attribute): transcripts, participants, segments, words.

    ``segments`` counts segments of coded speakers only (interviewer turns excluded); ``words``
    counts every spoken word (speaker labels and front matter excluded).
    Transcripts without a case are grouped under ``None``.
    """
    groups: dict[str | None, list] = defaultdict(list)
    for transcript in corpus.transcripts:
        groups[corpus.case_of(transcript.id)].append(transcript)
    rows = []
    for case in sorted(groups, key=lambda c: (c is None, c or "")):
        transcripts = groups[case]
        participants = {t.attributes.get("participant", t.id) for t in transcripts}
        rows.append(
            {
                "case": case,
                "transcripts": len(transcripts),
                "participants": len(participants),
                "roles": sorted({t.attributes["role"] for t in transcripts if "role" in t.attributes}),
                "segments": sum(
                    1 for t in transcripts for s in corpus.segments_by_transcript[t.id] if not s.skipped
                ),
                "words": sum(
                    len(s.text.split()) for t in transcripts for s in corpus.segments_by_transcript[t.id]
                ),
            }
        )
    return rows


def require_transcripts(corpus: Corpus) -> None:
    if not corpus.transcripts:
        raise QualcodeError("the project has no transcripts yet; add .txt or .md files to the transcripts folder")
