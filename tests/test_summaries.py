"""Summaries per cell: files under summaries/, the summarize and summaries commands, citations
in check, and summaries following codebook rename/merge."""

from __future__ import annotations

import json
import os
import stat

import click
import pytest

from qualcode.app.study import open_project
from qualcode.errors import SummaryError, UnknownCaseError
from qualcode.synthesis.summaries import case_dirname, edited_body, summary_path
from tests.helpers import build_study, segment, tree


@pytest.fixture
def study(make_project):
    return build_study(make_project)


def _read(path):
    return path.read_text(encoding="utf-8")


# -- files -----------------------------------------------------------------------------------------
def test_summaries_write_and_read_round_trip(study):
    coach = segment(study, "My coach visits").id
    written = study.summarize("alder", "coaching", f"Coaching is **weekly** [[{coach}]].\n", "ana")
    path = study.root / "summaries" / "Alder" / "coaching.md"
    assert written.path == path
    text = _read(path)
    assert text.startswith("---\ncase: Alder\ncode: coaching\nauthor: ana\nupdated: '")
    assert text.endswith(f"---\n\nCoaching is **weekly** [[{coach}]].\n")
    found = open_project(study.root).summaries()
    summary = found[("Alder", "coaching")]
    assert summary.body == f"Coaching is **weekly** [[{coach}]]."
    assert summary.citations == [coach]
    assert summary.quotes == [segment(study, "Coaching is central").id, coach]  # transcripts in id order
    assert summary.author == "ana" and summary.updated.endswith("Z") and not summary.stale


def test_summaries_rewrite_keeps_the_file_mode(study):
    study.summarize("Alder", "coaching", "First.", "ana")
    path = study.root / "summaries" / "Alder" / "coaching.md"
    os.chmod(path, 0o640)
    study.summarize("Alder", "coaching", "Second.", "ana")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _read(path).endswith("\nSecond.\n")


def test_summaries_an_empty_body_writes_nothing(study, cli):
    assert study.summarize("Alder", "coaching", "  \n", "ana") is None
    result = cli("-C", study.root, "summarize", "Alder", "coaching", "--text", "", "--coder", "ana")
    assert result.exit_code == 0
    assert "empty summary; nothing written" in result.stderr
    assert not (study.root / "summaries").exists()


@pytest.mark.parametrize(
    ("case", "folder"),
    [
        ("Bayview", "Bayview"),
        ("district-7", "district-7"),
        ("Alder Creek", "alder-creek"),
        ("../../etc", "etc"),
        ("..", "case"),
        ("Écoles du Nord", "ecoles-du-nord"),
        ("a/b\\c", "a-b-c"),
        (".hidden", "hidden"),
    ],
)
def test_summaries_case_folders_are_safe(case, folder):
    assert case_dirname(case) == folder


def test_summaries_an_unsafe_case_name_stays_inside_the_folder(make_project, cli):
    transcript = "---\ncase: ../Up & Away\n---\nLee Chan: We look at the benchmark data.\n"
    root = make_project({"t/one.txt": transcript})
    seg = open_project(root).corpus.segments[0].id
    assert cli("-C", root, "code", seg, "data_use", "--coder", "ana", "--new-coder").exit_code == 0
    result = cli("-C", root, "summarize", "up-away", "data_use", "--text", "Data.", "--coder", "ana")
    assert result.exit_code == 0, result.stderr
    path = root / "summaries" / "up-away" / "data_use.md"
    assert "case: ../Up & Away" in _read(path)
    assert open_project(root).summaries()[("../Up & Away", "data_use")].path == path


def test_summaries_a_broken_file_is_never_overwritten(study, cli):
    path = summary_path(study.root / "summaries", "Alder", "coaching")
    path.parent.mkdir(parents=True)
    path.write_text("---\ncase: Alder\ncode: coaching: x\n---\n\nMy notes.\n")
    before = _read(path)
    result = cli("-C", study.root, "summarize", "Alder", "coaching", "--text", "New.", "--coder", "ana")
    assert result.exit_code == 1
    assert "summaries/Alder/coaching.md:3:" in result.stderr and "not replaced" in result.stderr
    assert _read(path) == before
    listing = cli("-C", study.root, "summaries")
    assert listing.exit_code == 1 and "summaries/Alder/coaching.md:3:" in listing.stderr


def test_summaries_unknown_case_and_code_in_a_file_name_the_line(study):
    folder = study.root / "summaries" / "Alder"
    folder.mkdir(parents=True)
    (folder / "coaching.md").write_text("---\ncase: Alderr\ncode: coaching\n---\n\nText.\n")
    (folder / "plc.md").write_text("---\ncase: Alder\nauthor: ana\ncode: plcc\n---\n\nText.\n")
    with pytest.raises(SummaryError) as caught:
        open_project(study.root).summaries()
    message = str(caught.value)
    assert "summaries/Alder/coaching.md:2: case 'Alderr' is not a case of the study (did you mean 'Alder'?)" in message
    assert "summaries/Alder/plc.md:4: code 'plcc' is not in the codebook (did you mean 'plc'?)" in message


