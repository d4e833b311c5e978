import json
import os
import subprocess
import sys

import click

from qualcode.cli.app import main
from qualcode.cli.registry import REGISTRY
from qualcode.study.views import SEGMENT_KEYS
from tests.helpers import INTERVIEW, REPO


def all_commands(group=main, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_cli_command_registry_matches_the_command_modules():
    import importlib
    import pkgutil

    import qualcode.cli as package
    from qualcode.cli.registry import REGISTRY

    defined = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.endswith("_cmd"):
            module = importlib.import_module(f"qualcode.cli.{info.name}")
            defined.update({command.name: info.name for command in module.COMMANDS})
    assert defined == REGISTRY


def test_cli_hand_coding_commands_do_not_import_heavy_libraries(tmp_path):
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from qualcode.cli import main\n"
        f"CliRunner().invoke(main, ['init', {str(tmp_path / 'p')!r}])\n"
        f"CliRunner().invoke(main, ['-C', {str(tmp_path / 'p')!r}, 'code', '--help'])\n"
        f"CliRunner().invoke(main, ['-C', {str(tmp_path / 'p')!r}, 'segments'])\n"
        f"CliRunner().invoke(main, ['-C', {str(tmp_path / 'p')!r}, 'stats'])\n"
        "print(sorted(m for m in ('pandas', 'spacy', 'numpy', 'jinja2') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip() == "[]", result.stderr


def test_cli_top_level_help_imports_no_command_module_nor_heavy_library(tmp_path):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qualcode", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "qualcode.cli.app" in imported  # the parse of -X importtime works
    heavy = {m for m in imported if m.split(".")[0] in ("spacy", "pandas", "sklearn", "numpy", "jinja2", "rapidfuzz")}
    assert heavy == set()
    assert {m for m in imported if m.endswith("_cmd")} == set()
    lazy = result.stdout.split("Commands:")[1]
    eager = (  # every command loaded first: click lists them from the command objects
        "import click, sys\n"
        "from qualcode.cli.app import main\n"
        "from qualcode.cli.registry import REGISTRY\n"
        "for name in REGISTRY:\n"
        "    main.get_command(click.Context(main), name)\n"
        "main(['--help'])\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", eager], capture_output=True, text=True, cwd=REPO, env={**os.environ, "COLUMNS": "100"}
    )
    assert lazy == loaded.stdout.split("Commands:")[1]
    assert len(lazy.strip().splitlines()) >= len(REGISTRY)


def test_cli_registry_summaries_are_the_commands_own_help(cli):
    from qualcode.cli.registry import SUMMARIES, load_command

    assert set(SUMMARIES) == set(REGISTRY)
    for name, summary in SUMMARIES.items():
        assert summary == load_command(name).get_short_help_str(10_000), name


def test_cli_every_command_has_help_with_an_example(cli):
    for path, command in all_commands():
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        if not isinstance(command, click.Group):
            assert "Example" in result.output, f"{' '.join(path)} --help has no example"


def test_cli_init_creates_a_working_project_and_refuses_to_overwrite(cli, tmp_path):
    target = tmp_path / "study"
    result = cli("init", target)
    assert result.exit_code == 0, result.output
    for relative in (
        "qualcode.yaml",
        "codebooks/district-practices.yaml",
        "transcripts/example/teacher-01.txt",
        ".gitignore",
    ):
        assert (target / relative).is_file()
    for folder in ("codings", "reports", "memos"):
        assert (target / folder).is_dir()
    segments = json.loads(cli("-C", target, "segments", "--format", "json").stdout)
    assert [s["speaker"] for s in segments][:2] == ["Interviewer", "Jordan Ellis"]
    assert cli("-C", target, "codebook", "validate").exit_code == 0

    (target / "qualcode.yaml").write_text("segment_by: paragraph\n")
    again = cli("init", target)
    assert again.exit_code == 1
    assert "already a qualcode project" in again.stderr
    assert (target / "qualcode.yaml").read_text() == "segment_by: paragraph\n"


