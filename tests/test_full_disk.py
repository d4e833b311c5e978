"""A full disk: every write command ends in ``Error: cannot write FILE: no space left on device``
(exit 1), with nothing half-written and the old files intact.

On a real 2 MB tmpfs where the test can mount one (CI runs as root), filled to the last page; and
everywhere by making the write fail (``os.fsync`` raising ENOSPC, EDQUOT, EROFS or EACCES).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from qualcode.app.study import open_project
from tests.helpers import ProjectMaker, build_study, segment
from tests.helpers import tree as project_tree


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """The project's entries (lock files and the parse cache aside: never data)."""
    return project_tree(root, skip=(".qualcode", ".lock"))


def write_commands(study) -> dict[str, list[str]]:
    study.save_suggestions([])  # the suggestions/ folder exists, as in any project that ran suggest
    seg = segment(study, "Families are partners").id
    coded = segment(study, "We look at the benchmark").id
    (study.root / "in.csv").write_text("transcript,quote,code\nbayview/teacher-01,We have a PLC too,plc\n")
    return {
        "code": ["code", seg, "plc", "--coder", "ana"],
        "uncode": ["uncode", coded, "assessment", "--coder", "ana"],
        "annotate": ["annotate", seg, "a note about families", "--coder", "ana"],
        "done": ["done", "bayview/teacher-01", "--coder", "ana"],
        "memo new": ["memo", "new", "Trust and coaching", "--author", "ana"],
        "export codings": ["export", "codings", "-o", "exports/codings.csv"],
        "report": ["report", "-o", "reports/report.html"],
        "matrix": ["matrix", "--format", "csv", "-o", "exports/matrix.csv"],
        "suggest --save": ["suggest", "--save"],
        "codebook rename": ["codebook", "rename", "family", "families"],
        "import codings": ["import", "codings", str(study.root / "in.csv"), "--coder", "ana"],
        "reconcile": ["reconcile", "--coders", "ana,ben", "--into", "ana-ben", "--keep-union"],
    }


def assert_clean_failure(result, before, root):
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exit_code == 1, result.stderr
    assert "Error: cannot write" in result.stderr
    after = tree(root)
    assert after == before, sorted(set(after.items()) ^ set(before.items()))


# ------------------------------------------------------------------------------------------------
# Everywhere: the write fails at fsync, with each errno a full or read-only disk gives
# ------------------------------------------------------------------------------------------------

REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
}


@pytest.fixture
def coded(make_project):
    study = build_study(make_project)
    return study, write_commands(study)


@pytest.mark.parametrize("number", REASONS)
@pytest.mark.parametrize(
    "command", ["code", "annotate", "done", "memo new", "export codings", "report", "suggest --save", "reconcile"]
)
def test_a_failing_write_is_a_clean_error(coded, cli, monkeypatch, command, number):
    study, commands = coded
    before = tree(study.root)

    def fail(fd):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(os, "fsync", fail)
    result = cli("-C", study.root, *commands[command])
    monkeypatch.undo()
    assert_clean_failure(result, before, study.root)
    assert REASONS[number] in result.stderr


def test_the_coding_and_its_log_entry_are_one_transaction(coded, cli, monkeypatch):
    """The log entry is written first; when the coder file cannot be replaced, it is cut off again."""
    study, commands = coded
    before = tree(study.root)
    real_replace = os.replace

    def fail_replace(src, dst):
        if str(dst).endswith("ana.jsonl"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_replace)
    result = cli("-C", study.root, *commands["code"])
    monkeypatch.undo()
    assert_clean_failure(result, before, study.root)
    again = cli("-C", study.root, *commands["code"])  # and with space again it works, logged once
    assert again.exit_code == 0, again.stderr
    log = (study.root / "codings" / "log" / "ana.jsonl").read_text().splitlines()
    assert sum('"plc"' in line and "Families" not in line for line in log[-1:]) == 1


def test_init_on_a_failing_disk_leaves_no_half_project(tmp_path, cli, monkeypatch):
    target = tmp_path / "study"

    def fail(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fail)
    result = cli("init", target)
    monkeypatch.undo()
    assert result.exit_code == 1 and "no space left on device" in result.stderr
    assert not (target / "qualcode.yaml").exists()
    assert [p for p in target.rglob("*") if p.is_file() and p.stat().st_size == 0] == []
    again = cli("init", target)  # a failed init never blocks the next one
    assert again.exit_code == 0, again.stderr
    assert open_project(target).codebook.codes


# ------------------------------------------------------------------------------------------------
# A real full disk: a 2 MB tmpfs, filled to the last page
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of ``folder`` to the last byte, then free ``leave`` bytes again."""
    filler = folder / f".filler-{uuid.uuid4().hex}"
    spare = folder / ".spare"
    if leave:
        spare.write_bytes(b"\0" * leave)
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    if leave:
        spare.unlink()


@pytest.mark.parametrize("leave", [0, 4096])
def test_every_write_command_on_a_full_tmpfs(tiny_disk, cli, leave):
    study = build_study(ProjectMaker(tiny_disk))
    commands = write_commands(study)
    study.annotate(segment(study, "Our PLC meets").id, "a note", "ana")
    (study.root / "memos").mkdir()
    (study.root / "exports").mkdir()
    (study.root / "reports").mkdir()
    fill(tiny_disk, leave)
    results = {}
    for name, args in commands.items():
        before = tree(study.root)
        result = cli("-C", study.root, *args)
        results[name] = result.exit_code
        assert "Traceback" not in result.stdout + result.stderr, name
        if result.exit_code == 0:
            # with a page free a small write may fit, and then it is whole; on a disk with no
            # page free only a write of nothing (an empty suggestions file) can succeed
            assert leave or tree(study.root) == before, name
            continue
        assert result.exit_code == 1, (name, result.stderr)
        assert "no space left on device" in result.stderr, (name, result.stderr)
        assert tree(study.root) == before, name
    # whatever happened, every coder file and log still parses
    reopened = open_project(study.root)
    reopened.load_codings()
    reopened.store.read_log()
    if leave == 0:
        assert sum(code == 1 for code in results.values()) >= len(results) - 1, results


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_to_a_full_device_is_a_clean_error(make_project):
    import sys

    study = build_study(make_project)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "qualcode", "-C", str(study.root), "segments", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Error: cannot write to standard output: no space left on device" in done.stderr
