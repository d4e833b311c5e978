"""`review` shows a segment once with all its suggestions, decided together or by number, and
the code's full notes on `i` (issue 13, point 10)."""

import pytest

from qualcode.app.study import open_project
from qualcode.errors import InputError
from qualcode.suggest.review import parse_numbers

LONG_DEFINITION = (
    "Teachers meet regularly in grade-level or subject teams to look at student work, plan "
    "lessons together and agree on what to reteach, with protected time in the schedule."
)
CODEBOOK = f"""\
name: Review
codes:
  - id: collaborative_pl
    label: Collaborative professional learning
    children:
      - id: plc
        label: PLCs
        definition: {LONG_DEFINITION}
        include: Grade-level teams, department PLCs, data teams that plan instruction.
        exclude: Staff meetings about logistics only.
        examples:
          - "Our PLC meets every Friday to look at exit tickets."
          - "We plan the unit together as a grade level."
        keywords: [PLC]
      - id: coaching
        label: Coaching
        keywords: [coaching cycle]
  - id: data_use
    label: Data use
    definition: Evidence used to improve teaching.
    keywords: [benchmark]
"""

TRANSCRIPT = """\
---
case: Alder Creek
role: teacher
---
Interviewer: Tell me about your week.

Maria Lopez: My coaching cycle came up in the PLC, right after we went through the benchmark results together.

Maria Lopez: Our PLC meets on Fridays.
"""
SEGMENT_TEXT = "My [[coaching cycle]] came up in the [[PLC]], right after we went through the [[benchmark]]"


@pytest.fixture
def root(make_project):
    return make_project({"alder-creek/teacher-01.txt": TRANSCRIPT}, codebook=CODEBOOK)


def segments(root):
    return [s.id for s in open_project(root).corpus.segments if not s.skipped]


def stored(root, coder="ana"):
    found = open_project(root).load_codings([coder])
    return sorted((c.segment, c.code, c.source, c.memo) for c in found.codings)


def decisions(root, coder="ana"):
    return [(d.segment, d.code, d.decision) for d in open_project(root).decisions(coder)]


def test_review_library_groups_a_segments_suggestions_and_decides_them_by_number(root):
    seg = segments(root)
    session, _ = open_project(root).open_review("ana")
    assert [(n, s.segment, s.code) for n, s in session.numbered()] == [
        (1, seg[0], "plc"),
        (2, seg[0], "coaching"),
        (3, seg[0], "data_use"),
    ]
    session.memo = "ask about the schedule"
    accepted = session.accept_many([1, 3])
    assert [s.code for s in accepted] == ["plc", "data_use"]
    # the numbers stay put while the segment is current
    assert [(n, s.code) for n, s in session.numbered()] == [(2, "coaching")]
    with pytest.raises(InputError, match="no open suggestion 1 on this segment; the open ones are 2"):
        session.reject_many([1])
    session.reject_many()  # the rest of the segment
    assert [(n, s.segment, s.code) for n, s in session.numbered()] == [(1, seg[1], "plc")]
    assert stored(root) == [
        (seg[0], "data_use", "suggestion", "ask about the schedule"),
        (seg[0], "plc", "suggestion", "ask about the schedule"),
    ]
    assert decisions(root) == [
        (seg[0], "plc", "accept"),
        (seg[0], "data_use", "accept"),
        (seg[0], "coaching", "reject"),
    ]
    assert session.counts["accept"] == 2 and session.counts["reject"] == 1
    # undo reverts a whole command: first the reject, then both accepts together
    assert session.undo() == f"undone: rejected coaching on {seg[0]}"
    assert session.undo() == f"undone: accepted plc, data_use on {seg[0]}"
    assert stored(root) == [] and decisions(root) == []
    assert [(n, s.code) for n, s in session.numbered()] == [(1, "plc"), (2, "coaching"), (3, "data_use")]
    session.skip_many()
    assert session.counts["skip"] == 3 and session.current.segment == seg[1]


