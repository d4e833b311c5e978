"""``qualcode check``: one pass over everything that can go wrong in a project (nothing is written)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from qualcode.app.study import Study
from qualcode.codebook.parse import validate_codebook
from qualcode.coding.memos import memo_findings
from qualcode.coding.resolve import Move, load_codings
from qualcode.errors import QualcodeError
from qualcode.synthesis.summaries import citation_problems, read_summaries


@dataclass
class Finding:
    level: str  # "error" or "warning"
    message: str


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_project(study: Study) -> tuple[list[Finding], dict[str, Any]]:
    """Every problem found, and a summary of what was checked.

    The warnings that loading the project raised (``study.warnings``: attribute conflicts,
    speaker spellings, decoding…) are findings too, each once, so what ``check`` prints is what
    it counts.
    """
    findings: list[Finding] = []
    summary: dict[str, Any] = {}
    try:
        _check(study, findings, summary)
    finally:
        listed = {f.message for f in findings}
        findings += [Finding("warning", w) for w in study.warnings if w not in listed]
    return findings, summary


def _check(study: Study, findings: list[Finding], summary: dict[str, Any]) -> None:
    path = study.project.codebook_path
    _, problems = validate_codebook(path, study.display(path))
    findings += [Finding("error", str(p)) for p in problems]
    try:
        corpus = study.readable_corpus
    except QualcodeError as exc:
        findings += [Finding("error", str(p)) for p in exc.problems]
        return
    summary["transcripts"] = len(corpus.transcripts)
    summary["segments"] = len(corpus.coded_segments())
    summary["skipped_segments"] = len(corpus.segments) - summary["segments"]
    findings += [Finding("error", str(p)) for p in corpus.problems]
    findings += [Finding("warning", f"{path}: {reason}") for path, reason in corpus.skipped]
    table = corpus.case_table
    if table.path is not None and not corpus.problems:
        without = [case for case in corpus.cases() if case not in table.rows]
        if without:
            findings.append(
                Finding(
                    "warning",
                    f"{study.display(table.path)}: no row for case(s) {', '.join(without)}; "
                    "their case attributes are missing (add a row per case to fill them)",
                )
            )
    if problems or corpus.problems:
        return
    try:
        # No warn callback: every moved, orphaned or unknown-code coding is a finding below.
        codings = load_codings(study.store, corpus, study.codebook)
    except QualcodeError as exc:
        findings += [Finding("error", str(p)) for p in exc.problems]
        return
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
    for note_orphan in codings.orphaned_notes:
        n = note_orphan.note
        findings.append(
            Finding(
                "error",
                f'orphaned note: {n.coder}\'s note "{_short(n.text, 40)}" on {n.segment} — {note_orphan.reason}; '
                f'quote: "{_short(n.anchor.quote)}" (see `qualcode orphans`)',
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
    for old_note, new_note, score in codings.moved_notes:
        findings.append(
            Finding(
                "warning",
                f'{old_note.coder}\'s note "{_short(old_note.text, 40)}" moved from {old_note.segment} to '
                f"{new_note.segment} (match {score:.0f}/100) after a transcript edit; `qualcode reanchor` saves it",
            )
        )
    for coder, transcripts in codings.done.items():
        for transcript in sorted(set(transcripts) - set(corpus.by_id)):
            findings.append(
                Finding(
                    "warning",
                    f"{coder} marked '{transcript}' done, but there is no such transcript now (renamed or removed?); "
                    f"`qualcode done {transcript} --coder {coder} --undo` removes the mark",
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
    _check_suggestions(study, corpus.segment_index, findings)
    ids = {code.id for code in study.codebook.walk()}
    for message in memo_findings(study.project.memos_dir, study.display, ids, corpus.segment_index):
        findings.append(Finding("warning", message))
    _check_summaries(study, corpus.cases(), ids, corpus.segment_index, codings.reanchored, findings)


def _check_summaries(
    study: Study,
    cases: Collection[str],
    codes: Collection[str],
    segments: Collection[str],
    moves: list[Move],
    findings: list[Finding],
) -> None:
    """Summary files that cannot be used, and citations of segments that are gone: errors, like
    orphaned codings (a broken citation loses the reader's way to the quote). The id a gone
    segment's codings were re-anchored to is named as the fix."""
    summaries, problems = read_summaries(study.project.summaries_dir, study.display, cases, codes)
    moved = {old.segment: new.segment for old, new, _ in moves}
    problems += citation_problems(summaries.values(), study.display, segments, moved)
    findings.extend(Finding("error", str(p)) for p in problems)


def _check_suggestions(study: Study, segments: Collection[str], findings: list[Finding]) -> None:
    """Suggestions and review decisions are keyed by segment id alone (they keep no quote), so
    after a transcript edit those on a changed segment cannot follow it: say so."""
    try:
        pending, decisions = study.suggestion_store.stale(segments)
    except QualcodeError as exc:
        findings.extend(Finding("error", str(p)) for p in exc.problems)
        return
    if pending:
        findings.append(
            Finding(
                "warning",
                f"{pending} saved suggestion(s) are on segments no longer in the transcripts (edited or removed); "
                "`qualcode suggest --save` replaces them",
            )
        )
    for coder, count in sorted(decisions.items()):
        findings.append(
            Finding(
                "warning",
                f"{count} review decision(s) by {coder} are on segments no longer in the transcripts (edited or "
                "removed); they no longer count for rule weights or learning",
            )
        )
