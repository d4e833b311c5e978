"""Shared fixtures: small real projects in tmp_path and a CLI runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualcode.app.study import open_project
from qualcode.cli.app import main
from tests.helpers import MINI_CODEBOOK, ProjectMaker


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
