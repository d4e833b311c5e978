"""Run the bad-input corpus of ``tests/test_bad_inputs.py`` and print the battery's counts.

    python benchmarks/bench_bad_inputs.py [--verbose] [--timeout SECONDS]

Each case is classified as one of: ``clear`` (the expected exit status, a message naming the
file, no traceback, nothing changed), ``unclear`` (no traceback and nothing changed, but the
wrong exit status or a message that does not name the file), ``traceback``, ``hang`` (no answer
within the timeout) or ``changed`` (files in the project changed). Run it against an older
``qualcode/`` package to compare: copy that package alone into a folder and put the folder on
``PYTHONPATH`` (the corpus and its expectations stay this checkout's).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # tests/ from this checkout; qualcode from PYTHONPATH when given


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every case that is not clear")
    parser.add_argument("--timeout", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    options = parser.parse_args()

    import warnings

    from click.testing import CliRunner

    import qualcode
    from qualcode.cli.app import main as cli
    from tests import test_bad_inputs as corpus
    from tests.helpers import ProjectMaker

    warnings.simplefilter("ignore")
    base = Path(tempfile.mkdtemp(prefix="qualcode-battery-"))
    template = _template(corpus, ProjectMaker, base)
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    for number, (name, case) in enumerate(corpus.CASES.items()):
        root = base / f"case-{number}"
        shutil.copytree(template, root, symlinks=True)
        case.mutate(root)
        before = corpus.tree(root)
        args = [a.replace("{SEG}", corpus.SEGMENT["id"]).replace("{ROOT}", str(root)) for a in case.args]
        args = args if args[0] == "-C" else ["-C", str(root), *args]
        signal.alarm(options.timeout)
        try:
            result = CliRunner().invoke(cli, args)
            kind = _classify(result, case, corpus.tree(root) != before)
        except Hang:
            kind, result = "hang", None
        finally:
            signal.alarm(0)
        counts[kind] += 1
        if options.verbose and kind != "clear":
            detail = "" if result is None else (result.stderr.strip().splitlines() or [repr(result.exception)])[-1]
            print(f"{kind:9} {name}: {detail[:160]}", file=sys.stderr)
    shutil.rmtree(base, ignore_errors=True)
    figures = {"qualcode": str(Path(qualcode.__file__).parent), "tried": len(corpus.CASES), **counts}
    figures["seconds"] = round(time.perf_counter() - started, 1)
    if options.json:
        print(json.dumps(figures))
    else:
        for key in ("tried", "clear", "unclear", "traceback", "hang", "changed", "seconds"):
            print(f"{key:10} {figures.get(key, 0)}")


def _template(corpus, maker, base: Path) -> Path:
    class Factory:
        def mktemp(self, name):
            path = base / name
            path.mkdir()
            return path

    return corpus.template.__wrapped__(Factory())


def _classify(result, case, changed: bool) -> str:
    if isinstance(result.exception, Hang):  # the runner caught the alarm
        return "hang"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "traceback"
    if "Traceback" in result.stdout + result.stderr:
        return "traceback"
    if changed:
        return "changed"
    if result.exit_code != case.exit or any(words not in result.stderr for words in case.says):
        return "unclear"
    return "clear"


if __name__ == "__main__":
    main()
