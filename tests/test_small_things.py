"""Small things a new team notices (issue 13, point 17): warnings summarised once per run and
silenced by --quiet, `make demo` leaving the git tree clean, memo slugs keeping accents, a
readable `log` table, and help texts naming exactly the formats each command supports."""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import subprocess
import sys

import click
import pytest

from qualcode.cli.app import main
from tests.helpers import REPO

UNCASED = "Interviewer: Why?\n\nMaria Lopez: We meet every Wednesday.\n"


def test_small_warnings_print_the_first_five_then_one_summary_line(make_project, cli):
    root = make_project({f"t{n}.txt": UNCASED for n in range(8)})  # eight transcripts without a case
    result = cli("-C", root, "transcripts", "--format", "json")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 6
    assert all("no 'case' attribute" in line for line in lines[:5])
    assert lines[5] == "warning: … and 3 more warning(s): run `qualcode check` to see them all"
    assert result.stdout.startswith("[")  # stdout is still only JSON


def test_small_quiet_silences_warnings_but_not_errors(make_project, cli):
    root = make_project({f"t{n}.txt": UNCASED for n in range(8)})
    quiet = cli("-C", root, "--quiet", "transcripts")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert "t0" in quiet.stdout
    error = cli("-C", root, "-q", "show", "t9")
    assert error.exit_code == 1 and error.stderr.startswith("Error: ")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Équipe de soutien", "équipe-de-soutien"),
        ("Straße und Schüler", "straße-und-schüler"),
        ("../../etc/passwd", "etc-passwd"),
        ("...", "memo"),
        ("Coaching: trust / evaluation?", "coaching-trust-evaluation"),
    ],
)
def test_small_memo_slugs_keep_accented_letters_and_stay_safe(make_project, cli, title, slug):
    root = make_project({"a.txt": "---\ncase: A\n---\n" + UNCASED})
    result = cli("-C", root, "memo", "new", title, "--author", "ana", "--no-edit")
    assert result.exit_code == 0, result.stderr
    today = _dt.date.today().isoformat()
    assert result.stdout == f"memos/{today}-{slug}.md\n"
    assert (root / "memos" / f"{today}-{slug}.md").is_file()


def test_small_log_table_shows_readable_values(make_project, cli):
    root = make_project({"a.txt": "---\ncase: A\n---\n" + UNCASED + "\nMaria Lopez: And a coaching cycle.\n"})
    listed = cli("-C", root, "segments", "--format", "csv").stdout.splitlines()
    first, second = [line.split(",", 1)[0] for line in listed[1:] if "Maria Lopez" in line]
    cli(
        "-C",
        root,
        "code",
        first,
        "data_use",
        "collaborative_pl",
        "--coder",
        "ana",
        "--memo",
        "a {json: 'lookalike'}",
        "--new-coder",
    )
    cli("-C", root, "code", first, "data_use", "--coder", "ben", "--new-coder")
    cli("-C", root, "code", second, "coaching", "--coder", "ben")
    assert cli("-C", root, "reconcile", "--coders", "ana,ben", "--into", "ab", "--keep-union").exit_code == 0
    table = cli("-C", root, "log", "--coder", "ab", env={"COLUMNS": "300"}).stdout
    reconcile = [line for line in table.splitlines() if " reconcile " in line]
    assert len(reconcile) == 2
    for line in reconcile:
        what = line.split(" reconcile ", 1)[1]
        assert not re.search(r"[{}\[\]'\"]", what), what
    assert any(
        f"{first}; answer: b; coders: ana, ben; gave: ana: collaborative_pl, data_use; ben: data_use; "
        "kept: collaborative_pl, data_use" in line
        for line in reconcile
    )
    ana = cli("-C", root, "log", "--coder", "ana", env={"COLUMNS": "300"}).stdout
    assert f"collaborative_pl on {first}; memo: a {{json: 'lookalike'}}" in ana  # the user's own text, as typed


def _commands(command, path=()):
    if isinstance(command, click.Group):
        if path and command.invoke_without_command:
            yield " ".join(path), command  # a group that runs on its own (`coders`) has options too
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _commands(command.get_command(ctx, name), (*path, name))
    else:
        yield " ".join(path), command


FORMAT_WORDS = {
    "table",
    "tree",
    "text",
    "json",
    "csv",
    "markdown",
    "xlsx",
    "qdc",
    "qdpx",
    "html",
    "tsv",
    "yaml",
    "md",
    "docx",
}


def test_small_every_format_help_names_exactly_its_choices(cli):
    checked = 0
    for name, command in _commands(main):
        for param in command.params:
            if not (isinstance(param, click.Option) and "--format" in param.opts):
                continue
            assert isinstance(param.type, click.Choice), name
            choices = set(param.type.choices)
            named = {w for w in re.findall(r"[a-z]+", (param.help or "").lower()) if w in FORMAT_WORDS}
            assert named == choices, f"qualcode {name} --format: help names {sorted(named)}, accepts {sorted(choices)}"
            shown = cli(*name.split(), "--help").stdout
            assert f"--format [{'|'.join(param.type.choices)}]" in shown
            checked += 1
    assert checked >= 18  # every listing, matrix, export and check


def _copy_tracked_repo(target):
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source, dest = REPO / name, target / name
        if not os.path.lexists(source):
            continue  # deleted in the work tree, not yet committed
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), dest)
        else:
            shutil.copy2(source, dest)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git")
def test_small_make_demo_leaves_the_git_tree_clean(tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    _copy_tracked_repo(clone)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=clone, check=True)
    subprocess.run([*git, "add", "-A"], cwd=clone, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "demo"], cwd=clone, check=True)
    stamp = tmp_path / "installed"
    stamp.touch()  # the clone uses this interpreter's qualcode instead of building its own .venv
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALCODE_")}
    demo = subprocess.run(
        ["make", "-o", str(stamp), "demo", f"STAMP={stamp}", f"QC={sys.executable} -m qualcode"],
        cwd=clone,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert (clone / "reports" / "cross-case.html").is_file()
    status = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=clone, capture_output=True, text=True)
    assert status.stdout == ""
