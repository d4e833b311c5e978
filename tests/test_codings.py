"""The coding store: format, integrity, concurrency, crash safety."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from qualcode.app.study import open_project
from qualcode.coding.records import coder_slug
from qualcode.errors import StoreError, WriteError
from tests.helpers import INTERVIEW, REPO


@pytest.fixture
def project(load):
    return load({"alder-creek/teacher-01.txt": INTERVIEW})


def answer(project, n=0):
    return [s for s in project.corpus.segments if not s.skipped][n]


def test_codings_file_is_sorted_diff_friendly_json_lines(project):
    second, first = answer(project, 1), answer(project, 0)
    project.code(second.id, ["data_use"], "Ana Ruiz", memo="regrouping")
    project.code(first.id, ["coaching", "data_use"], "Ana Ruiz")
    project.mark_done(["alder-creek/teacher-01"], "Ana Ruiz")
    path = project.root / "codings" / "ana-ruiz.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0] == {"coder": "Ana Ruiz", "format": "qualcode-codings", "type": "header", "version": 1}
    assert [r["type"] for r in records[1:]] == ["done", "coding", "coding", "coding"]
    keys = [(r["segment"], r["code"]) for r in records[2:]]
    assert keys == sorted(keys)
    coding = next(r for r in records if r.get("memo") == "regrouping")
    assert set(coding) == {"type", "transcript", "segment", "code", "coder", "source", "timestamp", "memo", "anchor"}
    assert coding["anchor"]["quote"] == second.text and coding["source"] == "manual"
    assert all(list(json.loads(line)) == sorted(json.loads(line)) for line in lines)


def test_codings_same_code_twice_is_a_no_op(project):
    segment = answer(project)
    assert project.code(segment.id, ["data_use"], "ana") == (["data_use"], [])
    before = (project.root / "codings" / "ana.jsonl").read_text()
    assert project.code(segment.id, ["data_use"], "ana") == ([], ["data_use"])
    assert (project.root / "codings" / "ana.jsonl").read_text() == before


def test_codings_remove_and_reload(project):
    segment = answer(project)
    project.code(segment.id, ["data_use", "coaching"], "ana")
    assert project.uncode(segment.id, ["coaching"], "ana") == ["coaching"]
    assert project.uncode(segment.id, ["coaching"], "ana") == []
    assert [(c.segment, c.code) for c in project.load_codings().codings] == [(segment.id, "data_use")]


def test_codings_notes_and_done_marks(project):
    segment = answer(project)
    project.annotate(segment.id, "first note", "ana")
    project.annotate(segment.id, "second note", "ana")
    project.mark_done(["alder-creek/teacher-01"], "ana")
    loaded = project.load_codings()
    assert [n.text for n in loaded.notes] == ["first note", "second note"]
    assert loaded.done == {"ana": {"alder-creek/teacher-01"}}
    assert loaded.covered("ana") == {"alder-creek/teacher-01"}


def test_codings_coding_an_interviewer_turn_warns(project):
    interviewer = project.corpus.segments[0]
    assert interviewer.skipped
    project.code(interviewer.id, ["data_use"], "ana")
    assert any("one of speakers_to_skip" in w for w in project.warnings)


def test_codings_unparsable_file_is_reported_and_never_overwritten(project):
    path = project.root / "codings" / "ana.jsonl"
    project.code(answer(project).id, ["data_use"], "ana")
    broken = path.read_text() + '{"type": "coding", "transcript": \n'
    path.write_text(broken)
    with pytest.raises(StoreError) as info:
        project.code(answer(project, 1).id, ["coaching"], "ana")
    assert "codings/ana.jsonl:3: not a valid JSON record" in str(info.value)
    assert "left untouched" in str(info.value)
    assert path.read_text() == broken


def test_codings_git_conflict_markers_are_explained(project):
    path = project.root / "codings" / "ana.jsonl"
    project.code(answer(project).id, ["data_use"], "ana")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "<<<<<<< HEAD", lines[1], "=======", lines[1], ">>>>>>> theirs", ""]))
    with pytest.raises(StoreError, match=r"codings/ana.jsonl:2: unresolved git merge conflict marker"):
        project.load_codings()


def test_codings_merged_duplicate_lines_keep_one_coding(project):
    path = project.root / "codings" / "ana.jsonl"
    project.code(answer(project).id, ["data_use"], "ana")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n")  # what a git union merge can leave
    assert len(project.load_codings().codings) == 1


def test_codings_coder_slug():
    assert coder_slug("Ana Ruiz") == "ana-ruiz"
    assert coder_slug("José") == "josé"


def test_codings_unknown_coder_filter_suggests_a_name(project):
    project.code(answer(project).id, ["data_use"], "ana")
    from qualcode.errors import QualcodeError

    with pytest.raises(QualcodeError, match=r"no codings by coder 'anna' \(did you mean 'ana'\?\)"):
        project.load_codings(["anna"])


def test_codings_audit_log_records_who_when_what(project):
    segment = answer(project)
    project.code(segment.id, ["data_use"], "ana")
    project.uncode(segment.id, ["data_use"], "ana")
    log = project.store.read_log()
    assert [(e["action"], e["code"], e["coder"]) for e in log] == [
        ("code", "data_use", "ana"),
        ("uncode", "data_use", "ana"),
    ]
    assert all(e["timestamp"].endswith("Z") for e in log)


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from qualcode.app.study import open_project
    project = open_project({root!r})
    segments = [s for s in project.corpus.segments if not s.skipped]
    worker = int(sys.argv[1])
    for segment in segments[worker * 25:(worker + 1) * 25]:
        for code in ("data_use", "coaching"):
            project.code(segment.id, [code], "ana")
    """
)


