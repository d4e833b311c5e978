"""Deciding about orphaned codings: re-attach them to a segment, or delete them.

Orphans are codings whose text is gone from the transcripts (see :mod:`qualcode.coding.resolve`). They
stay in the store until the user runs one of these, so nothing is ever dropped silently.
"""

from __future__ import annotations

from dataclasses import replace

from qualcode.codebook.model import Codebook
from qualcode.coding.anchoring import anchor_for
from qualcode.coding.resolve import Orphan, load_codings
from qualcode.coding.store import CodingStore
from qualcode.errors import UnknownSegmentError
from qualcode.study.corpus import Corpus


def find_orphans(store: CodingStore, corpus: Corpus, codebook: Codebook, coder: str | None = None) -> list[Orphan]:
    """The orphaned codings of every coder (or of one)."""
    return load_codings(store, corpus, codebook, [coder] if coder else None).orphans


def _matching(orphans: list[Orphan], old_segment: str, code: str | None) -> list[Orphan]:
    chosen = [o for o in orphans if o.coding.segment == old_segment and (code is None or o.coding.code == code)]
    if not chosen:
        listing = ", ".join(sorted({o.coding.segment for o in orphans})) or "none"
        raise UnknownSegmentError(
            f"no orphaned coding on segment '{old_segment}'"
            + (f" with code '{code}'" if code else "")
            + f"; orphaned segments: {listing}"
        )
    return chosen


def reattach(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    old_segment: str,
    new_segment: str,
    coder: str | None = None,
    code: str | None = None,
) -> int:
    """Move the orphaned codings of ``old_segment`` onto ``new_segment``; return how many moved."""
    target = corpus.segment(new_segment)
    transcript_text = corpus.by_id[target.transcript].text
    chosen = _matching(find_orphans(store, corpus, codebook, coder), old_segment, code)
    moved = 0
    for owner in sorted({o.coding.coder for o in chosen}):
        with store.transaction(owner) as current:
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
    return moved


def delete(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    old_segment: str | None,
    coder: str | None = None,
    code: str | None = None,
) -> int:
    """Delete orphaned codings (of one segment, or all when ``old_segment`` is None)."""
    orphans = find_orphans(store, corpus, codebook, coder)
    chosen = orphans if old_segment is None else _matching(orphans, old_segment, code)
    if code is not None and old_segment is None:
        chosen = [o for o in chosen if o.coding.code == code]
    deleted = 0
    for owner in sorted({o.coding.coder for o in chosen}):
        with store.transaction(owner) as current:
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
    return deleted
