"""Stored codings resolved against the current transcripts and codebook, in memory.

:func:`load_codings` reads coders' files and matches every coding to today's segments:
unchanged segments keep their codings, edited ones are re-anchored (see
:mod:`qualcode.coding.anchoring`), and codings whose text is gone are *orphans*, kept until the
user decides. Nothing is written: a listing, a matrix or a report never leaves a diff. The new
anchors are saved only by commands that write a coder's file anyway (they call
:func:`reanchor_file` inside their transaction) or explicitly by ``qualcode reanchor``
(:func:`save_reanchored`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from qualcode.codebook.model import Codebook
from qualcode.coding import filecache
from qualcode.coding.anchoring import anchor_for, reanchor
from qualcode.coding.records import Coding, Note, coder_slug
from qualcode.coding.store import CoderFile, CodingStore
from qualcode.common.didyoumean import hint
from qualcode.errors import UnknownCoderError
from qualcode.study.corpus import Corpus

Warn = Callable[[str], None]
#: A re-anchored coding: (as stored, as resolved, match score 0-100).
Move = tuple[Coding, Coding, float]
#: A re-anchored note: (as stored, as resolved, match score 0-100).
NoteMove = tuple[Note, Note, float]


@dataclass
class Orphan:
    """A stored coding whose text can no longer be found."""

    coding: Coding
    reason: str


@dataclass
class NoteOrphan:
    """A stored note whose segment's text can no longer be found."""

    note: Note
    reason: str


class Reanchored(list[Move]):
    """What :func:`save_reanchored` wrote: the list of moved codings (as it always was), and the
    moved notes in ``.notes``."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[NoteMove] = []

    @property
    def codings(self) -> list[Move]:
        return list(self)


@dataclass
class CodingSet:
    """Codings resolved against the current corpus and codebook."""

    codings: list[Coding]
    orphans: list[Orphan] = field(default_factory=list)
    reanchored: list[Move] = field(default_factory=list)
    unknown_codes: list[Coding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    done: dict[str, set[str]] = field(default_factory=dict)  # coder -> transcript ids
    coders: list[str] = field(default_factory=list)
    #: coder files with no codings and no done marks: not counted as coders (see load_codings)
    empty_coders: list[str] = field(default_factory=list)
    orphaned_notes: list[NoteOrphan] = field(default_factory=list)
    moved_notes: list[NoteMove] = field(default_factory=list)

    def for_coders(self, coders: Iterable[str]) -> list[Coding]:
        wanted = set(coders)
        return [c for c in self.codings if c.coder in wanted]

    def covered(self, coder: str) -> set[str]:
        """Transcripts the coder marked done or coded at least once."""
        return set(self.done.get(coder, ())) | {c.transcript for c in self.codings if c.coder == coder}

    def blind(self, coders: Sequence[str]) -> CodingSet:
        """What coders coding blind may see: only their own codings and notes (everything when
        no coder is named). A coder who has not coded yet sees nothing, which is not an error."""
        return self.restricted(coders) if coders else self

    def restricted(self, coders: Sequence[str]) -> CodingSet:
        """The same resolution, for some of its coders only."""
        wanted = {coder_slug(c) for c in coders}
        keep = [c for c in self.coders if coder_slug(c) in wanted]

        def mine(coder: str) -> bool:
            return coder_slug(coder) in wanted

        return CodingSet(
            codings=[c for c in self.codings if mine(c.coder)],
            orphans=[o for o in self.orphans if mine(o.coding.coder)],
            reanchored=[m for m in self.reanchored if mine(m[0].coder)],
            unknown_codes=[c for c in self.unknown_codes if mine(c.coder)],
            notes=[n for n in self.notes if mine(n.coder)],
            done={c: set(t) for c, t in self.done.items() if mine(c)},
            coders=keep,
            orphaned_notes=[o for o in self.orphaned_notes if mine(o.note.coder)],
            moved_notes=[m for m in self.moved_notes if mine(m[0].coder)],
        )


def resolve_file(coder_file: CoderFile, corpus: Corpus, codebook: Codebook | None) -> CodingSet:
    """Resolve one coder's stored records against the corpus; never changes ``coder_file``."""
    result = CodingSet(codings=[], coders=[coder_file.coder], done={coder_file.coder: set(coder_file.done)})
    _resolve_notes(coder_file.notes, corpus, result)
    placed: dict[tuple[str, str], Coding] = {}
    segments, transcripts = corpus.segment_index, corpus.by_id
    for coding in coder_file.codings.values():
        # (the common case inline: 100,000 codings, nearly all on unchanged segments)
        known = coding.segment in segments and coding.transcript in transcripts
        followed = (coding, None) if known else _follow(coding, corpus)
        if isinstance(followed, str):
            result.orphans.append(Orphan(coding, followed))
            continue
        resolved, score = followed
        if score is not None:
            result.reanchored.append((coding, resolved, score))
        if codebook is not None and resolved.code not in codebook:
            result.unknown_codes.append(resolved)
            continue
        earlier = placed.get(resolved.key)
        if earlier is not None and resolved.timestamp >= earlier.timestamp:
            continue  # two old segments re-anchored onto one: keep the earlier coding
        placed[resolved.key] = resolved
    result.codings = sorted(placed.values(), key=lambda c: (c.transcript, c.segment, c.code))
    return result


