"""Replacing code ids in every coder's file (the codings half of a codebook rename or merge)."""

from __future__ import annotations

from collections.abc import Mapping

from qualcode.coding.records import Coding
from qualcode.coding.store import CodingStore


def recode_codings(store: CodingStore, mapping: Mapping[str, str], action: str) -> int:
    """Replace code ids (old -> new) in every coder's file; return how many codings changed.

    A segment coded with both an old and a new id keeps one coding, the earlier. Every file is
    read (and must parse) before any is rewritten; each rewrite is one store transaction.
    """
    changed = 0
    files = store.read_all()  # refuse to start when any file is unreadable
    for coder_file in files:
        if not any(c.code in mapping for c in coder_file.codings.values()):
            continue
        with store.transaction(coder_file.coder) as current:
            for key, coding in sorted(current.codings.items()):
                new_code = mapping.get(coding.code)
                if new_code is None:
                    continue
                del current.codings[key]
                new_key = (coding.segment, new_code)
                existing = current.codings.get(new_key)
                if existing is None or coding.timestamp < existing.timestamp:
                    current.codings[new_key] = Coding(
                        coding.transcript,
                        coding.segment,
                        new_code,
                        coding.coder,
                        coding.source,
                        coding.timestamp,
                        coding.memo,
                        coding.anchor,
                    )
                current.record(
                    action, transcript=coding.transcript, segment=coding.segment, old_code=coding.code, code=new_code
                )
                changed += 1
    return changed
