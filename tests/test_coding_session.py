"""``qualcode code TRANSCRIPT``: coding a transcript segment by segment without copying ids."""

import os
import pty
import select
import signal
import sys
import time

import pytest

from qualcode.app.study import open_project
from qualcode.errors import AmbiguousCodeError, UnknownCodeError

CODEBOOK = """\
name: Session book
version: "1"
codes:
  - id: data_use
    label: Data use
  - id: collaborative_pl
    label: Collaborative professional learning
    children:
      - id: coaching
        label: Coaching
      - id: co_teaching
        label: Co-teaching
  - id: family_engagement
    label: Family engagement
"""

TRANSCRIPT = """\
---
case: Alder Creek
role: teacher
---
Interviewer: How do teachers work together?

Maria Lopez: We meet in our professional learning community.

Interviewer: And data?

Maria Lopez: We bring the benchmark assessment.

Maria Lopez: My coach and I did a coaching cycle.

Maria Lopez: Parents came to the data night.
"""

T = "alder/teacher-01"


def _study(make_project):
    root = make_project({"alder/teacher-01.txt": TRANSCRIPT}, codebook=CODEBOOK)
    return open_project(root)


def _codes(root, coder="ana"):
    found = open_project(root).load_codings([coder])
    return sorted((c.segment, c.code) for c in found.codings)


def test_session_walks_coded_speaker_segments_and_codes_several_at_once(make_project):
    study = _study(make_project)
    session = study.coding_session(T, "ana")
    spoken = [s for s in study.corpus.segments if not s.skipped]
    assert [s.id for s in session.segments] == [s.id for s in spoken]
    assert session.total == 4 and session.position == 0 and not session.resumed
    assert session.current.speaker == "Maria Lopez"

    reply = session.handle("coa, data_use")
    assert reply.messages == ["coded collaborative_pl/coaching, data_use"]
    assert session.position == 1
    assert _codes(study.root) == sorted([(spoken[0].id, "coaching"), (spoken[0].id, "data_use")])
    # the same store and audit log as `qualcode code`
    log = [e for e in study.store.read_log("ana") if e["action"] == "code"]
    assert [(e["segment"], e["code"]) for e in log] == [(spoken[0].id, "coaching"), (spoken[0].id, "data_use")]

    session.handle("")  # skip
    assert session.current.id == spoken[2].id
    session.handle("b")
    assert session.current.id == spoken[1].id
    session.handle("b")
    assert session.codes_here() == ["coaching", "data_use"]
    session.handle("-data_use")
    assert _codes(study.root) == [(spoken[0].id, "coaching")]


def test_session_fuzzy_matching_and_completion(make_project):
    session = _study(make_project).coding_session(T, "ana")
    assert session.match("coa") == "coaching"
    assert session.match("collaborative_pl/coaching") == "coaching"
    assert session.match("col") == "collaborative_pl"  # an id prefix beats a path prefix
    assert session.match("famly") == "family_engagement"  # a close spelling
    with pytest.raises(AmbiguousCodeError) as ambiguous:
        session.match("co")
    assert ambiguous.value.choices == ["collaborative_pl", "collaborative_pl/coaching", "collaborative_pl/co_teaching"]
    with pytest.raises(UnknownCodeError):
        session.match("zzzz")
    assert session.complete("co") == ["co_teaching", "coaching", "collaborative_pl"]
    assert session.complete("collaborative_pl/c") == ["collaborative_pl/co_teaching", "collaborative_pl/coaching"]
    # an ambiguous line writes nothing and says which codes it could be
    reply = session.handle("data_use co")
    assert reply.messages[0].startswith("error: 'co' could be collaborative_pl, collaborative_pl/coaching")
    assert session.position == 0
    assert not (session.store.path_for("ana")).exists()


def test_session_notes_undo_done_and_quit(make_project):
    study = _study(make_project)
    session = study.coding_session(T, "ana")
    first = session.current.id
    assert session.handle("n").needs_note
    assert session.handle("n kept apart from evaluation").messages == ["note added"]
    assert [n.text for n in session.notes_here()] == ["kept apart from evaluation"]
    session.handle("data_use")
    assert session.handle("d").messages == [f"{T}: marked done for ana"]
    assert open_project(study.root).load_codings().done["ana"] == {T}

    assert session.handle("u").messages == [f"undone: {T} is not done"]
    assert open_project(study.root).load_codings().done["ana"] == set()
    assert session.handle("u").messages == [f"undone on {first}: removed data_use"]
    assert session.current.id == first
    assert session.handle("u").messages == [f"undone: note on {first}"]
    assert open_project(study.root).load_codings().notes == []
    assert session.handle("u").messages == ["nothing to undo in this session"]
    assert "  q            quit (everything is already saved)" in session.handle("?").messages
    assert session.handle("q").quit


