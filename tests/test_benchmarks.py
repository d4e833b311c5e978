"""The benchmark scripts stay runnable: they import only what the package has (they are run by
hand, `make bench`, not in the suite; this catches a rename that would leave them stale)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.helpers import REPO

SCRIPTS = sorted((REPO / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_benchmarks_import(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main)


def test_bench_pipeline_prints_one_json_object_of_every_stage(tmp_path):
    """`bench_pipeline.py` at a tiny size: one JSON object on stdout with the issue's keys and
    figures that agree with the study it generated (timings are not asserted)."""
    study = tmp_path / "study"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_pipeline.py"), "--words", "3000", "--codings", "400"]
        + ["--keep", str(study)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)  # stdout is only the JSON object; progress went to stderr
    assert "run 1 (cold)" in done.stderr
    assert set(figures) >= {
        "words",
        "transcripts",
        "segments",
        "codings",
        "seconds",
        "words_per_second",
        "peak_rss_mb",
        "report_bytes",
        "suggest_vs_tokenizer",
    }
    stages = {"load_and_segment", "suggest", "tokenizer", "import", "matrix", "matrix_suggestions", "agree", "report"}
    assert set(figures["seconds"]) == stages
    assert all(seconds > 0 for seconds in figures["seconds"].values())
    assert 3000 <= figures["words"] < 4500
    assert figures["transcripts"] == 2 == len(list((study / "transcripts").rglob("*.md")))
    # ~75 words per interviewee paragraph, one segment each (interviewer questions are skipped)
    assert 25 <= figures["segments"] <= 80
    # both coders' codings went in through `import codings`, into the real store
    lines = [line for p in (study / "codings").glob("*.jsonl") for line in p.read_text(encoding="utf-8").splitlines()]
    stored = sum(json.loads(line)["type"] == "coding" for line in lines)
    assert figures["codings"] == stored
    assert 300 <= stored <= 400
    assert figures["report_bytes"] == (study / "reports" / "bench.html").stat().st_size > 10_000
    assert figures["words_per_second"] == round(figures["words"] / figures["seconds"]["suggest"])
    assert figures["suggest_vs_tokenizer"] == round(figures["seconds"]["suggest"] / figures["seconds"]["tokenizer"], 2)
    assert 50 < figures["peak_rss_mb"] < 4000
    # the sentence mix exercises the codebook: most themes are suggested somewhere
    assert figures["suggestions"] > 0


def test_bench_pipeline_study_is_deterministic(tmp_path):
    """The same seed writes the same study and codings byte for byte; another seed does not."""
    spec = importlib.util.spec_from_file_location("bench_pipeline", REPO / "benchmarks" / "bench_pipeline.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    def written(folder, seed):
        plan = bench.generate(folder, 3000, 3, seed)
        bench.write_codings(plan, 300, seed)
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    first, again, other = written(tmp_path / "a", 7), written(tmp_path / "b", 7), written(tmp_path / "c", 8)
    assert first == again
    assert len([name for name in first if name.startswith("transcripts/")]) == 3
    assert {"ana-codings.csv", "ben-codings.csv", "qualcode.yaml"} <= set(first)
    assert first["transcripts/alder-creek/teacher-000.md"] != other["transcripts/alder-creek/teacher-000.md"]