def test_summaries_a_file_without_front_matter_is_an_error(study):
    folder = study.root / "summaries" / "Alder"
    folder.mkdir(parents=True)
    (folder / "coaching.md").write_text("Just text.\n")
    with pytest.raises(SummaryError, match=r"summaries/Alder/coaching.md:1: no front matter"):
        open_project(study.root).summaries()


def test_summaries_unknown_case_or_code_on_the_command_line(study, cli):
    result = cli("-C", study.root, "summarize", "Aldr", "coaching", "--text", "x", "--coder", "ana")
    assert result.exit_code == 1 and "no case 'Aldr' (did you mean 'Alder'?)" in result.stderr
    result = cli("-C", study.root, "summarize", "Alder", "coachin", "--text", "x", "--coder", "ana")
    assert result.exit_code == 1 and "did you mean 'coaching'?" in result.stderr
    with pytest.raises(UnknownCaseError):
        study.summarize("Nowhere", "coaching", "x", "ana")


def test_summaries_coder_restricts_the_quotes(study):
    written = study.summarize("Alder", "coaching", "Only ana's.", "ana", coders="ana")
    assert written.quotes == [segment(study, "My coach visits").id]


# -- the editor ------------------------------------------------------------------------------------
def test_summaries_the_editor_gets_a_template_with_the_quotes(study, cli, monkeypatch):
    seen = {}
    coach = segment(study, "My coach visits").id

    def fake_edit(text, **kwargs):
        seen["text"] = text
        return text + f"Weekly visits [[{coach}]].\n"

    monkeypatch.setattr(click, "edit", fake_edit)
    result = cli("-C", study.root, "summarize", "Alder", "coaching", "--coder", "ana")
    assert result.exit_code == 0, result.stderr
    assert seen["text"].startswith("---\ncase: Alder\ncode: coaching\n")
    assert f"[[{coach}]] My coach visits every week." in seen["text"]
    assert "<!-- qualcode:" in seen["text"]
    text = _read(study.root / "summaries" / "Alder" / "coaching.md")
    assert text.endswith(f"---\n\nWeekly visits [[{coach}]].\n")
    assert "<!--" not in text


def test_summaries_the_editor_saves_only_a_change(study, cli, monkeypatch):
    study.summarize("Alder", "coaching", "As it was.", "ana")
    path = study.root / "summaries" / "Alder" / "coaching.md"
    before = _read(path)
    monkeypatch.setattr(click, "edit", lambda text, **kwargs: text)
    result = cli("-C", study.root, "summarize", "Alder", "coaching", "--coder", "ana")
    assert result.exit_code == 0 and "no change; nothing written" in result.stderr
    assert _read(path) == before
    monkeypatch.setattr(click, "edit", lambda text, **kwargs: None)
    result = cli("-C", study.root, "summarize", "Alder", "coaching", "--coder", "ana")
    assert "no change; nothing written" in result.stderr and _read(path) == before
    monkeypatch.setattr(click, "edit", lambda text, **kwargs: text.replace("As it was.", "Now different."))
    result = cli("-C", study.root, "summarize", "Alder", "coaching", "--coder", "ben")
    assert result.exit_code == 0
    assert "author: ben" in _read(path) and _read(path).endswith("\nNow different.\n")


def test_summaries_edited_body_drops_front_matter_and_template_comment():
    text = "---\ncase: A\n---\n\n<!-- qualcode: quotes\n  [[x#00000000]] hi\n-->\n\nMine. <!-- my own -->\n"
    assert edited_body(text) == "Mine. <!-- my own -->"


