"""Shared fixtures: small real projects in tmp_path and a CLI runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.project import open_project

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

MINI_CODEBOOK = """\
name: Mini
version: "1"
codes:
  - id: data_use
    label: Data use
    definition: Using evidence to improve teaching.
    keywords: [benchmark assessment, data chat]
  - id: collaborative_pl
    label: Collaborative professional learning
    keywords: [professional learning community]
    children:
      - id: coaching
        label: Coaching
        keywords: [coaching cycle]
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class ProjectMaker:
    """Writes a project folder: qualcode.yaml, a codebook and transcript files."""

    def __init__(self, root: Path):
        self.root = root

    def __call__(self, transcripts: dict[str, str | bytes] | None = None, config: str = "",
                 codebook: str = MINI_CODEBOOK, name: str = "study") -> Path:
        root = self.root / name
        (root / "transcripts").mkdir(parents=True, exist_ok=True)
        (root / "codebooks").mkdir(exist_ok=True)
        (root / "qualcode.yaml").write_text(config or "segment_by: turn\n", encoding="utf-8")
        (root / "codebooks" / "district-practices.yaml").write_text(codebook, encoding="utf-8")
        for relative, content in (transcripts or {}).items():
            path = root / "transcripts" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(dedent(content), encoding="utf-8")
        return root


@pytest.fixture
def make_project(tmp_path) -> ProjectMaker:
    return ProjectMaker(tmp_path)


@pytest.fixture
def load(make_project):
    """Build a project and open it, collecting warnings in ``project.warnings``."""

    def _load(transcripts=None, config="", codebook=MINI_CODEBOOK):
        root = make_project(transcripts, config, codebook)
        return open_project(root)

    return _load


@pytest.fixture
def cli():
    """Run the CLI: ``cli("-C", dir, "segments")`` -> click Result (stdout/stderr apart)."""
    runner = CliRunner()

    def _invoke(*args, input=None, env=None):
        return runner.invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)

    return _invoke


INTERVIEW = """\
---
case: Alder Creek
participant: AC-T9
role: teacher
---
Interviewer: How do teachers work together here?

Maria Lopez: We meet every Wednesday in our professional learning community.

We bring the benchmark assessment and sort the work.

Interviewer: And coaching?

Maria Lopez: My coach and I did a coaching cycle last fall.
"""
