"""Transcript edits under every kind of record the project keeps (issue 13, point 1).

A coder codes and annotates segments, marks the transcript done, reviews a suggestion, and writes
a memo citing a segment; then the transcript is corrected ("I've" -> "I have") and one answer is
replaced. Each record must follow its segment or be reported: codings and notes re-anchor (or are
orphans that `orphans` lists and `check` counts), done marks stay, and the records that keep no
quote (suggestions, decisions, memo citations) are named by `check`.
"""

from __future__ import annotations

import json

import pytest

from qualcode.app.study import open_project
from qualcode.suggest.records import Suggestion
from qualcode.suggest.store import Decision

T = "alder/teacher-01"
TEXT = """\
---
case: Alder
role: teacher
---
Interviewer: How do teachers work together here?

Maria Lopez: I've worked in our professional learning community for six years, and it shapes how we plan.

Interviewer: And coaching?

Maria Lopez: My coach and I did a coaching cycle last fall with a benchmark assessment at the end.

Interviewer: Anything else?

Maria Lopez: We hold a data chat every Friday afternoon in the library.
"""


def _segments(study):
    return [s for s in study.corpus.segments_by_transcript[T] if not s.skipped]


@pytest.fixture
def coded(make_project, cli):
    """ana: a coding and a note on the "I've" answer, a note on the data-chat answer, the
    transcript done, a review decision and a pending suggestion on the "I've" answer, a memo
    citing it. Returns (root, ids of the three answers)."""
    root = make_project({"alder/teacher-01.txt": TEXT})
    study = open_project(root)
    first, second, third = (s.id for s in _segments(study))
    study.code(first, ["collaborative_pl"], "ana")
    study.code(second, ["coaching"], "ana")
    study.annotate(first, "compare with Bayview", "ana")
    study.annotate(third, "ask about Fridays", "ana")
    study.mark_done([T], "ana")
    study.suggestion_store.save_pending([Suggestion(first, T, "collaborative_pl", 0.9, ())])
    study.suggestion_store.add_decision(Decision(first, T, "collaborative_pl", "accept", "ana", ("kw",), 0.9))
    made = cli(
        "-C", root, "memo", "new", "PLC and planning", "--code", "collaborative_pl", "--author", "ana", "--no-edit"
    )
    assert made.exit_code == 0, made.output
    memo = root / made.stdout.strip()
    memo.write_text(memo.read_text(encoding="utf-8") + f"See {first}: planning starts in the PLC.\n", encoding="utf-8")
    return root, (first, second, third)


def _edit(root):
    path = root / "transcripts" / "alder" / "teacher-01.txt"
    text = path.read_text(encoding="utf-8")
    text = text.replace("I've worked", "I have worked")
    text = text.replace("We hold a data chat every Friday afternoon in the library.", "No, that is all for today.")
    path.write_text(text, encoding="utf-8")


