"""The benchmark scripts stay runnable: they import only what the package has (they are run by
hand, `make bench`, not in the suite; this catches a rename that would leave them stale)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.helpers import REPO

SCRIPTS = sorted((REPO / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_benchmarks_import(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main)
