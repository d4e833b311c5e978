"""``qualcode check``: one pass over everything that can go wrong in a project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcode.codebook.model import validate_codebook
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.study.project import Project


@dataclass
class Finding:
    level: str  # "error" or "warning"
    message: str


def check_project(project: "Project") -> tuple[list[Finding], dict]:
    """Every problem found, and a summary of what was checked."""
    from qualcode.coding.store import load_codings

    findings: list[Finding] = []
    summary: dict = {}
    _, problems = validate_codebook(project.codebook_path, project.display(project.codebook_path))
    findings += [Finding("error", str(p)) for p in problems]
    try:
        corpus = project.corpus
        summary["transcripts"] = len(corpus.transcripts)
        summary["segments"] = len(corpus.segments)
    except QualcodeError as exc:
        findings += [Finding("error", line) for line in str(exc).splitlines()]
        return findings, summary
    if problems:
        return findings, summary
    try:
        codings = load_codings(project, persist=False)
    except QualcodeError as exc:
        findings += [Finding("error", line) for line in str(exc).splitlines()]
        return findings, summary
    summary["coders"] = len(codings.coders)
    summary["codings"] = len(codings.codings)
    for orphan in codings.orphans:
        c = orphan.coding
        findings.append(Finding("error", f"orphaned coding: {c.coder} coded '{c.code}' on {c.segment} — {orphan.reason}; "
                                         f"quote: \"{_short(c.anchor.quote)}\" (see `qualcode orphans`)"))
    for coding in codings.unknown_codes:
        findings.append(Finding("error", f"{coding.coder} coded {coding.segment} with '{coding.code}', "
                                         "which is not in the codebook"))
    for old, new, score in codings.reanchored:
        findings.append(Finding("warning", f"{old.coder}'s '{old.code}' coding moved from {old.segment} to {new.segment} "
                                           f"(match {score:.0f}/100) after a transcript edit"))
    skipped = [c for c in codings.codings if corpus.segment_index[c.segment].skipped]
    for coding in skipped:
        segment = corpus.segment_index[coding.segment]
        findings.append(Finding("warning", f"{coding.coder} coded {coding.segment}, spoken by '{segment.speaker}' "
                                           "(speakers_to_skip); it is not counted"))
    return findings, summary


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