def big_transcript(paragraphs: int) -> str:
    body = "\n\n".join(f"Paragraph number {i} about something specific, {i * 7} things." for i in range(paragraphs))
    return f"---\ncase: X\n---\nMaria: {body}\n"


@pytest.mark.slow
def test_codings_eight_concurrent_writers_lose_nothing(make_project, tmp_path):
    root = make_project({"big.txt": big_transcript(200)}, config="segment_by: paragraph\n")
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(repo=str(REPO), root=str(root)))
    processes = [subprocess.Popen([sys.executable, str(script), str(n)]) for n in range(8)]
    assert [p.wait(timeout=300) for p in processes] == [0] * 8
    codings = open_project(root).load_codings().codings
    assert len(codings) == 400
    assert len({(c.segment, c.code) for c in codings}) == 400
    log = open_project(root).store.read_log("ana")
    assert len(log) == 400


LOOPER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from qualcode.app.study import open_project
    project = open_project({root!r})
    segments = [s for s in project.corpus.segments if not s.skipped]
    print("ready", flush=True)
    i = 0
    while True:
        segment = segments[i % len(segments)]
        project.code(segment.id, ["data_use"], "ana")
        if i % 3 == 0:
            project.uncode(segment.id, ["data_use"], "ana")
        i += 1
    """
)


def test_codings_killed_writer_leaves_a_whole_file(make_project, tmp_path):
    root = make_project({"big.txt": big_transcript(120)}, config="segment_by: paragraph\n")
    script = tmp_path / "looper.py"
    script.write_text(LOOPER.format(repo=str(REPO), root=str(root)))
    path = root / "codings" / "ana.jsonl"
    for delay in (0.05, 0.11, 0.23, 0.31, 0.47):
        process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        if path.exists():
            open_project(root).load_codings()  # raises if the file were torn
    assert path.exists()
    # Leftover temporary files are hidden and never read as coder files.
    assert open_project(root).store.coders() == ["ana"]


def test_codings_failed_rename_keeps_the_old_file(project, monkeypatch):
    segment = answer(project)
    project.code(segment.id, ["data_use"], "ana")
    path = project.root / "codings" / "ana.jsonl"
    before = path.read_text()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WriteError, match="cannot write codings/ana.jsonl: disk full"):
        project.code(answer(project, 1).id, ["coaching"], "ana")
    assert path.read_text() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
