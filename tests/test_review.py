"""The review loop, driven by scripted input as a coder would type it."""

import json

import pytest

from qualcode.app.study import open_project

CODEBOOK = """\
name: Review
codes:
  - id: collaborative_pl
    label: Collaborative professional learning
    definition: Educators learning together.
    include: PLCs, coaching.
    exclude: Athletic coaches.
    children:
      - id: plc
        label: PLCs
        definition: Teacher teams meeting regularly.
        keywords: [PLC]
      - id: coaching
        label: Coaching
        keywords: [coaching cycle]
  - id: data_use
    label: Data use
    definition: Evidence used to improve teaching.
    keywords: [data chat, benchmark]
"""

TRANSCRIPT = """\
---
case: Alder Creek
role: teacher
---
Interviewer: Tell me about your week.

Maria Lopez: Our PLC meets on Fridays.

Maria Lopez: We hold data chats after the benchmark.

Maria Lopez: My coaching cycle came up in the PLC.
"""


@pytest.fixture
def study(make_project):
    root = make_project({"alder-creek/teacher-01.txt": TRANSCRIPT}, codebook=CODEBOOK)
    project = open_project(root)
    seg = [s.id for s in project.corpus.segments if not s.skipped]
    return root, seg


def review(cli, root, keys, *extra):
    result = cli("-C", root, "review", "--coder", "ana", "--new-coder", *extra, input=keys)
    assert result.exit_code == 0, result.output
    return result


def codings(root, coder="ana"):
    found = open_project(root).load_codings([coder])
    return [(c.segment, c.code, c.source, c.memo) for c in found.codings], [(n.segment, n.text) for n in found.notes]


def test_review_shows_segment_evidence_case_speaker_and_definition(study, cli):
    root, seg = study
    first = next(s for s in open_project(root).suggest() if s.segment == seg[0] and s.code == "plc")
    result = review(cli, root, "q\n")
    assert result.stdout.splitlines() == [
        f"── 1 of 4 ── {seg[0]}",
        "case: Alder Creek · speaker: Maria Lopez (teacher) · coder: ana",
        "",
        "  Our [[PLC]] meets on Fridays.",
        "",
        f"suggested: collaborative_pl/plc — PLCs (score {first.score:.2f})",
        "  definition: Teacher teams meeting regularly.",
        "  rules: keyword:PLC",
        "[a]ccept  [r]eject  [s]kip  [i]nfo  [c] add code  [m]emo  [u]ndo  [q]uit > q",
    ]
    assert (
        "no saved suggestions for this scope: computed 4 and saved them to suggestions/pending.jsonl" in result.stderr
    )
    assert result.stderr.endswith(
        "0 accepted, 0 rejected, 0 skipped, 0 code(s) added; 4 left (run again to continue)\n"
    )


def test_review_accept_reject_skip_then_resume(study, cli):
    root, seg = study
    result = review(cli, root, "a\nr\ns\n")  # the third segment has two suggestions: s skips both
    assert "accepted: plc (ana)" in result.stdout and "rejected: data_use" in result.stdout
    assert result.stderr.endswith("1 accepted, 1 rejected, 2 skipped, 0 code(s) added; 0 left\n")
    assert codings(root) == ([(seg[0], "plc", "suggestion", "")], [])
    decisions = open_project(root).decisions("ana")
    assert [(d.segment, d.code, d.decision, d.rules, d.created) for d in decisions] == [
        (seg[0], "plc", "accept", ("keyword:PLC",), True),
        (seg[1], "data_use", "reject", ("keyword:data chat", "keyword:benchmark"), False),
    ]
    # resume: decided ones are not offered again; the skipped one comes first
    again = review(cli, root, "q\n")
    assert again.stdout.splitlines()[0] == f"── 1-2 of 2 ── {seg[2]}"
    assert "suggested (2):\n  1  collaborative_pl/plc" in again.stdout
    assert "computed" not in again.stderr  # the saved suggestions are used
    # another coder gets everything
    other = cli("-C", root, "review", "--coder", "ben", "--new-coder", input="q\n")
    assert other.stdout.splitlines()[0] == f"── 1 of 4 ── {seg[0]}"


