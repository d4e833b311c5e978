"""Fit the calibrated rule score on the dev parts of the gold sets, and write ``rule_scorer.json``.

    .venv/bin/python benchmarks/fit_rule_scorer.py [--write]

Each gold set is a qualcode project with an ``evaluation`` split and a gold coder (see
``benchmarks/gold/README.md``). Only the **dev** transcripts of each are used for fitting;
the test parts are scored afterwards and never looked at while fitting. Without ``--write``
it only prints the fitted weights and the dev and test figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qualcode.app.study import open_project  # noqa: E402
from qualcode.suggest.calibrate import fit_rule_scorer, rule_examples  # noqa: E402
from qualcode.suggest.evaluate import gold_units  # noqa: E402
from qualcode.suggest.matcher import RuleSet  # noqa: E402
from qualcode.suggest.parsed import parse_segments  # noqa: E402
from qualcode.suggest.scoring import SCORER_FILE  # noqa: E402
from qualcode.suggest.split import split_transcripts  # noqa: E402

#: (project folder, gold coder)
GOLD_SETS = [(REPO, "gold"), (REPO / "benchmarks" / "gold" / "report-prose", "gold")]


def dev_examples(root: Path, coder: str):
    study = open_project(root)
    parts = split_transcripts(study.config.split, [t.id for t in study.corpus.transcripts])
    gold = study.load_codings([coder])
    done, labels = gold_units(study.corpus, study.codebook, gold, "top", set(parts["dev"]))
    parsed = parse_segments(study.corpus.coded_segments(done), study.nlp, RuleSet(study.codebook, study.nlp))
    return rule_examples(parsed, study.codebook, labels), len(done), len(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {SCORER_FILE.name}")
    args = parser.parse_args()
    rows, labels, sources = [], [], []
    for root, coder in GOLD_SETS:
        if not (root / "qualcode.yaml").exists():
            print(f"skipped (not found): {root}")
            continue
        (found_rows, found_labels), transcripts, units = dev_examples(root, coder)
        rows += found_rows
        labels += found_labels
        name = root.relative_to(REPO).as_posix() or "."
        sources.append({"project": name, "coder": coder, "part": "dev", "transcripts": transcripts, "units": units})
        print(f"{name}: dev part, {transcripts} transcripts, {units} units, {len(found_rows)} candidates")
    provenance = {
        "fitted": date.today().isoformat(),
        "by": "benchmarks/fit_rule_scorer.py",
        "data": sources,
        "candidates": len(rows),
        "right": sum(labels),
    }
    scorer = fit_rule_scorer(rows, labels, provenance)
    print(json.dumps(scorer.to_json(), indent=2))
    if args.write:
        SCORER_FILE.write_text(json.dumps(scorer.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {SCORER_FILE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