def test_review_library_memo_left_unused_on_a_segment_becomes_a_note(root):
    seg = segments(root)
    project = open_project(root)
    session, _ = project.open_review("ana")
    session.memo = "compare with the principal"
    session.reject_many([2])
    assert not (root / "codings" / "ana.jsonl").exists()  # still on this segment: kept for an accept
    session.skip_many()
    notes = open_project(root).load_codings(["ana"]).notes
    assert [(n.segment, n.text) for n in notes] == [(seg[0], "compare with the principal")]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [("1 3", [1, 3]), ("1,3", [1, 3]), ("2-4", [2, 3, 4]), ("1 3-4, 6", [1, 3, 4, 6]), ("2 - 3 2", [2, 3])],
)
def test_review_numbers_and_ranges(text, numbers):
    assert parse_numbers(text) == numbers


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 x", "'x' is not a number; type numbers such as 1 3 or a range such as 1-3"),
        ("3-1", "'3-1' runs backwards; write the smaller number first (1-3)"),
    ],
)
def test_review_bad_numbers_say_why(text, message):
    with pytest.raises(InputError) as caught:
        parse_numbers(text)
    assert str(caught.value) == message


def test_review_cli_prints_a_long_segment_once_and_accepts_several(root, cli):
    seg = segments(root)
    result = cli("-C", root, "review", "--coder", "ana", "--new-coder", input="1 3\nr\nq\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.count(SEGMENT_TEXT) == 1  # not once per suggestion
    lines = out.splitlines()
    assert lines[:5] == [
        f"── 1-3 of 4 ── {seg[0]}",
        "case: Alder Creek · speaker: Maria Lopez (teacher) · coder: ana",
        "",
        "  " + SEGMENT_TEXT,
        "  results together.",
    ]
    assert lines[6] == "suggested (3):"
    assert lines[7].startswith("  1  collaborative_pl/plc — PLCs (score ")
    assert lines[8].startswith("       definition: Teachers meet regularly") and lines[8].endswith(" …")
    assert lines[9] == "       rules: keyword:PLC"
    assert lines[10].startswith("  2  collaborative_pl/coaching — Coaching (score ")
    assert lines[12].startswith("  3  data_use — Data use (score ")
    assert "include:" not in out.split("[1 3, 1-2] accept those")[0]  # the full notes wait for `i`
    assert lines[15].startswith("[1 3, 1-2] accept those  [a]ccept all  [r]eject all  [s]kip  [i]nfo")
    assert "accepted: plc, data_use (ana)\n\nstill open on this segment:\n  2  collaborative_pl/coaching" in out
    assert "rejected: coaching\n" in out
    assert f"── 4 of 4 ── {seg[1]}" in out
    assert decisions(root) == [
        (seg[0], "plc", "accept"),
        (seg[0], "data_use", "accept"),
        (seg[0], "coaching", "reject"),
    ]
    assert result.stderr.endswith(
        "2 accepted, 1 rejected, 0 skipped, 0 code(s) added; 1 left (run again to continue)\n"
    )


def test_review_cli_all_reject_all_and_ranges(root, cli):
    seg = segments(root)
    result = cli("-C", root, "review", "--coder", "ana", "--new-coder", input="a\nr\n")
    assert "accepted: plc, coaching, data_use (ana)" in result.stdout and "rejected: plc" in result.stdout
    assert decisions(root) == [
        (seg[0], "plc", "accept"),
        (seg[0], "coaching", "accept"),
        (seg[0], "data_use", "accept"),
        (seg[1], "plc", "reject"),
    ]
    other = cli("-C", root, "review", "--coder", "ben", "--new-coder", input="r 2\n1-3\nq\n")
    assert "rejected: coaching\n" in other.stdout
    assert "no open suggestion 2 on this segment; the open ones are 1, 3" in other.stdout
    assert decisions(root, "ben") == [(seg[0], "coaching", "reject")]  # 1-3 named a decided one: nothing done
    assert "9 is" not in other.stdout


def test_review_cli_info_key_shows_definition_include_exclude_examples_in_full(root, cli):
    result = cli("-C", root, "review", "--coder", "ana", "--new-coder", input="i 1\nq\n")
    info = result.stdout.split("[i]nfo  [c] add code  [m]emo  [u]ndo  [q]uit > i 1\n")[1]
    assert info.splitlines() == [
        "1  collaborative_pl/plc — PLCs",
        "  definition: Teachers meet regularly in grade-level or subject teams to look at student",
        "    work, plan lessons together and agree on what to reteach, with protected time in the",
        "    schedule.",
        "  include: Grade-level teams, department PLCs, data teams that plan instruction.",
        "  exclude: Staff meetings about logistics only.",
        "  examples:",
        "    - Our PLC meets every Friday to look at exit tickets.",
        "    - We plan the unit together as a grade level.",
        "[1 3, 1-2] accept those  [a]ccept all  [r]eject all  [s]kip  [i]nfo  [c] add code  [m]emo  [u]ndo  [q]uit > q",
    ]
    assert decisions(root) == []  # looking decides nothing


def test_review_cli_memo_goes_with_every_coding_of_a_multiple_accept_and_undo_reverts_them(root, cli):
    seg = segments(root)
    result = cli("-C", root, "review", "--coder", "ana", "--new-coder", input="m\nSST story\n1-2\nu\n2\nq\n")
    assert f"undone: accepted plc, coaching on {seg[0]}" in result.stdout
    assert result.stdout.count(SEGMENT_TEXT) == 2  # shown again after the undo
    assert stored(root) == [(seg[0], "coaching", "suggestion", "")]
    cli("-C", root, "review", "--coder", "ben", "--new-coder", input="m\nSST story\n1-2\nq\n")
    assert stored(root, "ben") == [
        (seg[0], "coaching", "suggestion", "SST story"),
        (seg[0], "plc", "suggestion", "SST story"),
    ]


def test_review_on_a_terminal_keys_and_a_typed_line_of_numbers(root):
    """Through a pseudo-terminal, as a coder types: a digit starts a line of numbers, a letter acts at once."""
    import contextlib
    import os
    import pty
    import re
    import select
    import subprocess
    import sys
    import time

    seg = segments(root)
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "qualcode", "-C", str(root), "review", "--coder", "ana", "--new-coder"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    screen = b""

    def wait_for(text: str, timeout: float = 60) -> str:
        nonlocal screen
        deadline = time.monotonic() + timeout
        while True:
            plain = re.sub(r"\x1b\[[0-9;]*m", "", screen.decode("utf-8", "replace"))
            if text in plain:
                return plain
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r} on the terminal:\n{plain}")
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                with contextlib.suppress(OSError):  # OSError: the program ended
                    screen += os.read(leader, 4096)

    def type_keys(keys: bytes) -> None:
        time.sleep(1)  # as a person would: after the program has started waiting for a key
        os.write(leader, keys)

    try:
        wait_for("[1 3, 1-2] accept those")
        type_keys(b"1")
        wait_for("[u]ndo  [q]uit > 1")
        type_keys(b" 4\x7f3\r")  # a typo, Backspace, then the number meant
        wait_for("still open on this segment:")
        type_keys(b"r")
        wait_for("rejected: coaching")
        wait_for(f"── 4 of 4 ── {seg[1]}")
        type_keys(b"q")
        assert process.wait(timeout=60) == 0
        shown = wait_for("left (run again to continue)")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert "accepted: plc, data_use (ana)" in shown
    assert decisions(root) == [
        (seg[0], "plc", "accept"),
        (seg[0], "data_use", "accept"),
        (seg[0], "coaching", "reject"),
    ]