def test_review_memo_add_code_and_undo(study, cli):
    root, seg = study
    keys = "m\nfirst memo\na\n" + "m\nabout data\nr\n" + "c\ncoachng\nc\ncollaborative_pl\n" + "u\nu\n" + "a\nq\n"
    result = review(cli, root, keys)
    out = result.stdout
    assert "no code 'coachng' (did you mean 'coaching'?)" in out
    assert "added: collaborative_pl" in out
    assert "undone: added collaborative_pl on " + seg[2] in out
    assert "undone: rejected data_use on " + seg[1] in out
    # after the undo, the rejected suggestion is shown again (same numbering) and accepted
    assert out.count(f"── 2 of 4 ── {seg[1]}") == 2
    found, notes = codings(root)
    assert sorted(found) == sorted(
        [(seg[0], "plc", "suggestion", "first memo"), (seg[1], "data_use", "suggestion", "")]
    )
    assert notes == [(seg[1], "about data")]  # the memo of the rejected suggestion became a note
    assert [(d.code, d.decision) for d in open_project(root).decisions("ana")] == [
        ("plc", "accept"),
        ("data_use", "accept"),
    ]


def test_review_undo_reaches_the_previous_session(study, cli):
    root, seg = study
    review(cli, root, "a\nq\n")
    assert codings(root)[0] == [(seg[0], "plc", "suggestion", "")]
    result = review(cli, root, "u\nq\n")
    assert f"undone: accepted plc on {seg[0]}" in result.stdout
    assert f"── 1 of 4 ── {seg[0]}" in result.stdout.split("undone:")[1]  # shown again
    assert codings(root)[0] == []
    assert open_project(root).decisions("ana") == []
    nothing = review(cli, root, "u\nu\nu\nq\n")
    assert "nothing to undo" in nothing.stdout


def test_review_already_coded_is_not_offered_and_undo_keeps_codings_it_did_not_create(study, cli):
    root, seg = study
    open_project(root).code(seg[0], ["plc"], "ana")  # coded by hand before the review
    # seg1: skip; seg2: add coaching by hand, accept plc, accept coaching (already there), undo that
    result = review(cli, root, "s\nc\ncoaching\na\na\n")
    assert result.stdout.splitlines()[0] == f"── 1 of 3 ── {seg[1]}"
    assert f"undone: accepted coaching on {seg[2]}" in review(cli, root, "u\nq\n").stdout
    assert sorted(codings(root)[0]) == sorted(
        [(seg[0], "plc", "manual", ""), (seg[2], "plc", "suggestion", ""), (seg[2], "coaching", "manual", "")]
    )
    assert [(d.code, d.decision) for d in open_project(root).decisions("ana")] == [("plc", "accept")]


def test_review_filters_and_nothing_left(study, cli):
    root, seg = study
    result = review(cli, root, "a\n", "--code", "data_use")
    assert result.stdout.splitlines()[0] == f"── 1 of 1 ── {seg[1]}"
    done = review(cli, root, "", "--code", "data_use")
    assert done.stderr == "nothing to review for ana: every suggestion in scope is decided or coded\n"
    assert {s.code for s in open_project(root).pending_suggestions()} == {"data_use"}


def test_review_end_of_input_quits_cleanly(study, cli):
    root, seg = study
    result = review(cli, root, "a\n")
    assert result.stderr.endswith(
        "1 accepted, 0 rejected, 0 skipped, 0 code(s) added; 3 left (run again to continue)\n"
    )


