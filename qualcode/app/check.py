"""``qualcode check``: one pass over everything that can go wrong in a project (nothing is written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qualcode.app.study import Study
from qualcode.codebook.parse import validate_codebook
from qualcode.errors import QualcodeError


@dataclass
class Finding:
    level: str  # "error" or "warning"
    message: str


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_project(study: Study) -> tuple[list[Finding], dict[str, Any]]:
    """Every problem found, and a summary of what was checked."""
    findings: list[Finding] = []
    summary: dict[str, Any] = {}
    path = study.project.codebook_path
    _, problems = validate_codebook(path, study.display(path))
    findings += [Finding("error", str(p)) for p in problems]
    try:
        corpus = study.readable_corpus
    except QualcodeError as exc:
        return findings + [Finding("error", str(p)) for p in exc.problems], summary
    summary["transcripts"] = len(corpus.transcripts)
    summary["segments"] = len(corpus.segments)
    findings += [Finding("error", str(p)) for p in corpus.problems]
    findings += [Finding("warning", f"{path}: {reason}") for path, reason in corpus.skipped]
    if problems or corpus.problems:
        return findings, summary
    try:
        codings = study.load_codings()
    except QualcodeError as exc:
        return findings + [Finding("error", str(p)) for p in exc.problems], summary
    summary["coders"] = len(codings.coders)
    summary["codings"] = len(codings.codings)
    for orphan in codings.orphans:
        c = orphan.coding
        findings.append(
            Finding(
                "error",
                f"orphaned coding: {c.coder} coded '{c.code}' on {c.segment} — {orphan.reason}; "
                f'quote: "{_short(c.anchor.quote)}" (see `qualcode orphans`)',
            )
        )
    for coding in codings.unknown_codes:
        findings.append(
            Finding(
                "error", f"{coding.coder} coded {coding.segment} with '{coding.code}', which is not in the codebook"
            )
        )
    for old, new, score in codings.reanchored:
        findings.append(
            Finding(
                "warning",
                f"{old.coder}'s '{old.code}' coding moved from {old.segment} to {new.segment} "
                f"(match {score:.0f}/100) after a transcript edit; "
                "`qualcode reanchor` saves it",
            )
        )
    for coding in codings.codings:
        segment = corpus.segment_index[coding.segment]
        if segment.skipped:
            findings.append(
                Finding(
                    "warning",
                    f"{coding.coder} coded {coding.segment}, spoken by '{segment.speaker}' "
                    "(speakers_to_skip); it is not counted",
                )
            )
    return findings, summary
