"""Renaming and merging codes everywhere at once: codebook, every coder's codings, suggestions.

Everything is read and validated first (the codebook edit is computed before anything is
written, and every coder file must parse); then coder files are rewritten (each atomically,
under the store lock), then pending suggestions and review decisions, and the codebook last. If
the process dies in between, running the same command again finishes the job.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualcode.app.study import Study
from qualcode.codebook.edit import merged_text, renamed_text
from qualcode.coding.recode import recode_codings
from qualcode.common.storage import atomic_write


def _codebook_text(study: Study) -> str:
    study.codebook  # validates first: never edit a broken codebook  # noqa: B018
    return study.project.codebook_path.read_text(encoding="utf-8")


def _apply(study: Study, new_text: str, mapping: dict[str, str], action: str) -> int:
    changed = recode_codings(study.store, mapping, action)
    study.suggestion_store.recode(mapping)
    path = study.project.codebook_path
    atomic_write(path, new_text, study.display(path))
    return changed


def rename_code(study: Study, old: str, new: str) -> int:
    """Rename code ``old`` to ``new``; return the number of codings updated."""
    new_text = renamed_text(study.codebook, _codebook_text(study), old, new)
    return _apply(study, new_text, {old: new}, "rename")


def merge_codes(study: Study, sources: Sequence[str], into: str) -> int:
    """Merge ``sources`` into ``into``: rules, examples and children move, codings are recoded."""
    new_text = merged_text(study.codebook, _codebook_text(study), sources, into)
    return _apply(study, new_text, dict.fromkeys(sources, into), "merge")
