"""Command modules, loaded lazily.

Each ``*_cmd.py`` module lists its click commands in ``COMMANDS``. :data:`REGISTRY` maps every
command name to its module, so the ``qualcode`` group imports a module only when one of its
commands runs (or when ``--help`` lists them all): hand-coding commands never pay for importing
pandas or spaCy. A test checks that the registry and the modules agree.
"""

from __future__ import annotations

import importlib

import click

REGISTRY: dict[str, str] = {
    "init": "init_cmd",
    "segments": "study_cmd",
    "transcripts": "study_cmd",
    "cases": "study_cmd",
    "codebook": "codebook_cmd",
    "code": "coding_cmd",
    "uncode": "coding_cmd",
    "annotate": "coding_cmd",
    "done": "coding_cmd",
    "show": "coding_cmd",
    "coders": "coding_cmd",
    "quotes": "retrieve_cmd",
    "stats": "retrieve_cmd",
    "memo": "memo_cmd",
    "summarize": "summary_cmd",
    "summaries": "summary_cmd",
    "framework": "framework_cmd",
    "log": "store_cmd",
    "check": "store_cmd",
    "orphans": "store_cmd",
    "reanchor": "store_cmd",
    "import": "interop_cmd",
    "export": "interop_cmd",
    "suggest": "suggest_cmd",
    "review": "suggest_cmd",
    "evaluate": "suggest_cmd",
    "learn": "suggest_cmd",
    "matrix": "matrix_cmd",
    "cooccur": "matrix_cmd",
    "report": "report_cmd",
    "agree": "agree_cmd",
    "reconcile": "agree_cmd",
}


#: Each command's one-line help, so ``qualcode --help`` lists the commands without importing
#: their modules (and with them pandas, NumPy, spaCy). A test checks these against the commands.
SUMMARIES: dict[str, str] = {
    "init": "Create a new project in DIRECTORY.",
    "segments": "List segments with their stable ids (and times, where the transcript has them).",
    "transcripts": "List transcripts with their attributes, segments and words.",
    "cases": "Summarise the study per case: counts and the case attributes of cases.csv.",
    "codebook": "Check and show the codebook (codebooks/*.yaml).",
    "code": (
        "Code SEGMENT_ID with one or more CODE_IDs (ids or paths such as collaborative_pl/coaching), "
        "or code TRANSCRIPT_ID interactively, segment by segment."
    ),
    "uncode": "Remove CODE_IDs from SEGMENT_ID.",
    "annotate": "Attach a note (TEXT) to SEGMENT_ID, or --delete notes.",
    "done": "Mark transcripts as fully coded by a coder.",
    "show": "Print a transcript segment by segment with speakers, ids and codes.",
    "coders": "Summarise each coder's work: codings, segments, transcripts covered and done.",
    "quotes": "Retrieve the segments coded with CODE_IDs, grouped by case.",
    "stats": "Code frequencies as a tree: segments, transcripts and cases per code.",
    "memo": "Analytic memos (Markdown files under memos/).",
    "summarize": "Write the summary of a cell: what CASE shows for CODE, in summaries/<case>/<code>.md.",
    "summaries": "List cells with quotes but no summary (most quotes first) and summaries whose quotes changed.",
    "framework": "Export the framework matrix: cases x themes with each cell's summary (md, docx, csv, xlsx).",
    "log": "Show the audit log of coding changes: who, when, what.",
    "check": "Check the whole project: config, codebook, transcripts, codings, orphans, memos.",
    "orphans": "List codings and notes whose text is gone from the transcripts, and decide about them.",
    "reanchor": "Save the new anchors of codings and notes that transcript edits moved to another segment id.",
    "import": "Import codings from spreadsheets, or a whole project from NVivo, ATLAS.ti, MAXQDA…",
    "export": "Export codings for spreadsheets, or the whole project for NVivo, ATLAS.ti, MAXQDA…",
    "suggest": "Suggest codes for segments from the codebook's rules and the learned model.",
    "review": "Review pending suggestions a segment at a time: accept, reject, skip, add a code, memo, undo.",
    "evaluate": "Score the suggestions (or another coder) against a gold coder.",
    "learn": "Learn a model per code from the team's coding, for `qualcode suggest`.",
    "matrix": "Cross-case matrix: codes x values of an attribute (default: the case).",
    "cooccur": "Code co-occurrence: segments carrying both codes (the diagonal: the code alone).",
    "report": "Write the cross-case report: one HTML file that opens offline in any browser.",
    "agree": "Inter-coder agreement per code: percent agreement, Cohen's kappa, Krippendorff's alpha.",
    "reconcile": "Merge two coders into a new coder, deciding each disagreement.",
}


def load_command(name: str) -> click.Command | None:
    """Import the module of command ``name`` and return the command (None if unknown)."""
    module_name = REGISTRY.get(name)
    if module_name is None:
        return None
    module = importlib.import_module(f"qualcode.cli.{module_name}")
    for command in module.COMMANDS:
        if command.name == name:
            return command
    raise LookupError(f"{module_name} does not define the command {name!r}")  # registry out of date