# -- the listing -----------------------------------------------------------------------------------
def test_summaries_lists_missing_most_quotes_first_then_stale(study, cli):
    study.summarize("Alder", "data_use", "Data.", "ana")
    study.summarize("Bayview", "family", "Families.", "ana")
    study.code(segment(study, "We have a PLC too").id, ["family"], "ana")
    result = cli("-C", study.root, "summaries", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["missing", "stale", "current"]
    missing = [(r["case"], r["code"], r["quotes"]) for r in data["missing"]]
    assert missing[:3] == [("Alder", "collaborative_pl", 3), ("Alder", "coaching", 2), ("Alder", "plc", 2)]
    assert ("Alder", "data_use", 3) not in missing
    assert data["stale"] == [
        {"case": "Bayview", "code": "family", "path": "summaries/Bayview/family.md", "added": 1, "removed": 0}
    ]
    assert data["current"] == [
        {"case": "Alder", "code": "data_use", "path": "summaries/Alder/data_use.md", "quotes": 3}
    ]
    table = cli("-C", study.root, "summaries").stdout
    assert "Cells with quotes but no summary" in table
    assert "1 added, 0 removed" in table and "1 summary(ies) up to date." in table


def test_summaries_a_removed_coding_makes_a_summary_stale(study):
    study.summarize("Alder", "coaching", "Two quotes.", "ana")
    study.uncode(segment(study, "Coaching is central").id, ["coaching"], "ben")
    summary = open_project(study.root).summaries()[("Alder", "coaching")]
    assert summary.stale
    status = open_project(study.root).summary_status()
    assert status["stale"][0]["removed"] == 1 and status["stale"][0]["added"] == 0


# -- citations in check ----------------------------------------------------------------------------
def test_summaries_check_reports_gone_citations_with_the_reanchored_id(study, cli):
    coach = segment(study, "My coach visits").id
    plc = segment(study, "Our PLC meets").id
    study.summarize("Alder", "collaborative_pl", f"Visits [[{coach}]].\n\nTeams [[{plc}]].", "ana")
    assert cli("-C", study.root, "check").exit_code == 0
    path = study.root / "transcripts" / "alder" / "teacher-01.txt"
    path.write_text(
        _read(path)
        .replace("My coach visits every week.", "My coach visits us every week.")
        .replace("Maria Lopez: Our PLC meets on Wednesdays.\n", "")
    )
    moved = segment(open_project(study.root), "My coach visits us").id
    result = cli("-C", study.root, "check")
    assert result.exit_code == 1
    out = result.stdout + result.stderr
    assert (
        f"summaries/Alder/collaborative_pl.md:12: cites segment {coach}, which is no longer in the transcripts "
        f"(edited or removed); the quote is now {moved}: cite [[{moved}]]"
    ) in out
    assert f"summaries/Alder/collaborative_pl.md:14: cites segment {plc}" in out
    assert "`qualcode segments --transcript alder/teacher-01` lists the current ids" in out


# -- rename and merge ------------------------------------------------------------------------------
def test_summaries_follow_a_rename(study, cli):
    study.summarize("Alder", "coaching", "Coaching text.", "ana")
    result = cli("-C", study.root, "codebook", "rename", "coaching", "mentoring")
    assert result.exit_code == 0, result.stderr
    assert "summary summaries/Alder/coaching.md moved to summaries/Alder/mentoring.md" in result.stderr
    assert not (study.root / "summaries" / "Alder" / "coaching.md").exists()
    summary = open_project(study.root).summaries()[("Alder", "mentoring")]
    assert summary.body == "Coaching text." and summary.code == "mentoring"
    assert "code: mentoring" in _read(summary.path)


def test_summaries_follow_a_merge_losing_nothing(study, cli):
    study.summarize("Alder", "coaching", "About coaching.", "ana")
    study.summarize("Alder", "plc", "About PLCs.", "ben")
    study.summarize("Bayview", "plc", "Bayview PLC.", "ana")
    result = cli("-C", study.root, "codebook", "merge", "coaching", "INTO", "plc")
    assert result.exit_code == 0, result.stderr
    assert "summary summaries/Alder/coaching.md appended to summaries/Alder/plc.md" in result.stderr
    assert not (study.root / "summaries" / "Alder" / "coaching.md").exists()
    found = open_project(study.root).summaries()
    merged = found[("Alder", "plc")]
    assert merged.body == "About PLCs.\n\n## Merged from coaching\n\nAbout coaching."
    assert merged.author == "ben"
    assert found[("Bayview", "plc")].body == "Bayview PLC."
    assert not merged.stale  # the joined stamp is the merged cell's quotes


def test_summaries_a_broken_summary_stops_a_rename_before_anything_is_written(study, cli):
    study.summarize("Alder", "coaching", "Fine.", "ana")
    broken = study.root / "summaries" / "Bayview" / "coaching.md"
    broken.parent.mkdir()
    broken.write_text("---\ncase: Bayview: x\n---\n")
    before = tree(study.root)
    result = cli("-C", study.root, "codebook", "rename", "coaching", "mentoring")
    assert result.exit_code == 1 and "summaries/Bayview/coaching.md:2:" in result.stderr
    assert tree(study.root) == before


# -- the demo --------------------------------------------------------------------------------------
def test_summaries_the_demo_has_ten_current_summaries_citing_their_quotes():
    from tests.helpers import REPO

    demo = open_project(REPO, warn=lambda message: None)
    found = demo.summaries()
    assert len(found) >= 10
    for summary in found.values():
        assert summary.citations and set(summary.citations) <= set(summary.quotes), summary.path
        assert not summary.stale, summary.path