def _resolve_notes(notes: Iterable[Note], corpus: Corpus, result: CodingSet) -> None:
    """Notes follow their segment exactly as codings do: kept, re-anchored, or orphaned."""
    for note in notes:
        followed = _follow(note, corpus)
        if isinstance(followed, str):
            result.orphaned_notes.append(NoteOrphan(note, followed))
            continue
        moved, score = followed
        result.notes.append(moved)
        if score is not None:
            result.moved_notes.append((note, moved, score))


_Record = TypeVar("_Record", Coding, Note)


def _follow(record: _Record, corpus: Corpus) -> tuple[_Record, float | None] | str:
    """Where a stored coding or note is in today's transcripts: ``(record, None)`` where its
    segment still exists, ``(moved record, score)`` re-anchored after an edit, or the reason
    it is orphaned."""
    if record.transcript not in corpus.by_id:
        return f"transcript '{record.transcript}' is gone"
    if record.segment in corpus.segment_index:
        return record, None
    transcript = corpus.by_id[record.transcript]
    found = reanchor(record.anchor, corpus.segments_by_transcript[record.transcript], transcript.text)
    if found is None:
        return "its text was edited or deleted beyond recognition"
    segment, score = found
    return replace(record, segment=segment.id, anchor=anchor_for(segment, transcript.text)), score


def select_files(
    store: CodingStore, coders: Iterable[str] | None = None, transcripts: Collection[str] | None = None
) -> list[CoderFile]:
    """Every coder's file, or the named coders' (an unknown name gets a did-you-mean); with
    ``transcripts``, only their records."""
    files = filecache.read_all(store, transcripts)
    if coders is None:
        return files
    known = {coder_slug(f.coder): f for f in files}
    chosen = []
    for name in coders:
        if coder_slug(name) not in known:
            names = [f.coder for f in files]
            raise UnknownCoderError(
                f"no codings by coder '{name}'{hint(name, names)}; "
                f"coders in this project: {', '.join(names) or 'none yet'}"
            )
        chosen.append(known[coder_slug(name)])
    return list({id(f): f for f in chosen}.values())