def test_suggest_stats_per_rule_acceptance(study, cli):
    root, seg = study
    review(cli, root, "a\nr\n1\nr\n")  # plc accept, data_use reject, then on one segment: plc accept, coaching reject
    cli("-C", root, "review", "--coder", "ben", "--new-coder", input="a\na\n")
    rows = json.loads(cli("-C", root, "suggest", "--stats", "--format", "json").stdout)
    assert rows == [
        {
            "code": "coaching",
            "rule": "keyword:coaching cycle",
            "decided": 1,
            "accepted": 0,
            "rejected": 1,
            "acceptance": 0.0,
        },
        {
            "code": "data_use",
            "rule": "keyword:benchmark",
            "decided": 2,
            "accepted": 1,
            "rejected": 1,
            "acceptance": 0.5,
        },
        {
            "code": "data_use",
            "rule": "keyword:data chat",
            "decided": 2,
            "accepted": 1,
            "rejected": 1,
            "acceptance": 0.5,
        },
        {"code": "plc", "rule": "keyword:PLC", "decided": 3, "accepted": 3, "rejected": 0, "acceptance": 1.0},
    ]
    assert open_project(root).rule_stats() == rows
    table = cli("-C", root, "suggest", "--stats").stdout.splitlines()
    assert table[0].split() == ["code", "rule", "decided", "accepted", "rejected", "acceptance"]
    assert table[2].split() == ["coaching", "keyword:coaching", "cycle", "1", "0", "1", "0.00"]


def test_suggest_stats_without_decisions(study, cli):
    root, _ = study
    result = cli("-C", root, "suggest", "--stats")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "no review decisions yet; review suggestions with `qualcode review --coder NAME`\n"


def test_codebook_rename_and_merge_carry_pending_suggestions_and_decisions(study, cli):
    root, seg = study
    review(cli, root, "a\nr\nq\n")  # plc accepted, data_use rejected
    assert cli("-C", root, "codebook", "rename", "plc", "teams").exit_code == 0
    project = open_project(root)
    assert sorted((s.segment, s.code) for s in project.pending_suggestions()) == sorted(
        [(seg[0], "teams"), (seg[1], "data_use"), (seg[2], "teams"), (seg[2], "coaching")]
    )
    assert [(d.code, d.decision) for d in project.decisions("ana")] == [("teams", "accept"), ("data_use", "reject")]
    assert cli("-C", root, "codebook", "merge", "coaching", "INTO", "teams").exit_code == 0
    project = open_project(root)
    assert sorted((s.segment, s.code) for s in project.pending_suggestions()) == sorted(
        [(seg[0], "teams"), (seg[1], "data_use"), (seg[2], "teams")]
    )
    # resuming after the rename: the decided suggestions stay decided
    again = review(cli, root, "q\n")
    assert again.stdout.splitlines()[0] == f"── 1 of 1 ── {seg[2]}"


def test_review_rejects_a_broken_decisions_file_with_its_line(study, cli):
    root, _ = study
    review(cli, root, "a\nq\n")
    path = root / "suggestions" / "decisions" / "ana.jsonl"
    path.write_text(path.read_text() + "<<<<<<< HEAD\n")
    result = cli("-C", root, "review", "--coder", "ana", "--new-coder", input="q\n")
    assert result.exit_code == 1
    assert "suggestions/decisions/ana.jsonl:2: not a valid suggestion record (Expecting value)" in result.stderr


def test_review_ignores_pending_and_decisions_of_segments_that_are_gone(study, cli):
    root, seg = study
    review(cli, root, "a\nq\n")  # decision on seg[0]; pending for seg[0..2]
    path = root / "transcripts" / "alder-creek" / "teacher-01.txt"
    path.write_text(path.read_text().replace("Our PLC meets on Fridays.", "Our PLC meets on Mondays now."))
    project = open_project(root)
    assert seg[0] not in project.corpus.segment_index
    assert {s.segment for s in project.pending_suggestions()} == {seg[1], seg[2]}
    assert project.decisions("ana") == []
    again = review(cli, root, "q\n")
    assert again.stdout.splitlines()[0] == f"── 1 of 3 ── {seg[1]}"
