"""Hand-coding operations: add and remove codings, annotate segments, mark transcripts done.

Each function validates against the current corpus and codebook first (unknown codes get a
did-you-mean, unknown segments the transcript's nearest ids), then changes the coder's file in
one store transaction. They return what changed; warnings go through ``project.warning``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualcode.coding.anchoring import anchor_for
from qualcode.coding.store import SOURCES, Coding, DoneMark, Note, now, store_for

if TYPE_CHECKING:
    from qualcode.study.project import Project


def _check_codes(project: "Project", code_ids: Sequence[str]) -> None:
    for code_id in code_ids:
        project.codebook.get(code_id)  # raises with did-you-mean


def _segment(project: "Project", segment_id: str):
    segment = project.corpus.segment(segment_id)
    if segment.skipped:
        project.warning(
            f"segment {segment_id} is spoken by '{segment.speaker}', one of speakers_to_skip; "
            "it is coded as asked but left out of suggestions and counts"
        )
    return segment


def add_codings(project: "Project", segment_id: str, code_ids: Sequence[str], coder: str, memo: str = "",
                source: str = "manual") -> tuple[list[str], list[str]]:
    """Code a segment; return ``(added, already present)`` code ids. Re-coding is a no-op."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    _check_codes(project, code_ids)
    segment = _segment(project, segment_id)
    anchor = anchor_for(segment, project.corpus.by_id[segment.transcript].text)
    added, present = [], []
    with store_for(project).transaction(coder) as current:
        for code_id in dict.fromkeys(code_ids):
            if (segment.id, code_id) in current.codings:
                present.append(code_id)
                continue
            current.codings[(segment.id, code_id)] = Coding(
                segment.transcript, segment.id, code_id, current.coder or coder, source, now(), memo, anchor
            )
            current.record("code", transcript=segment.transcript, segment=segment.id, code=code_id, source=source,
                           memo=memo)
            added.append(code_id)
    return added, present


def remove_codings(project: "Project", segment_id: str, code_ids: Sequence[str], coder: str) -> list[str]:
    """Remove codes from a segment; return the code ids actually removed.

    The segment may be gone from the transcripts (an orphan): removal only needs the stored id.
    """
    _check_codes(project, code_ids)
    removed = []
    with store_for(project).transaction(coder) as current:
        for code_id in code_ids:
            coding = current.codings.pop((segment_id, code_id), None)
            if coding is not None:
                current.record("uncode", transcript=coding.transcript, segment=segment_id, code=code_id)
                removed.append(code_id)
    if not removed and segment_id not in project.corpus.segment_index:
        project.corpus.segment(segment_id)  # raises: unknown segment, with nearest ids
    return removed


def annotate(project: "Project", segment_id: str, text: str, coder: str) -> Note:
    """Attach a note to a segment (notes accumulate; each is kept with its time)."""
    if not text.strip():
        from qualcode.errors import QualcodeError

        raise QualcodeError("the note is empty; give the text to attach, e.g. qualcode annotate SEGMENT 'why this matters'")
    segment = project.corpus.segment(segment_id)
    note = Note(segment.transcript, segment.id, coder, text.strip(), now(),
                anchor_for(segment, project.corpus.by_id[segment.transcript].text))
    with store_for(project).transaction(coder) as current:
        note = Note(note.transcript, note.segment, current.coder or coder, note.text, note.timestamp, note.anchor)
        current.notes.append(note)
        current.record("annotate", transcript=segment.transcript, segment=segment.id, text=note.text)
    return note


def remove_notes(project: "Project", segment_id: str, coder: str, text: str | None = None) -> int:
    """Delete the coder's notes on a segment (only the one with ``text`` when given)."""
    removed = 0
    with store_for(project).transaction(coder) as current:
        kept = []
        for note in current.notes:
            if note.segment == segment_id and (text is None or note.text == text.strip()):
                current.record("delete-note", transcript=note.transcript, segment=segment_id, text=note.text)
                removed += 1
            else:
                kept.append(note)
        current.notes = kept
    if not removed and segment_id not in project.corpus.segment_index:
        project.corpus.segment(segment_id)  # unknown segment: error with nearest ids
    return removed


def mark_done(project: "Project", transcript_ids: Sequence[str], coder: str, undo: bool = False) -> list[str]:
    """Mark transcripts fully coded by ``coder`` (or unmark with ``undo``); return those changed."""
    for transcript_id in transcript_ids:
        project.corpus.transcript(transcript_id)  # raises with did-you-mean
    changed = []
    with store_for(project).transaction(coder) as current:
        for transcript_id in transcript_ids:
            if undo:
                if current.done.pop(transcript_id, None) is not None:
                    current.record("undone", transcript=transcript_id)
                    changed.append(transcript_id)
            elif transcript_id not in current.done:
                current.done[transcript_id] = DoneMark(transcript_id, current.coder or coder, now())
                current.record("done", transcript=transcript_id)
                changed.append(transcript_id)
    return changed
