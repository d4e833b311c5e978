"""Benchmark ``suggest``: the demo study, then a synthetic corpus of about a million words.

    .venv/bin/python benchmarks/bench_suggest.py [--words 1000000] [--batch-size 256]

The synthetic corpus is the demo transcripts copied into numbered sub-folders of a temporary
project until it holds the requested number of spoken words. For each corpus it prints the
time to load the transcripts and segments, the time of one ``suggest`` run (compiling the
matchers, ``nlp.pipe`` over every coded-speaker segment once, matching), and segments and
words per second. It also checks that every segment went through the pipeline exactly once.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import qualcode.suggest.parsed as suggest_module  # noqa: E402
from qualcode.app.study import open_project  # noqa: E402


class CountingNlp:
    """Delegates to the pipeline, counting the texts sent through ``pipe``."""

    def __init__(self, nlp):
        self._nlp = nlp
        self.texts: Counter[str] = Counter()

    def __getattr__(self, name):
        return getattr(self._nlp, name)

    def pipe(self, texts, **kwargs):
        def counted():
            for text in texts:
                self.texts[text] += 1
                yield text

        return self._nlp.pipe(counted(), **kwargs)


def run(label: str, root: Path) -> None:
    started = time.perf_counter()
    project = open_project(root)
    segments = [s for s in project.corpus.segments if not s.skipped]
    words = sum(len(s.text.split()) for s in segments)
    loaded = time.perf_counter() - started
    counting = CountingNlp(project.nlp)
    project.__dict__["nlp"] = counting
    started, cpu = time.perf_counter(), time.process_time()
    found = project.suggest()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    expected = Counter(s.text for s in segments)  # copies repeat texts: each copy is parsed once
    parsed = sum(counting.texts[text] for text in expected)
    once = all(counting.texts[text] == n for text, n in expected.items())
    print(
        f"{label}: {len(project.corpus.transcripts)} transcripts, {len(segments):,} segments of coded speakers, "
        f"{words:,} words in them"
    )
    print(f"  load transcripts + segments: {loaded:6.2f} s")
    print(
        f"  suggest:                     {elapsed:6.2f} s  ({len(segments) / elapsed:,.0f} segments/s, "
        f"{words / elapsed:,.0f} words/s), {len(found):,} suggestions; CPU {cpu:.2f} s"
    )
    print(
        f"  segments through nlp.pipe: {parsed:,} for {len(segments):,} segments"
        + (" (each exactly once)" if once else "  <-- NOT exactly once")
    )


def synthetic(target_words: int, folder: Path) -> Path:
    root = folder / "synthetic"
    root.mkdir()
    shutil.copy(REPO / "qualcode.yaml", root / "qualcode.yaml")
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    sources = sorted(p for p in (REPO / "transcripts").rglob("*") if p.suffix in (".txt", ".md"))
    words_per_copy = sum(len(p.read_text(encoding="utf-8").split()) for p in sources)
    copies = max(1, -(-target_words // words_per_copy))
    for n in range(copies):
        for path in sources:
            target = root / "transcripts" / f"copy-{n:03d}" / path.relative_to(REPO / "transcripts")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    attributes = REPO / "transcripts" / "attributes.csv"
    if attributes.exists():
        lines = attributes.read_text(encoding="utf-8").splitlines()
        rows = [lines[0]] + [f"copy-{n:03d}/{line}" for n in range(copies) for line in lines[1:] if line.strip()]
        (root / "transcripts" / "attributes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="size of the synthetic corpus")
    parser.add_argument("--batch-size", type=int, default=suggest_module.BATCH_SIZE)
    args = parser.parse_args()
    suggest_module.BATCH_SIZE = args.batch_size
    print(f"nlp.pipe batch size {args.batch_size}, n_process=1")
    run("demo study", REPO)
    with tempfile.TemporaryDirectory() as tmp:
        run(f"synthetic (~{args.words:,} words)", synthetic(args.words, Path(tmp)))


if __name__ == "__main__":
    main()