def test_session_resumes_after_the_last_segment_touched(make_project):
    study = _study(make_project)
    spoken = [s for s in study.corpus.segments if not s.skipped]
    study.code(spoken[1].id, ["data_use"], "ana")
    study.code(spoken[0].id, ["coaching"], "ben")  # another coder's work does not move ana
    session = open_project(study.root).coding_session(T, "ana")
    assert session.resumed and session.current.id == spoken[2].id
    assert open_project(study.root).coding_session(T, "ben").current.id == spoken[1].id
    # past the last segment: codes are refused, the keys still work
    session.handle("")
    session.handle("")
    assert session.current is None
    assert session.handle("data_use").messages[0].startswith("error: past the last segment")
    assert session.handle("b").messages == []
    assert session.current.id == spoken[3].id


def test_cli_session_reads_piped_lines(make_project, cli):
    study = _study(make_project)
    spoken = [s for s in study.corpus.segments if not s.skipped]
    result = cli("-C", study.root, "code", T, "--coder", "ana", "--new-coder", input="coa data\n\nfam\nd\n")
    assert result.exit_code == 0, result.stderr
    assert f"coding {T} as ana: 4 segment(s) of coded speakers, from the first segment" in result.stderr
    assert f"── 1 of 4 ── Maria Lopez  {spoken[0].id}" in result.stdout
    assert "coded collaborative_pl/coaching, data_use" in result.stdout
    assert f"{T}: marked done for ana" in result.stdout
    assert f"saved; run `qualcode code {T}` again to go on" in result.stderr  # end of input quits
    assert _codes(study.root) == sorted(
        [(spoken[0].id, "coaching"), (spoken[0].id, "data_use"), (spoken[2].id, "family_engagement")]
    )


def test_cli_code_argument_shapes_stay_unambiguous(make_project, cli):
    study = _study(make_project)
    seg = next(s for s in study.corpus.segments if not s.skipped).id
    no_codes = cli("-C", study.root, "code", seg, "--coder", "ana", "--new-coder")
    assert no_codes.exit_code == 2
    assert f"give the CODE_IDs to code {seg} with" in no_codes.stderr
    transcript_with_codes = cli("-C", study.root, "code", T, "data_use", "--coder", "ana", "--new-coder")
    assert transcript_with_codes.exit_code == 2
    assert f"'{T}' is a transcript; give a segment id" in transcript_with_codes.stderr
    unknown = cli("-C", study.root, "code", "alder/teacher-1", "--coder", "ana", "--new-coder")
    assert unknown.exit_code == 1
    assert f"no transcript 'alder/teacher-1' (did you mean '{T}'?)" in unknown.stderr
    assert not study.store.path_for("ana").exists()


def _read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while wanted not in seen:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {wanted!r}; got {bytes(seen)[-800:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                raise AssertionError(f"the session ended before {wanted!r}; got {bytes(seen)[-800:]!r}")
            seen += chunk


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_session_in_a_pseudo_terminal_with_tab_completion(make_project):
    study = _study(make_project)
    spoken = [s for s in study.corpus.segments if not s.skipped]
    python = sys.executable  # the interpreter running the tests, with qualcode installed
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real terminal session
        try:
            os.environ["TERM"] = "dumb"
            os.environ.pop("QUALCODE_CODER", None)
            os.execv(str(python), [str(python), "-m", "qualcode", "-C", str(study.root), "code", T, "--coder", "ana"])
        finally:
            os._exit(127)  # never run the rest of pytest in the child
    seen = bytearray()
    try:
        # a new coder on a terminal: asked, not refused
        _read_until(fd, b"Start coding as the new coder 'ana'", seen)
        os.write(fd, b"y\r")
        _read_until(fd, b"codes (? for help) > ", seen)
        os.write(fd, b"famil\t\r")  # Tab completes to family_engagement
        _read_until(fd, b"coded family_engagement", seen)
        assert b"> family_engagement\r\n" in seen  # the line as completed on screen
        _read_until(fd, b"2 of 4", seen)
        os.write(fd, b"q\r")
        _read_until(fd, b"saved;", seen)
        _, status = os.waitpid(pid, 0)
        pid = 0
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert _codes(study.root) == [(spoken[0].id, "family_engagement")]
