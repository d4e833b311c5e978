"""Hand-coding operations: add and remove codings, annotate segments, mark transcripts done.

Each function validates against the current corpus and codebook first (unknown codes get a
did-you-mean, unknown segments the transcript's nearest ids), then changes the coder's file in
one store transaction. That transaction also saves the new anchors of the coder's codings that
transcript edits moved (:func:`~qualcode.coding.resolve.reanchor_file`): a command that writes
the file anyway leaves it consistent. They return what changed; warnings go to ``warn``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qualcode.codebook.model import Codebook
from qualcode.coding.anchoring import anchor_for
from qualcode.coding.records import SOURCES, Coding, DoneMark, Note, now
from qualcode.coding.resolve import reanchor_file
from qualcode.coding.store import CodingStore
from qualcode.errors import InputError
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment

Warn = Callable[[str], None]


def _resolve_codes(codebook: Codebook, code_ids: Sequence[str]) -> list[str]:
    """Ids or paths (``collaborative_pl/coaching``) -> ids; an unknown one raises with did-you-mean."""
    return [codebook.resolve(code_id) for code_id in code_ids]


def _segment(corpus: Corpus, segment_id: str, warn: Warn | None) -> Segment:
    segment = corpus.segment(segment_id)
    if segment.skipped and warn is not None:
        warn(
            f"segment {segment_id} is spoken by '{segment.speaker}', one of speakers_to_skip; "
            "it is coded as asked but left out of suggestions and counts"
        )
    return segment


def add_codings(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    segment_id: str,
    code_ids: Sequence[str],
    coder: str,
    memo: str = "",
    source: str = "manual",
    warn: Warn | None = None,
) -> tuple[list[str], list[str]]:
    """Code a segment with code ids or paths; return ``(added, already present)`` code ids.
    Re-coding is a no-op."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    code_ids = _resolve_codes(codebook, code_ids)
    segment = _segment(corpus, segment_id, warn)
    anchor = anchor_for(segment, corpus.by_id[segment.transcript].text)
    added, present = [], []
    with store.transaction(coder) as current:
        reanchor_file(current, corpus)
        for code_id in dict.fromkeys(code_ids):
            if (segment.id, code_id) in current.codings:
                present.append(code_id)
                continue
            current.codings[(segment.id, code_id)] = Coding(
                segment.transcript, segment.id, code_id, current.coder or coder, source, now(), memo, anchor
            )
            current.record(
                "code", transcript=segment.transcript, segment=segment.id, code=code_id, source=source, memo=memo
            )
            added.append(code_id)
    return added, present


def remove_codings(
    store: CodingStore, corpus: Corpus, codebook: Codebook, segment_id: str, code_ids: Sequence[str], coder: str
) -> list[str]:
    """Remove codes from a segment; return the code ids actually removed.

    The segment may be gone from the transcripts (an orphan): removal only needs the stored id.
    """
    code_ids = _resolve_codes(codebook, code_ids)
    removed = []
    with store.transaction(coder) as current:
        reanchor_file(current, corpus)
        for code_id in code_ids:
            coding = current.codings.pop((segment_id, code_id), None)
            if coding is not None:
                current.record("uncode", transcript=coding.transcript, segment=segment_id, code=code_id)
                removed.append(code_id)
    if not removed and segment_id not in corpus.segment_index:
        corpus.segment(segment_id)  # raises: unknown segment, with nearest ids
    return removed


def annotate(store: CodingStore, corpus: Corpus, segment_id: str, text: str, coder: str) -> Note:
    """Attach a note to a segment (notes accumulate; each is kept with its time)."""
    if not text.strip():
        raise InputError(
            "the note is empty; give the text to attach, e.g. qualcode annotate SEGMENT 'why this matters'"
        )
    segment = corpus.segment(segment_id)
    anchor = anchor_for(segment, corpus.by_id[segment.transcript].text)
    with store.transaction(coder) as current:
        reanchor_file(current, corpus)
        note = Note(segment.transcript, segment.id, current.coder or coder, text.strip(), now(), anchor)
        current.notes.append(note)
        current.record("annotate", transcript=segment.transcript, segment=segment.id, text=note.text)
    return note


def remove_notes(store: CodingStore, corpus: Corpus, segment_id: str, coder: str, text: str | None = None) -> int:
    """Delete the coder's notes on a segment (only the one with ``text`` when given)."""
    removed = 0
    with store.transaction(coder) as current:
        reanchor_file(current, corpus)
        kept = []
        for note in current.notes:
            if note.segment == segment_id and (text is None or note.text == text.strip()):
                current.record("delete-note", transcript=note.transcript, segment=segment_id, text=note.text)
                removed += 1
            else:
                kept.append(note)
        current.notes = kept
    if not removed and segment_id not in corpus.segment_index:
        corpus.segment(segment_id)  # unknown segment: error with nearest ids
    return removed


def mark_done(
    store: CodingStore, corpus: Corpus, transcript_ids: Sequence[str], coder: str, undo: bool = False
) -> list[str]:
    """Mark transcripts fully coded by ``coder`` (or unmark with ``undo``); return those changed."""
    for transcript_id in transcript_ids:
        corpus.transcript(transcript_id)  # raises with did-you-mean
    changed = []
    with store.transaction(coder) as current:
        reanchor_file(current, corpus)
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
