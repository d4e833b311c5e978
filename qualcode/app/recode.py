"""Renaming and merging codes everywhere at once: codebook, every coder's codings, suggestions,
memos, summaries.

Everything is read and validated first (the codebook edit is computed before anything is
written, and every coder file must parse); then coder files are rewritten (each atomically,
under the store lock), then pending suggestions and review decisions, then the ``codes:`` of
memos' front matter, then summary files (every one involved parsed before anything is written),
and the codebook last. If the process dies in between, running the same
command again finishes the job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qualcode.app.study import Study
from qualcode.codebook.edit import merged_text, renamed_text
from qualcode.coding.memos import recode_memos
from qualcode.coding.recode import recode_codings
from qualcode.common.storage import atomic_write
from qualcode.synthesis.summaries import SummaryMove, plan_recode, recode_summaries


@dataclass
class Recoded:
    """What a rename or merge changed besides the codebook."""

    codings: int
    memos: list[str] = field(default_factory=list)  # the memos whose codes: changed, as displayed
    summaries: list[SummaryMove] = field(default_factory=list)  # summary files moved or merged


def _codebook_text(study: Study) -> str:
    study.codebook  # validates first: never edit a broken codebook  # noqa: B018
    return study.project.codebook_path.read_text(encoding="utf-8")


def _apply(study: Study, new_text: str, mapping: dict[str, str], action: str) -> Recoded:
    plan = plan_recode(study.project.summaries_dir, study.display, mapping)
    changed = recode_codings(study.store, mapping, action)
    study.suggestion_store.recode(mapping)
    memos = recode_memos(study.project.memos_dir, mapping, study.display, study.warning)
    moves = recode_summaries(plan, study.display, mapping)
    path = study.project.codebook_path
    atomic_write(path, new_text, study.display(path))
    return Recoded(changed, [study.display(m) for m in memos], moves)


def rename_code(study: Study, old: str, new: str) -> Recoded:
    """Rename code ``old`` to ``new``; return the codings and memos updated."""
    new_text = renamed_text(study.codebook, _codebook_text(study), old, new)
    return _apply(study, new_text, {old: new}, "rename")


def merge_codes(study: Study, sources: Sequence[str], into: str) -> Recoded:
    """Merge ``sources`` into ``into``: rules, examples and children move, codings are recoded."""
    new_text = merged_text(study.codebook, _codebook_text(study), sources, into)
    return _apply(study, new_text, dict.fromkeys(sources, into), "merge")