def test_cli_segments_json_has_exactly_the_contract_keys(cli, make_project):
    root = make_project({"alder-creek/teacher-01.txt": INTERVIEW})
    result = cli("-C", root, "segments", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert all(tuple(r) == SEGMENT_KEYS for r in rows)
    assert rows[0]["speaker"] == "Interviewer" and rows[0]["case"] == "Alder Creek"
    assert rows[1]["attributes"] == {"case": "Alder Creek", "participant": "AC-T9", "role": "teacher"}
    assert result.stderr == ""


def test_cli_segments_speaker_is_null_when_none(cli, make_project):
    root = make_project({"a.txt": "---\ncase: X\n---\nJust some notes without speakers.\n"})
    rows = json.loads(cli("-C", root, "segments", "--format", "json").stdout)
    assert rows[0]["speaker"] is None


def test_cli_segments_filter_and_unknown_transcript(cli, make_project):
    root = make_project({"alder-creek/teacher-01.txt": INTERVIEW, "b.txt": "---\ncase: B\n---\nQ: x\n"})
    rows = json.loads(cli("-C", root, "segments", "--transcript", "b", "--format", "json").stdout)
    assert {r["transcript"] for r in rows} == {"b"}
    result = cli("-C", root, "segments", "--transcript", "alder-creek/teacher-1")
    assert result.exit_code == 1
    assert "no transcript 'alder-creek/teacher-1' (did you mean 'alder-creek/teacher-01'?)" in result.stderr


def test_cli_segments_csv_is_protected_against_formulas(cli, make_project):
    root = make_project({"a.txt": '---\ncase: X\n---\nMaria: =HYPERLINK("http://x")\n'})
    out = cli("-C", root, "segments", "--format", "csv").stdout
    assert out.splitlines()[0] == ",".join(SEGMENT_KEYS)
    assert "'=HYPERLINK" in out


def test_cli_without_project_is_a_clear_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("segments")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no qualcode.yaml in")
    assert "Traceback" not in result.output


def test_cli_usage_error_exits_2(cli, make_project):
    root = make_project()
    result = cli("-C", root, "segments", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_cli_bad_transcripts_exit_1_listing_each_file(cli, make_project):
    root = make_project({"a.txt": "---\ncase: x\n", "b.txt": b"\x00\x00"})
    result = cli("-C", root, "segments")
    assert result.exit_code == 1
    assert "transcripts/a.txt:1: front matter opened with '---' is never closed" in result.stderr
    assert "transcripts/b.txt: looks like a binary file" in result.stderr


def test_cli_warnings_go_to_stderr_and_json_stays_clean(cli, make_project):
    root = make_project({"a.txt": "Q: hi\nA: hello\n"})
    result = cli("-C", root, "segments", "--format", "json")
    assert json.loads(result.stdout)[0]["case"] is None
    assert "warning: transcripts/a.txt: no 'case' attribute" in result.stderr


def test_cli_codebook_validate_reports_all_problems_and_exits_1(cli, make_project):
    root = make_project(codebook="name: X\ncodes:\n  - id: Bad Id\n    keywords: ['']\n  - id: ok\n    colr: '#fff'\n")
    result = cli("-C", root, "codebook", "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "codebooks/district-practices.yaml:3: code id 'Bad Id' may only use a-z, 0-9 and _; e.g. 'bad_id'",
        "codebooks/district-practices.yaml:4: code 'Bad Id' has an empty keyword; remove the blank entry",
        "codebooks/district-practices.yaml:6: unknown key 'colr' (did you mean 'color'?)",
        "Error: 3 problems in codebooks/district-practices.yaml",
    ]


def test_cli_codebook_validate_valid_prints_a_one_line_summary(cli, make_project):
    result = cli("-C", make_project(), "codebook", "validate")
    assert result.exit_code == 0
    assert result.stdout == (
        "codebooks/district-practices.yaml: valid — 'Mini' v1: 2 top-level codes, 3 codes in all, 4 keywords, 0 patterns\n"
    )


def test_cli_codebook_show_tree_and_json(cli, make_project):
    root = make_project()
    tree = cli("-C", root, "codebook", "show").stdout
    assert "collaborative_pl — Collaborative professional learning" in tree
    assert "  coaching — Coaching" in tree
    data = json.loads(cli("-C", root, "codebook", "show", "--format", "json").stdout)
    assert data["codes"][1]["children"][0]["path"] == "collaborative_pl/coaching"


def test_cli_cases_and_transcripts(cli, make_project):
    root = make_project({"alder-creek/teacher-01.txt": INTERVIEW})
    cases = json.loads(cli("-C", root, "cases", "--format", "json").stdout)
    assert cases == [
        {
            "case": "Alder Creek",
            "transcripts": 1,
            "participants": 1,
            "roles": ["teacher"],
            "segments": 2,
            "words": 36,
            "attributes": {},
        }
    ]
    rows = json.loads(cli("-C", root, "transcripts", "--format", "json").stdout)
    assert rows[0]["speakers"] == ["Interviewer", "Maria Lopez"] and rows[0]["coded_segments"] == 2


def test_cli_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "qualcode", "--version"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0 and result.stdout.startswith("qualcode, version")
