"""Reads don't write: every command that only reports leaves the project tree byte for byte as it
was, even when transcripts were edited after coding (re-anchoring happens in memory)."""

from __future__ import annotations

import pytest

from qualcode.app.study import open_project
from tests.helpers import build_study, segment, tree


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """The hand-counted study, coded by ana and ben, with notes, done marks, a memo, saved
    suggestions and a review decision; then one coded answer edited and one deleted."""
    from tests.helpers import ProjectMaker

    base = tmp_path_factory.mktemp("reads")
    study = build_study(ProjectMaker(base))
    first = segment(study, "We look at the benchmark")
    study.annotate(first.id, "a note to keep", "ana")
    study.mark_done(["alder/teacher-01", "alder/principal-01", "bayview/teacher-01"], "ana")
    study.mark_done(["alder/teacher-01"], "ben")
    (study.root / "memos").mkdir(exist_ok=True)
    (study.root / "memos" / "2026-01-01-a-memo.md").write_text("---\ntitle: A memo\ncodes: [family]\n---\n\nText.\n")
    study.summarize("Alder", "data_use", f"Benchmarks [[{first.id}]].", "ana")
    pending = study.suggest()
    study.save_suggestions(pending)
    from qualcode.suggest.store import Decision

    study.suggestion_store.add_decision(Decision(first.id, first.transcript, "data_use", "accept", "ana"))
    path = study.root / "transcripts" / "alder" / "teacher-01.txt"
    text = path.read_text()
    path.write_text(
        text.replace("My coach visits every week.", "My coach visits us every week.").replace(
            "Maria Lopez: Our PLC meets on Wednesdays.\n", ""
        )
    )
    reopened = open_project(study.root)
    codings = reopened.load_codings()
    assert codings.reanchored and codings.orphans  # the edit moved one coding and orphaned another
    return study.root


READS = [
    ["segments"],
    ["segments", "--format", "json"],
    ["segments", "--transcript", "alder/teacher-01", "--format", "csv"],
    ["transcripts"],
    ["transcripts", "--format", "csv"],
    ["cases", "--format", "json"],
    ["codebook", "validate"],
    ["codebook", "show"],
    ["codebook", "show", "--format", "json"],
    ["show", "alder/teacher-01"],
    ["show", "alder/teacher-01", "--coder", "ana"],
    ["coders", "--format", "json"],
    ["quotes", "data_use"],
    ["quotes", "collaborative_pl", "--format", "markdown"],
    ["stats", "--format", "csv"],
    ["memo", "list"],
    ["summaries"],
    ["summaries", "--current", "--format", "json"],
    ["log"],
    ["check"],
    ["check", "--format", "json"],
    ["orphans"],
    ["orphans", "--format", "json"],
    ["suggest"],
    ["suggest", "--format", "json", "--min-score", "0.5"],
    ["suggest", "--stats"],
    ["evaluate", "--gold", "ana"],
    ["evaluate", "--gold", "ana", "--coder", "ben", "--format", "json"],
    ["matrix"],
    ["matrix", "--measure", "share", "--format", "csv"],
    ["matrix", "--include-suggestions", "--format", "json"],
    ["cooccur", "--level", "all"],
    ["agree", "--bootstrap", "50"],
    ["agree", "--disagreements", "--format", "json"],
    ["export", "codings"],
    ["export", "codings", "--format", "json"],
]


@pytest.mark.parametrize("args", READS, ids=[" ".join(a) for a in READS])
def test_pure_reads_leave_the_project_tree_unchanged(edited, cli, args):
    before = tree(edited)
    result = cli("-C", edited, *args)
    assert result.exit_code in (0, 1), (args, result.stderr)  # check exits 1: there is an orphan
    assert "Traceback" not in result.stderr
    assert tree(edited) == before, args


def test_pure_reads_report_writes_only_its_output(edited, cli, tmp_path):
    before = tree(edited)
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()  # an absolute -o needs its folder to exist
    result = cli("-C", edited, "report", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert target.is_file()
    assert tree(edited) == before


def test_pure_reads_the_python_api_reads_without_writing(edited):
    before = tree(edited)
    study = open_project(edited)
    study.segments(), study.codings(), study.matrix(), study.agreement(), study.suggestions()
    study.load_codings(), study.pending_suggestions(), study.decisions(), study.rule_stats()
    assert tree(edited) == before


def test_pure_reads_reanchor_is_the_explicit_write(edited, cli, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(edited, copy)
    before = tree(copy)
    result = cli("-C", copy, "reanchor")
    assert result.exit_code == 0, result.stderr
    assert "saved 3 re-anchored coding(s) of ana, ben" in result.stderr  # "My coach visits…": ana 1, ben 2
    changed = {k for k in tree(copy) if tree(copy)[k] != before.get(k)}
    assert changed and all(k.startswith("codings/") for k in changed)
    again = cli("-C", copy, "reanchor")
    assert "nothing to re-anchor" in again.stderr
    assert cli("-C", copy, "check", "--format", "json").stdout.count("moved from") == 0


def test_pure_reads_write_nothing_with_the_cache_off(edited, cli, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(edited, copy, ignore=shutil.ignore_patterns(".qualcode"))
    before = {p.relative_to(copy).as_posix() for p in copy.rglob("*")}
    result = cli("-C", copy, "suggest", "--format", "json", env={"QUALCODE_CACHE": "off"})
    assert result.exit_code == 0, result.stderr
    assert {p.relative_to(copy).as_posix() for p in copy.rglob("*")} == before
    cli("-C", copy, "suggest", "--format", "json")  # with the cache on, only .qualcode/ appears
    added = {p.relative_to(copy).as_posix() for p in copy.rglob("*")} - before
    assert added and all(a.startswith(".qualcode") for a in added)
