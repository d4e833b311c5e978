"""Deciding about orphaned codings and notes: re-attach them to a segment, or delete them.

Orphans are codings (and notes) whose text is gone from the transcripts (see
:mod:`qualcode.coding.resolve`). They stay in the store until the user runs one of these, so
nothing is ever dropped silently. ``code`` narrows a decision to codings of that code (notes
have no code, so they are left alone then).
"""

from __future__ import annotations

from dataclasses import replace

from qualcode.codebook.model import Codebook
from qualcode.coding.anchoring import anchor_for
from qualcode.coding.records import Note
from qualcode.coding.resolve import CodingSet, NoteOrphan, Orphan, load_codings
from qualcode.coding.store import CoderFile, CodingStore
from qualcode.errors import UnknownSegmentError
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment


def find_orphans(store: CodingStore, corpus: Corpus, codebook: Codebook, coder: str | None = None) -> list[Orphan]:
    """The orphaned codings of every coder (or of one)."""
    return load_codings(store, corpus, codebook, [coder] if coder else None).orphans


def find_all_orphans(
    store: CodingStore, corpus: Corpus, codebook: Codebook, coder: str | None = None
) -> tuple[list[Orphan], list[NoteOrphan]]:
    """The orphaned codings and the orphaned notes of every coder (or of one)."""
    found: CodingSet = load_codings(store, corpus, codebook, [coder] if coder else None)
    return found.orphans, found.orphaned_notes


def _matching(
    found: tuple[list[Orphan], list[NoteOrphan]], old_segment: str, code: str | None
) -> tuple[list[Orphan], list[NoteOrphan]]:
    orphans, notes = found
    chosen = [o for o in orphans if o.coding.segment == old_segment and (code is None or o.coding.code == code)]
    chosen_notes = [n for n in notes if n.note.segment == old_segment and code is None]
    if not chosen and not chosen_notes:
        listing = ", ".join(sorted({o.coding.segment for o in orphans} | {n.note.segment for n in notes})) or "none"
        raise UnknownSegmentError(
            f"no orphaned coding or note on segment '{old_segment}'"
            + (f" with code '{code}'" if code else "")
            + f"; orphaned segments: {listing}"
        )
    return chosen, chosen_notes


def reattach(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    old_segment: str,
    new_segment: str,
    coder: str | None = None,
    code: str | None = None,
) -> tuple[int, int]:
    """Move the orphaned codings (and notes) of ``old_segment`` onto ``new_segment``; return how
    many codings and how many notes moved."""
    target = corpus.segment(new_segment)
    transcript_text = corpus.by_id[target.transcript].text
    chosen, chosen_notes = _matching(find_all_orphans(store, corpus, codebook, coder), old_segment, code)
    moved = notes_moved = 0
    for owner in sorted({o.coding.coder for o in chosen} | {n.note.coder for n in chosen_notes}):
        with store.transaction(owner) as current:
            notes_moved += _reattach_notes(
                current, [n.note for n in chosen_notes if n.note.coder == owner], target, transcript_text
            )
            for orphan in chosen:
                if orphan.coding.coder != owner:
                    continue
                stored = current.codings.pop(orphan.coding.key, None)
                if stored is None:
                    continue
                new_key = (target.id, stored.code)
                if new_key not in current.codings:
                    current.codings[new_key] = replace(
                        stored,
                        transcript=target.transcript,
                        segment=target.id,
                        anchor=anchor_for(target, transcript_text),
                    )
                current.record(
                    "reattach",
                    transcript=target.transcript,
                    segment=target.id,
                    old_segment=old_segment,
                    code=stored.code,
                )
                moved += 1
    return moved, notes_moved


def _reattach_notes(current: CoderFile, notes: list[Note], target: Segment, transcript_text: str) -> int:
    keys = {(n.segment, n.text, n.timestamp) for n in notes}
    moved = 0
    kept = []
    for note in current.notes:
        if (note.segment, note.text, note.timestamp) in keys:
            old_segment = note.segment
            note = replace(
                note, transcript=target.transcript, segment=target.id, anchor=anchor_for(target, transcript_text)
            )
            current.record(
                "reattach", transcript=target.transcript, segment=target.id, old_segment=old_segment, note=note.text
            )
            moved += 1
        kept.append(note)
    current.notes = kept
    return moved


def delete(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    old_segment: str | None,
    coder: str | None = None,
    code: str | None = None,
) -> tuple[int, int]:
    """Delete orphaned codings and notes (of one segment, or all when ``old_segment`` is None);
    return how many codings and how many notes were deleted."""
    found = find_all_orphans(store, corpus, codebook, coder)
    chosen, chosen_notes = found if old_segment is None else _matching(found, old_segment, code)
    if code is not None and old_segment is None:
        chosen = [o for o in chosen if o.coding.code == code]
        chosen_notes = []
    deleted = notes_deleted = 0
    for owner in sorted({o.coding.coder for o in chosen} | {n.note.coder for n in chosen_notes}):
        with store.transaction(owner) as current:
            notes_deleted += _delete_notes(current, [n.note for n in chosen_notes if n.note.coder == owner])
            for orphan in chosen:
                if orphan.coding.coder == owner and current.codings.pop(orphan.coding.key, None) is not None:
                    current.record(
                        "delete-orphan",
                        transcript=orphan.coding.transcript,
                        segment=orphan.coding.segment,
                        code=orphan.coding.code,
                        quote=orphan.coding.anchor.quote,
                    )
                    deleted += 1
    return deleted, notes_deleted


def _delete_notes(current: CoderFile, notes: list[Note]) -> int:
    keys = {(n.segment, n.text, n.timestamp) for n in notes}
    kept = []
    for note in current.notes:
        if (note.segment, note.text, note.timestamp) in keys:
            current.record("delete-orphan", transcript=note.transcript, segment=note.segment, note=note.text)
        else:
            kept.append(note)
    deleted = len(current.notes) - len(kept)
    current.notes = kept
    return deleted
