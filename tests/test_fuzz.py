"""Fuzzing with hypothesis: random codebooks, front matter, coder files and command-line
arguments never end in a traceback, exit only with 0, 1 or 2, and change nothing when they fail.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.cli.app import main
from tests.helpers import ProjectMaker, build_study, tree

SETTINGS = settings(
    max_examples=int(os.environ.get("QUALCODE_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize="QUALCODE_FUZZ_EXAMPLES" not in os.environ,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return build_study(ProjectMaker(tmp_path_factory.mktemp("fuzz"))).root


class Sandbox:
    """A fresh copy of the coded study per example (hypothesis reuses the test's fixtures)."""

    def __init__(self, template: Path, base: Path):
        self.template, self.base, self.count = template, base, 0

    def fresh(self) -> Path:
        self.count += 1
        root = self.base / f"s{self.count}"
        shutil.copytree(self.template, root)
        return root


@pytest.fixture
def sandbox(template, tmp_path) -> Sandbox:
    return Sandbox(template, tmp_path)


def run(root: Path, *args: str):
    result = CliRunner().invoke(main, ["-C", str(root), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails showing it
    return result


def assert_sane(result, root: Path, before: dict) -> None:
    assert result.exit_code in (0, 1, 2), result.exit_code
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code != 0:
        assert tree(root) == before


# Text with the characters that break parsers: YAML indicators, quotes, tabs, control
# characters, non-ASCII letters, emoji.
NASTY = st.text(
    alphabet=st.sampled_from(list("ab :-[]{}#&*!|>'\"%@`,?\t\n\\/é漢😀") + ["\x00", "\x1b", "\u2028"]),
    max_size=60,
)
SCALARS = st.one_of(NASTY, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
YAMLISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(NASTY, inner, max_size=4)),
    max_leaves=12,
)


@SETTINGS
@given(text=st.one_of(NASTY, YAMLISH.map(lambda v: json.dumps(v, ensure_ascii=False))))
def test_fuzz_codebook_text(sandbox, text):
    root = sandbox.fresh()
    (root / "codebooks" / "district-practices.yaml").write_text(text, encoding="utf-8")
    before = tree(root)
    assert_sane(run(root, "codebook", "validate"), root, before)


@SETTINGS
@given(
    codes=st.lists(
        st.fixed_dictionaries(
            {"id": NASTY},
            optional={
                "label": SCALARS,
                "keywords": YAMLISH,
                "patterns": YAMLISH,
                "children": YAMLISH,
                "color": SCALARS,
            },
        ),
        max_size=4,
    )
)
def test_fuzz_codebook_structure(sandbox, codes):
    root = sandbox.fresh()
    text = json.dumps({"name": "fuzz", "codes": codes}, ensure_ascii=False)  # JSON is YAML
    (root / "codebooks" / "district-practices.yaml").write_text(text, encoding="utf-8")
    before = tree(root)
    assert_sane(run(root, "check"), root, before)


@SETTINGS
@given(front=st.one_of(NASTY, YAMLISH.map(lambda v: json.dumps(v, ensure_ascii=False))))
def test_fuzz_front_matter(sandbox, front):
    root = sandbox.fresh()
    path = root / "transcripts" / "alder" / "fuzz.txt"
    path.write_text(f"---\n{front}\n---\nInterviewer: hi\n\nTeacher: we plan together.\n", encoding="utf-8")
    before = tree(root)
    assert_sane(run(root, "transcripts", "--format", "json"), root, before)


@SETTINGS
@given(
    line=st.one_of(
        NASTY,
        YAMLISH.map(lambda v: json.dumps(v, ensure_ascii=False)),
        st.dictionaries(
            st.sampled_from(
                ["type", "transcript", "segment", "code", "coder", "source", "timestamp", "anchor", "memo"]
            ),
            YAMLISH,
        ).map(json.dumps),
    )
)
def test_fuzz_coder_file_lines(sandbox, line):
    root = sandbox.fresh()
    path = root / "codings" / "ana.jsonl"
    path.write_text(path.read_text() + line.replace("\n", " ") + "\n", encoding="utf-8")
    before = tree(root)
    assert_sane(run(root, "check"), root, before)
    assert_sane(run(root, "log"), root, before)


COMMANDS = st.sampled_from(
    [
        ["segments"],
        ["quotes"],
        ["agree"],
        ["matrix"],
        ["show"],
        ["code"],
        ["stats"],
        ["log"],
        ["coders"],
        ["suggest"],
    ]
)
ARGUMENTS = st.lists(
    st.one_of(
        NASTY,
        st.sampled_from(
            ["--coder", "--coders", "--format", "--seed", "--bootstrap", "--limit", "-n", "--min-score", "--by"]
        ),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
    ),
    max_size=5,
)


@SETTINGS
@given(command=COMMANDS, arguments=ARGUMENTS)
def test_fuzz_command_line_arguments(sandbox, command, arguments):
    root = sandbox.fresh()
    before = tree(root)
    result = run(root, *command, *[a.replace("\x00", "") for a in arguments])
    assert_sane(result, root, before)
