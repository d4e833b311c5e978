"""Where ``-o`` may write: never over a device, never over the project's own data, never out
through a symlink, never into a folder that does not exist; the message names the file."""

from __future__ import annotations

import os
import stat

import pytest

from tests.helpers import build_study, tree


@pytest.fixture
def study(make_project):
    return build_study(make_project)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
@pytest.mark.parametrize("command", [["report"], ["export", "codings"], ["matrix", "--format", "csv"]])
def test_outputs_never_replace_a_device_node(study, cli, tmp_path, command):
    node = tmp_path / "full"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    result = cli("-C", study.root, *command, "-o", node)
    assert result.exit_code == 1
    assert f"refusing to write {node}: it is not a regular file" in result.stderr
    assert stat.S_ISCHR(node.lstat().st_mode)  # still the device


def test_outputs_never_replace_a_fifo(study, cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = cli("-C", study.root, "matrix", "--format", "csv", "-o", fifo)
    assert result.exit_code == 1 and "not a regular file" in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize(
    ("command", "target", "named"),
    [
        (["export", "codings"], "codings/ana.jsonl", "codings/"),
        (["report"], "qualcode.yaml", "qualcode.yaml"),
        (["matrix", "--format", "csv"], "transcripts/b/x.txt", "transcripts/"),
        (["matrix", "--format", "csv"], "codebooks/district-practices.yaml", "the codebook"),
        (["matrix", "--format", "csv"], "memos/new.md", "memos/"),
        (["matrix", "--format", "csv"], "suggestions/pending.jsonl", "suggestions/"),
    ],
)
def test_outputs_never_land_on_project_data(study, cli, command, target, named):
    before = tree(study.root)
    result = cli("-C", study.root, *command, "-o", target)
    assert result.exit_code == 2, result.output
    assert f"-o {target} would overwrite the project's own data ({named})" in result.stderr
    assert tree(study.root) == before


def test_outputs_refuse_folders_empty_names_symlinks_out_and_missing_folders(study, cli, tmp_path):
    before = tree(study.root)
    empty = cli("-C", study.root, "matrix", "-o", "")
    assert empty.exit_code == 2 and "needs a file name" in empty.stderr
    dot = cli("-C", study.root, "matrix", "-o", ".")
    assert dot.exit_code == 1 and "cannot write .: is a directory" in dot.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    (study.root / "exports").symlink_to(outside)
    through = cli("-C", study.root, "matrix", "--format", "csv", "-o", "exports/m.csv")
    assert through.exit_code == 1 and "leads outside the project folder through a symlink" in through.stderr
    assert not list(outside.iterdir())
    missing = cli("-C", study.root, "matrix", "--format", "csv", "-o", tmp_path / "nowhere" / "m.csv")
    assert missing.exit_code == 1 and "does not exist; create it first" in missing.stderr
    assert not (tmp_path / "nowhere").exists()
    (study.root / "exports").unlink()
    assert tree(study.root) == before


def test_learn_may_write_models_and_codebook_import_may_write_codebooks(study, cli):
    from qualcode.study.project import locate_project

    project = locate_project(study.root)
    assert project.output_path("models/other.json", allow="models").name == "other.json"
    assert project.output_path("codebooks/new.yaml", allow="codebooks").name == "new.yaml"