def load_codings(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook | None,
    coders: Iterable[str] | None = None,
    warn: Warn | None = None,
    warn_orphans: bool = True,
    transcripts: Collection[str] | None = None,
) -> CodingSet:
    """All (or the named) coders' codings, resolved against the current transcripts.

    Without ``coders``, a coder file with no codings and no done marks is left out of
    ``coders`` (and listed in ``empty_coders``); its notes are kept. With ``transcripts``, only
    the records of those transcripts are read (every coder with a file stays a coder).

    Re-anchored codings, orphans (unless ``warn_orphans`` is False: the orphan commands list
    them anyway) and codings of unknown codes are reported through ``warn``; the store is left
    exactly as it was.
    """
    merged = CodingSet(codings=[])
    for coder_file in select_files(store, coders, transcripts):
        resolved = resolve_file(coder_file, corpus, codebook)
        if coders is None and transcripts is None and not coder_file.codings and not coder_file.done:
            # An emptied (or only annotated) file is not a coder: agreement, the matrix and the
            # report would otherwise compare or count someone who coded nothing.
            merged.empty_coders.append(coder_file.coder)
            resolved.coders = []
        merged.codings += resolved.codings
        merged.orphans += resolved.orphans
        merged.reanchored += resolved.reanchored
        merged.unknown_codes += resolved.unknown_codes
        merged.notes += resolved.notes
        merged.done.update(resolved.done)
        merged.coders += resolved.coders
        merged.orphaned_notes += resolved.orphaned_notes
        merged.moved_notes += resolved.moved_notes
    if warn is not None:
        _report(merged, warn, warn_orphans)
    return merged


def _report(found: CodingSet, warn: Warn, warn_orphans: bool) -> None:
    if found.reanchored:
        warn(
            f"{len(found.reanchored)} coding(s) moved to the edited text of their segment after transcript edits "
            "(resolved in memory; `qualcode reanchor` saves the new anchors)"
        )
    if found.moved_notes:
        warn(
            f"{len(found.moved_notes)} note(s) moved to the edited text of their segment after transcript edits "
            "(resolved in memory; `qualcode reanchor` saves the new anchors)"
        )
    if found.orphans and warn_orphans:
        warn(
            f"{len(found.orphans)} orphaned coding(s): their text is no longer in the transcripts. "
            "They are kept; review them with `qualcode orphans`"
        )
    if found.orphaned_notes and warn_orphans:
        warn(
            f"{len(found.orphaned_notes)} orphaned note(s): their segment's text is no longer in the transcripts. "
            "They are kept; review them with `qualcode orphans`"
        )
    if found.unknown_codes:
        codes = sorted({c.code for c in found.unknown_codes})
        warn(
            f"{len(found.unknown_codes)} coding(s) use codes missing from the codebook ({', '.join(codes)}); "
            "add the codes back or use `qualcode codebook rename/merge`"
        )


def reanchor_file(current: CoderFile, corpus: Corpus) -> list[Move]:
    """Move a coder's re-anchorable codings and notes onto their current segments, inside a
    transaction.

    Changes ``current`` and queues a ``reanchor`` audit entry per moved coding or note (notes
    with ``note`` set to their text); orphans and codings of unknown codes stay as they are.
    Returns the moved codings.
    """
    resolved = resolve_file(current, corpus, None)
    _move_notes(current, resolved.moved_notes)
    moves = resolved.reanchored
    for old, new, score in moves:
        stored = current.codings.get(old.key)
        if stored is None:
            continue
        del current.codings[old.key]
        if new.key not in current.codings:
            current.codings[new.key] = replace(stored, segment=new.segment, anchor=new.anchor)
        current.record(
            "reanchor",
            transcript=old.transcript,
            segment=new.segment,
            old_segment=old.segment,
            code=old.code,
            score=round(score, 1),
        )
    return moves


def _move_notes(current: CoderFile, moves: Sequence[NoteMove]) -> None:
    moved = {id(old): new for old, new, _ in moves}
    current.notes = [moved.get(id(note), note) for note in current.notes]
    for old, new, score in moves:
        current.record(
            "reanchor",
            transcript=old.transcript,
            segment=new.segment,
            old_segment=old.segment,
            note=old.text,
            score=round(score, 1),
        )


def save_reanchored(store: CodingStore, corpus: Corpus, coders: Iterable[str] | None = None) -> Reanchored:
    """Write the new anchors of every (or the named) coder's re-anchored codings and notes."""
    saved = Reanchored()
    for coder_file in select_files(store, coders):
        found = resolve_file(coder_file, corpus, None)
        if not (found.reanchored or found.moved_notes):
            continue
        with store.transaction(coder_file.coder) as current:
            saved.notes += resolve_file(current, corpus, None).moved_notes
            saved += reanchor_file(current, corpus)
    return saved
