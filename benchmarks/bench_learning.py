"""Benchmark ``learn`` and ``suggest`` with a learned model: the demo study, then about a million words.

    .venv/bin/python benchmarks/bench_learning.py [--words 1000000]

The synthetic study is the demo transcripts copied into numbered sub-folders until it holds
the requested number of words, with every coder's codings copied along (the same codes on
the same segments of each copy). For each study it prints the time to learn from every coder
(all transcripts), the size of ``models/learned.json``, and the time of ``suggest`` with the
model and without it (after loading the transcripts). The copies make cross-validation
optimistic there (a transcript and its copies fall in different folds): the 1M-word run
measures time only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qualcode.app.study import open_project  # noqa: E402


def copy_demo(folder: Path, copies: int) -> Path:
    root = folder / f"study-{copies}"
    root.mkdir()
    shutil.copy(REPO / "qualcode.yaml", root / "qualcode.yaml")
    shutil.copytree(REPO / "codebooks", root / "codebooks")
    sources = sorted(p for p in (REPO / "transcripts").rglob("*") if p.suffix in (".txt", ".md"))
    lines = (REPO / "transcripts" / "attributes.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    (root / "codings").mkdir()
    records: dict[str, list[str]] = {}
    for n in range(copies):
        prefix = f"copy-{n:03d}/" if copies > 1 else ""
        for path in sources:
            target = root / "transcripts" / prefix / path.relative_to(REPO / "transcripts")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
        rows += [prefix + line for line in lines[1:] if line.strip()]
        for coder_file in sorted((REPO / "codings").glob("*.jsonl")):
            for line in coder_file.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record.get("type") == "header" and n:
                    continue
                for key in ("transcript", "segment"):
                    if key in record:
                        record[key] = prefix + record[key]
                records.setdefault(coder_file.name, []).append(json.dumps(record, sort_keys=True))
    for name, found in records.items():
        (root / "codings" / name).write_text("\n".join(found) + "\n", encoding="utf-8")
    (root / "transcripts" / "attributes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = (root / "qualcode.yaml").read_text(encoding="utf-8")
    (root / "qualcode.yaml").write_text(text.split("# Which transcripts tune")[0], encoding="utf-8")
    return root


def run(label: str, root: Path) -> None:
    study = open_project(root, warn=lambda message: None)
    segments = [s for s in study.corpus.segments if not s.skipped]
    words = sum(len(s.text.split()) for s in segments)
    study.nlp  # noqa: B018 - load the pipeline before timing
    print(
        f"{label}: {len(study.corpus.transcripts)} transcripts, {len(segments):,} coded-speaker segments, "
        f"{words:,} words"
    )
    started = time.perf_counter()
    model = study.learn(part="all")
    learned = time.perf_counter() - started
    path = study.save_model(model)
    print(
        f"  learn:                {learned:7.1f} s  ({len(model.codes)} code models, {len(model.too_few)} with too few "
        f"examples, {len(model.rules_better)} where rules are better; {path.stat().st_size / 1024:,.0f} KB)"
    )
    for use_model in (True, False):
        started = time.perf_counter()
        found = study.suggest(use_model=use_model)
        elapsed = time.perf_counter() - started
        name = "suggest with model" if use_model else "suggest, rules only"
        print(f"  {name:21} {elapsed:7.1f} s  ({words / elapsed:,.0f} words/s, {len(found):,} suggestions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="size of the synthetic study")
    args = parser.parse_args()
    sources = sorted(p for p in (REPO / "transcripts").rglob("*") if p.suffix in (".txt", ".md"))
    per_copy = sum(len(p.read_text(encoding="utf-8").split()) for p in sources)
    with tempfile.TemporaryDirectory() as tmp:
        run("demo study", copy_demo(Path(tmp), 1))
        copies = max(2, -(-args.words // per_copy))
        run(f"synthetic (~{args.words:,} words)", copy_demo(Path(tmp), copies))


if __name__ == "__main__":
    main()
