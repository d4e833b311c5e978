"""The README stays true: every command, option file key and tour step it shows works."""

import re

from qualcode.cli.registry import REGISTRY
from qualcode.study.config import CONFIG_KEYS
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_docs_readme_quick_start_has_the_two_commands():
    assert re.search(r"^make demo$", README, re.M) and re.search(r"^make test$", README, re.M)


def test_docs_every_command_is_documented():
    for name in REGISTRY:
        assert f"qualcode {name}" in README, f"`qualcode {name}` is not in the README"


def test_docs_every_config_key_is_documented():
    for key in CONFIG_KEYS:
        assert f"| `{key}` |" in README, f"qualcode.yaml key {key} is not in the README table"


def test_docs_the_tour_runs(cli, tmp_path):
    tour = README[README.index("## A tour of the CLI") : README.index("## Projects and")]
    segment = re.search(r"qualcode code '([^']+)'", tour).group(1)
    project = tmp_path / "my-study"
    steps = [
        ["init", project],
        ["-C", project, "codebook", "validate"],
        ["-C", project, "codebook", "show", "--brief"],
        ["-C", project, "transcripts"],
        ["-C", project, "cases"],
        ["-C", project, "show", "example/teacher-01", "--coder", "ana"],
        ["-C", project, "code", segment, "plc", "coaching", "--coder", "ana", "--new-coder"],
        ["-C", project, "suggest", "--save"],
        ["-C", project, "done", "example/teacher-01", "--coder", "ana", "--new-coder"],
        ["-C", project, "quotes", "plc", "--where", "role=teacher"],
        ["-C", project, "matrix", "--measure", "share"],
        ["-C", project, "report"],
    ]
    for step in steps:
        result = cli(*step)
        assert result.exit_code == 0, (step, result.stderr)
    review = cli("-C", project, "review", "--coder", "ana", "--new-coder", input="q\n")
    assert review.exit_code == 0, review.stderr
    quotes = cli("-C", project, "quotes", "plc", "--where", "role=teacher", "--format", "json").stdout
    assert "PLC time" in quotes
    assert (project / "reports" / "cross-case.html").is_file()