def test_edits_before_any_edit_check_is_clean(coded, cli):
    root, _ = coded
    result = cli("-C", root, "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(": 0 error(s), 0 warning(s)\n")


def test_edits_a_note_follows_its_segment_in_memory_and_show_lists_it_there(coded, cli):
    root, (first, _, third) = coded
    before = (root / "codings" / "ana.jsonl").read_bytes()
    _edit(root)
    study = open_project(root)
    found = study.load_codings()
    new_first = _segments(study)[0].id
    assert new_first != first
    assert [(n.segment, n.text) for n in found.notes] == [(new_first, "compare with Bayview")]
    assert [(old.segment, new.segment) for old, new, _ in found.moved_notes] == [(first, new_first)]
    assert [(o.note.segment, o.note.text) for o in found.orphaned_notes] == [(third, "ask about Fridays")]
    assert found.done == {"ana": {T}}  # the done mark is by transcript: it stays
    assert any("1 note(s) moved" in w for w in study.warnings)
    assert any("1 orphaned note(s)" in w for w in study.warnings)
    shown = cli("-C", root, "show", T, "--coder", "ana").stdout
    block = shown.split(new_first, 1)[1].split("\n\n", 1)[0]
    assert "note (ana): compare with Bayview" in block
    assert (root / "codings" / "ana.jsonl").read_bytes() == before  # reading never writes


def test_edits_orphans_lists_the_orphaned_note_and_check_counts_every_record(coded, cli):
    root, (first, _, third) = coded
    _edit(root)
    orphans = json.loads(cli("-C", root, "orphans", "--format", "json").stdout)
    assert [(o["kind"], o["segment"], o["note"]) for o in orphans] == [("note", third, "ask about Fridays")]
    table = cli("-C", root, "orphans").stdout
    assert "note: ask about Fridays" in table

    result = cli("-C", root, "check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    messages = [f["message"] for f in report["findings"]]
    assert report["errors"] == sum(f["level"] == "error" for f in report["findings"]) == 1
    assert any(m.startswith('orphaned note: ana\'s note "ask about Fridays" on ' + third) for m in messages)
    assert any("'collaborative_pl' coding moved from " + first for m in messages)
    assert any(m.startswith('ana\'s note "compare with Bayview" moved from ' + first) for m in messages)
    assert any("1 saved suggestion(s) are on segments no longer in the transcripts" in m for m in messages)
    assert any("1 review decision(s) by ana are on segments no longer" in m for m in messages)
    memo_line = [m for m in messages if "cites segment" in m]
    assert len(memo_line) == 1 and memo_line[0].startswith("memos/") and f"cites segment {first}," in memo_line[0]
    assert report["warnings"] == sum(f["level"] == "warning" for f in report["findings"]) == 5

    text = cli("-C", root, "check")
    printed = text.stderr.splitlines()
    assert sum(line.startswith("error: ") for line in printed) == 1
    assert sum(line.startswith("warning: ") for line in printed) == 5
    assert text.stdout.endswith(": 1 error(s), 5 warning(s)\n")


def test_edits_reanchor_saves_moved_notes_and_orphans_delete_removes_the_orphaned_one(coded, cli):
    root, (first, _, third) = coded
    _edit(root)
    saved = cli("-C", root, "reanchor")
    assert saved.exit_code == 0, saved.stderr
    assert saved.stderr == "saved 1 re-anchored coding(s) and 1 note(s) of ana\n"
    new_first = _segments(open_project(root))[0].id
    records = [json.loads(line) for line in (root / "codings" / "ana.jsonl").read_text().splitlines()[1:]]
    notes = {r["text"]: r for r in records if r["type"] == "note"}
    assert notes["compare with Bayview"]["segment"] == new_first
    assert notes["compare with Bayview"]["anchor"]["quote"].startswith("I have worked")
    assert notes["ask about Fridays"]["segment"] == third  # orphans stay until decided
    log = [json.loads(line) for line in (root / "codings" / "log" / "ana.jsonl").read_text().splitlines()]
    wanted = {"action": "reanchor", "note": "compare with Bayview", "old_segment": first, "segment": new_first}
    assert any(wanted.items() <= entry.items() for entry in log)

    deleted = cli("-C", root, "orphans", "delete", third)
    assert deleted.stderr == "deleted 0 orphaned coding(s) and 1 note(s)\n"
    remaining = open_project(root).load_codings()
    assert [n.text for n in remaining.notes] == ["compare with Bayview"] and remaining.orphaned_notes == []


def test_edits_orphans_reattach_moves_an_orphaned_note(coded, cli):
    root, (_, second, third) = coded
    _edit(root)
    result = cli("-C", root, "orphans", "reattach", third, second)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"reattached 0 coding(s) and 1 note(s) to {second}\n"
    found = open_project(root).load_codings()
    assert ("ask about Fridays", second) in {(n.text, n.segment) for n in found.notes}


def test_edits_a_write_to_the_coders_file_saves_moved_notes_too(coded, cli):
    root, (_, second, _) = coded
    _edit(root)
    assert cli("-C", root, "code", second, "data_use", "--coder", "ana").exit_code == 0
    new_first = _segments(open_project(root))[0].id
    text = (root / "codings" / "ana.jsonl").read_text()
    assert f'"segment": "{new_first}", "text": "compare with Bayview"' in text


def test_edits_a_renamed_transcript_orphans_its_records_and_check_names_the_done_mark(coded, cli):
    root, (first, _, third) = coded
    folder = root / "transcripts" / "alder"
    (folder / "teacher-01.txt").rename(folder / "teacher-1.txt")
    orphans = json.loads(cli("-C", root, "orphans", "--format", "json").stdout)
    assert {(o["kind"], o["segment"]) for o in orphans} >= {("note", first), ("note", third), ("coding", first)}
    assert all(o["reason"] == f"transcript '{T}' is gone" for o in orphans)
    findings = json.loads(cli("-C", root, "check", "--format", "json").stdout)["findings"]
    assert any(
        f["level"] == "warning" and f["message"].startswith(f"ana marked '{T}' done, but there is no such transcript")
        for f in findings
    )


def test_edits_export_qdpx_keeps_the_moved_note_and_names_the_orphaned_one(coded, cli):
    root, (_, _, third) = coded
    _edit(root)
    result = cli("-C", root, "export", "qdpx", "-o", "reports/study.qdpx")
    assert result.exit_code == 0, result.stderr
    assert f"left out: ana's note on {third} (its segment is gone)\n" in result.stderr
    assert ", 1 note(s)," in result.stderr  # the moved one
