"""Nothing silent: every entry of the transcripts folder that is not read is reported with the
reason; a file that cannot be parsed is an error naming it, and the other transcripts still load."""

from __future__ import annotations

import json
import os

import pytest

from qualcode.app.study import open_project
from qualcode.study.files import scan_transcripts
from qualcode.study.formats import Cue
from qualcode.study.transcripts import turns_from_cues


@pytest.fixture
def folder(make_project):
    root = make_project({"a.txt": "---\ncase: X\n---\nAnn: hello there\n"})
    transcripts = root / "transcripts"
    (transcripts / "notes.pages").write_bytes(b"PK")
    (transcripts / "old.doc").write_bytes(b"\xd0\xcf")
    (transcripts / "~$draft.docx").write_bytes(b"lock")
    (transcripts / ".hidden.txt").write_text("Ann: secret\n")
    (transcripts / ".DS_Store").write_bytes(b"\x00")
    (transcripts / "weird.txt").mkdir()
    (transcripts / "weird.txt" / "inside.txt").write_text("---\ncase: X\n---\nBo: inside\n")
    os.symlink(transcripts / "missing.txt", transcripts / "dangling.txt")
    os.mkfifo(transcripts / "pipe.txt")
    return root


def test_files_every_entry_not_read_has_a_reason(folder):
    files, skipped = scan_transcripts(folder / "transcripts")
    assert [f.relative_to(folder / "transcripts").as_posix() for f in files] == ["a.txt", "weird.txt/inside.txt"]
    reasons = {s.path.name: s.reason for s in skipped}
    assert set(reasons) == {
        "notes.pages",
        "old.doc",
        "~$draft.docx",
        ".hidden.txt",
        "weird.txt",
        "dangling.txt",
        "pipe.txt",
    }
    assert "a Pages document: export it as .docx" in reasons["notes.pages"]
    assert "an old Word document: save it as .docx" in reasons["old.doc"]
    assert "a Word lock file" in reasons["~$draft.docx"]
    assert "a hidden file" in reasons[".hidden.txt"]
    assert "a folder named like a transcript file" in reasons["weird.txt"]
    assert "a symbolic link to something that does not exist" in reasons["dangling.txt"]
    assert "a named pipe" in reasons["pipe.txt"]


def test_files_are_reported_once_per_run_and_listed_by_check(folder, cli):
    result = cli("-C", folder, "transcripts", "--format", "json")
    assert result.exit_code == 0
    assert [t["id"] for t in json.loads(result.stdout)] == ["a", "weird.txt/inside"]
    lines = [line for line in result.stderr.splitlines() if "not read" in line or "folder named" in line]
    # seven files not read: the first five are printed, the rest summarised once (point 17)
    assert len(lines) == 5 and len(set(lines)) == 5
    assert result.stderr.endswith("warning: … and 2 more warning(s): run `qualcode check` to see them all\n")
    check = json.loads(cli("-C", folder, "check", "--format", "json").stdout)
    warnings = [f["message"] for f in check["findings"] if f["level"] == "warning"]
    assert sum("transcripts/" in w and ("not read" in w or "folder named" in w) for w in warnings) == 7


def test_files_an_unreadable_file_is_reported(folder, monkeypatch):
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if str(path).endswith("a.txt") else real(path, mode))
    files, skipped = scan_transcripts(folder / "transcripts")
    assert "a.txt" not in [f.name for f in files]
    assert any(s.path.name == "a.txt" and "permission denied" in s.reason for s in skipped)


def test_files_a_broken_file_is_an_error_and_the_others_still_list(make_project, cli):
    root = make_project({"good.txt": "---\ncase: X\n---\nAnn: fine\n", "bad.txt": "---\ncase: [x\n---\nBo: hi\n"})
    (root / "transcripts" / "broken.docx").write_bytes(b"not a zip")
    listed = cli("-C", root, "transcripts", "--format", "json")
    assert listed.exit_code == 1
    assert [t["id"] for t in json.loads(listed.stdout)] == ["good"]
    assert "transcripts/bad.txt:2: YAML syntax error" in listed.stderr
    assert "transcripts/broken.docx: not a readable Word document" in listed.stderr
    check = cli("-C", root, "check", "--format", "json")
    assert check.exit_code == 1
    errors = [f["message"] for f in json.loads(check.stdout)["findings"] if f["level"] == "error"]
    assert any(e.startswith("transcripts/broken.docx:") for e in errors)
    # commands that need the whole study stop, naming the files
    matrix = cli("-C", root, "matrix")
    assert matrix.exit_code == 1 and "transcripts/broken.docx" in matrix.stderr
    with pytest.raises(Exception, match="broken.docx"):
        open_project(root).corpus


def test_files_caption_cues_become_turns_by_speaker():
    cues = [
        Cue("Maria Lopez", "Good morning.", 1.0, 2.5),
        Cue("Maria Lopez", "Shall we start?", 2.5, 4.0),
        Cue("Interviewer", "Yes.", 4.2, 5.0),
        Cue(None, "[music]", 5.0, 6.0),
    ]
    text, turns = turns_from_cues(cues)
    assert text == "Maria Lopez: Good morning.\nShall we start?\n\nInterviewer: Yes.\n\n[music]"
    assert [(t.speaker, text[t.start : t.end], t.time_start, t.time_end) for t in turns] == [
        ("Maria Lopez", "Good morning.\nShall we start?", 1.0, 4.0),
        ("Interviewer", "Yes.", 4.2, 5.0),
        (None, "[music]", 5.0, 6.0),
    ]
