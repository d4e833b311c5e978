"""How long the cross-case report takes to build, and how big it is.

    .venv/bin/python benchmarks/bench_report.py                  # demo study + 200k-word corpus
    .venv/bin/python benchmarks/bench_report.py --words 1000000  # the 1-million-word target

The synthetic corpus has interviews of ~5,000 words in 12 districts, paragraph segments, and
two coders who each code about a third of the segments with one to three codes of the default
codebook (codings are built in memory, not written to the store).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qualcode.analysis.selection import Selection  # noqa: E402
from qualcode.app.study import open_project  # noqa: E402
from qualcode.coding.records import Coding  # noqa: E402
from qualcode.report.context import report_context  # noqa: E402
from qualcode.report.render import render_report  # noqa: E402

ROLES = ("teacher", "principal", "coach", "district administrator", "parent")
VOCABULARY = [
    "we",
    "the",
    "students",
    "teachers",
    "data",
    "coach",
    "team",
    "plan",
    "every",
    "week",
    "school",
    "district",
    "families",
    "support",
    "learning",
    "reading",
    "math",
    "intervention",
    "principal",
    "meeting",
    "together",
    "results",
    "benchmark",
    "goals",
    "kids",
    "time",
    "year",
    "grade",
    "really",
    "think",
    "because",
    "about",
    "what",
    "when",
    "they",
    "our",
    "their",
    "this",
    "that",
    "with",
    "for",
    "and",
    "but",
    "so",
    "just",
    "like",
]


def synthetic_project(folder: Path, words: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    (folder / "transcripts").mkdir(parents=True)
    (folder / "codebooks").mkdir()
    shutil.copy(REPO / "codebooks" / "district-practices.yaml", folder / "codebooks")
    (folder / "qualcode.yaml").write_text("segment_by: paragraph\n", encoding="utf-8")
    per_interview = 5000
    for n in range(max(1, words // per_interview)):
        case = f"District {n % 12 + 1:02d}"
        role = ROLES[n % len(ROLES)]
        lines = [f"---\ncase: {case}\nparticipant: P{n:04d}\nrole: {role}\n---"]
        written = 0
        while written < per_interview:
            lines.append("Interviewer: " + " ".join(rng.choices(VOCABULARY, k=12)) + "?\n")
            size = rng.randint(40, 160)
            lines.append("Speaker: " + " ".join(rng.choices(VOCABULARY, k=size)) + ".\n")
            written += size + 12
        path = folder / "transcripts" / f"d{n % 12 + 1:02d}" / f"interview-{n:04d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
    return folder


def synthetic_codings(project, seed: int = 11) -> Selection:
    rng = random.Random(seed)
    codes = [c.id for c in project.codebook.walk()]
    codings = []
    for segment in project.corpus.coded_segments():
        for coder in ("ana", "ben"):
            if rng.random() < 0.33:
                for code in rng.sample(codes, rng.randint(1, 3)):
                    codings.append(Coding(segment.transcript, segment.id, code, coder))
    return Selection(codings, ["ana", "ben"])


def measure(label: str, project, selection: Selection) -> None:
    start = time.perf_counter()
    context = report_context(project.corpus, project.codebook, selection)
    collected = time.perf_counter()
    html = render_report(context)
    rendered = time.perf_counter()
    words = sum(len(s.text.split()) for s in project.corpus.segments)
    print(
        f"{label}: {words:,} words, {len(project.corpus.segments):,} segments, "
        f"{len(context['data']['quotes']):,} coded segments, {len(selection.codings):,} codings"
    )
    print(
        f"  collect {collected - start:.2f} s, render {rendered - collected:.2f} s, "
        f"size {len(html.encode('utf-8')) / 1024:,.0f} KB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000, help="size of the synthetic corpus (default 200,000)")
    args = parser.parse_args()

    demo = open_project(REPO)
    started = time.perf_counter()
    demo.corpus  # noqa: B018 - load before timing the report
    selection = demo.select()  # reading never rewrites the demo's codings
    print(f"demo study: loaded in {time.perf_counter() - started:.2f} s")
    measure("demo study", demo, selection)

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        project = open_project(synthetic_project(Path(folder) / "study", args.words))
        project.corpus  # noqa: B018
        print(f"synthetic corpus: written and loaded in {time.perf_counter() - started:.2f} s")
        measure("synthetic corpus", project, synthetic_codings(project))


if __name__ == "__main__":
    main()
