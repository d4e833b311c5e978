"""Time every stage of a study, in one process, on a deterministic synthetic study.

    .venv/bin/python benchmarks/bench_pipeline.py --words 100000
    .venv/bin/python benchmarks/bench_pipeline.py --words 1000000 --transcripts 120 --codings 97000
    .venv/bin/python benchmarks/bench_pipeline.py --words 100000 --warm   # run, edit one transcript, run again

The study is generated into a temporary folder: interviews in several districts (cases) and
roles, with interviewer questions and speaker turns; the interviewee's paragraphs mix sentences
of the demo transcripts with sentences built from every code of the default codebook (its
keywords, related words, token patterns and examples), so every rule gets work to do. Two
coders' codings (``ana`` and ``ben``, who agree on most codes) are written as spreadsheets and
go in through ``import codings``, which is a timed stage.

Stages, each timed on its own: ``load_and_segment`` (open the project, read and segment every
transcript), ``suggest`` (the library's ``Study.suggest``, cold: pipeline built, every segment
parsed), ``import`` (``qualcode import codings`` for both coders), ``matrix`` and
``matrix_suggestions`` (``qualcode matrix``, without and with ``--include-suggestions``),
``agree`` and ``report`` (``qualcode agree --format json``, ``qualcode report``). The commands run
in this process through the click group, each opening the project afresh as a real run would
(so each pays its own load). The yardstick ``tokenizer`` is a bare ``spacy.blank(language)``
``nlp.pipe`` pass over the same segment texts. spaCy itself is imported before the clocks start.

Prints ONE JSON object on stdout: ``words``, ``transcripts``, ``segments``, ``codings``,
``seconds`` (stage -> seconds), ``words_per_second`` (suggest), ``peak_rss_mb``,
``report_bytes`` and ``suggest_vs_tokenizer`` (suggest seconds / tokenizer seconds). Progress
goes to stderr. With ``--warm`` it runs every stage, edits one transcript, runs them again and
prints the figures of the second run (``"warm": true``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qualcode.codebook.model import Code  # noqa: E402
from qualcode.codebook.parse import load_codebook  # noqa: E402

CODEBOOK = REPO / "qualcode" / "data" / "district-practices.yaml"
DISTRICTS = (
    "Alder Creek",
    "Bayview",
    "Cedar Valley",
    "Harmon County",
    "Mesa Verde",
    "Pinecrest",
    "Willow Springs",
    "Juniper Flats",
)
ROLES = ("teacher", "principal", "coach", "district administrator", "counselor", "parent liaison")
FIRST = ("Denise", "Marcus", "Ana", "Lena", "Tom", "Priya", "Jorge", "Keisha", "Sam", "Hannah", "Omar", "Ruth")
LAST = ("Hargrove", "Ortiz", "Nguyen", "Baker", "Fields", "Shah", "Morales", "Reed", "Kim", "Walsh", "Adams", "Cole")
SCHOOLS = (
    "Juniper Elementary",
    "Sycamore Elementary",
    "Bellwether Middle",
    "Riverside High",
    "Tidewater Elementary",
    "Seacliff Elementary",
    "Oak Park Middle",
    "Lakeside Academy",
)
QUESTIONS = (
    "Could you start by telling me a little about your role?",
    "How do new teachers get support here?",
    "What happens when a student starts to fall behind?",
    "How do you use data in your team meetings?",
    "How would you describe the district's priorities?",
    "How do families take part in decisions at your school?",
    "Can you give me an example of that?",
    "What has changed over the last few years?",
    "What do you mean by that?",
    "Is there anything else you would like to add?",
)
#: Sentence frames for a rule's phrase; the slots make most sentences unique in a transcript.
FRAMES = (
    "At {school} we talk about {phrase} in almost every meeting, and {name} keeps us honest about it.",
    "When I came here in {year}, {phrase} was not something people mentioned at all.",
    "Honestly, {phrase} is what {name} pushed for at {school} for {n} years.",
    "We spent {n} Thursdays this {season} on {phrase}, and the {grade} grade team led it.",
    "I would say {phrase} matters more to us now than it did in {year}.",
    "The principal at {school} brought up {phrase} again in {season}, {n} times at least.",
)
FILLER = (
    "It was a long year, {n} snow days and a flu going around.",
    "I mean, we try, we really do, and some weeks are better than others.",
    "The parking lot at {school} floods every time it rains, which is its own story.",
    "{name} and I started the same year, so we kind of grew up here together.",
    "So that's where we are right now, more or less.",
    "The building is old, the heat is either on or off, and the copier jams.",
)
SEASONS = ("fall", "winter", "spring", "summer")


class Plan:
    """What the generator wrote (a plain class: the module is also loaded without sys.modules)."""

    def __init__(self, root: Path):
        self.root = root
        self.transcripts: list[str] = []
        #: per interviewee paragraph: (transcript id, quote, the codes of its rule sentences)
        self.units: list[tuple[str, str, list[str]]] = []
        self.paragraphs: dict[str, list[str]] = {}


def _phrase_from_pattern(pattern: list[dict[str, Any]], rng: random.Random) -> str | None:
    """Words that the token pattern matches (None when a token needs a REGEX or a shape)."""
    words = []
    for token in pattern:
        op = token.get("OP")
        if op in ("?", "*", "!"):
            continue
        attrs = [k for k in ("LOWER", "ORTH", "TEXT", "LEMMA", "NORM") if k in token]
        if not attrs:
            if op == "+" or not token:
                words.append("really")
                continue
            return None
        value = token[attrs[0]]
        if isinstance(value, dict):
            choices = value.get("IN")
            if not choices:
                return None
            value = rng.choice(choices)
        words.append(str(value))
    text = " ".join(words).replace(" 's", "'s").replace(" ’s", "’s")
    return text or None


def _code_sentences(codebook_codes: list[Code], rng: random.Random) -> list[tuple[str, str]]:
    """(code id, phrase) for every keyword, related word and realisable pattern; (code, example)."""
    phrases: list[tuple[str, str]] = []
    for code in codebook_codes:
        phrases += [(code.id, k) for k in code.keywords]
        phrases += [(code.id, w) for w in code.related_words]
        for pattern in code.patterns:
            found = _phrase_from_pattern(pattern, rng)
            if found:
                phrases.append((code.id, found))
    return phrases


def _demo_sentences() -> list[str]:
    sentences = []
    for path in sorted((REPO / "transcripts").rglob("*")):
        if path.suffix not in (".txt", ".md"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if ":" not in line[:40] or line.startswith("Interviewer"):
                continue
            body = line.split(":", 1)[1]
            sentences += [s.strip().rstrip(".") + "." for s in body.split(". ") if len(s.split()) >= 6]
    return sentences


def generate(root: Path, words: int, transcripts: int, seed: int) -> Plan:
    """Write a study of about ``words`` interviewee words in ``transcripts`` files under ``root``."""
    rng = random.Random(seed)
    book = load_codebook(CODEBOOK, check_patterns=False)
    codes = list(book.walk())
    phrases = _code_sentences(codes, rng)
    examples = [(c.id, " ".join(e.split())) for c in codes for e in c.examples]
    demo = _demo_sentences()
    (root / "codebooks").mkdir(parents=True)
    (root / "codebooks" / "district-practices.yaml").write_bytes(CODEBOOK.read_bytes())
    (root / "qualcode.yaml").write_text(
        "codebook: codebooks/district-practices.yaml\ntranscripts: transcripts\n"
        "segment_by: paragraph\ncase_attribute: case\n",
        encoding="utf-8",
    )
    plan = Plan(root)

    def slots() -> dict[str, object]:
        return {
            "school": rng.choice(SCHOOLS),
            "name": rng.choice(FIRST),
            "year": rng.randint(2005, 2025),
            "n": rng.randint(2, 40),
            "season": rng.choice(SEASONS),
            "grade": rng.choice(("first", "second", "third", "fourth", "fifth", "sixth")),
        }

    per_transcript = max(1, words // transcripts)
    for number in range(transcripts):
        district = DISTRICTS[number % len(DISTRICTS)]
        role = ROLES[(number // len(DISTRICTS)) % len(ROLES)]
        tid = f"{district.lower().replace(' ', '-')}/{role.replace(' ', '-')}-{number:03d}"
        speaker = f"{rng.choice(FIRST)} {rng.choice(LAST)}".upper()
        lines = [
            "---",
            f"case: {district}",
            f"participant: P{number:03d}",
            f"role: {role}",
            f"date: 2026-{1 + number % 12:02d}-{1 + number % 28:02d}",
            "interviewer: J. Whitfield",
            "---",
            "",
        ]
        written = 0
        paragraphs: list[str] = []
        while written < per_transcript:
            lines += [f"Interviewer: {rng.choice(QUESTIONS)}", ""]
            for turn_paragraph in range(rng.randint(1, 3)):
                sentences: list[str] = []
                quote, own = "", []
                for _ in range(rng.randint(3, 6)):
                    draw = rng.random()
                    if draw < 0.35:
                        code, phrase = rng.choice(phrases)
                        sentence = rng.choice(FRAMES).format(phrase=phrase, **slots())
                        quote = quote or sentence
                        own.append(code)
                    elif draw < 0.45:
                        # An example quote, said as an aside (not coded: it repeats across paragraphs).
                        sentence = rng.choice(examples)[1]
                    elif draw < 0.85:
                        sentence = rng.choice(demo)
                    else:
                        sentence = rng.choice(FILLER).format(**slots())
                    sentences.append(sentence)
                paragraph = " ".join(sentences)
                written += len(paragraph.split())
                paragraphs.append(paragraph)
                plan.units.append((tid, quote or paragraph, own))
                lines += [f"{speaker}: {paragraph}" if turn_paragraph == 0 else paragraph, ""]
        path = root / "transcripts" / f"{tid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        plan.transcripts.append(tid)
        plan.paragraphs[tid] = paragraphs
    return plan


def write_codings(plan: Plan, codings: int, seed: int) -> list[Path]:
    """Two coders' spreadsheets, ``codings`` rows in all, one row per (paragraph, code).

    Per paragraph, ana gives the codes of its rule sentences, then their themes, then others, as
    many as her share needs (the issue's study had about 3.4 codes per segment per coder); ben
    gives the same codes but swaps about one in five for another code. A row's quote is the
    paragraph's first rule sentence (or the whole paragraph), anchored by ``import codings``.
    """
    rng = random.Random(seed + 1)
    book = load_codebook(CODEBOOK, check_patterns=False)
    codes = list(book.walk())
    ids = [c.id for c in codes]
    parent = {c.id: c.parent for c in codes}
    share = codings / 2 / len(plan.units)
    rows: dict[str, list[tuple[str, str, str]]] = {"ana": [], "ben": []}
    for tid, quote, own in plan.units:
        wanted = int(share) + (rng.random() < share - int(share))
        ordered = own + [parent[c] for c in own if parent[c]] + rng.sample(ids, len(ids))
        given = list(dict.fromkeys(ordered))[:wanted]
        rows["ana"] += [(tid, quote, c) for c in given]
        swapped = [rng.choice(ids) if rng.random() < 0.2 else c for c in given]
        rows["ben"] += [(tid, quote, c) for c in dict.fromkeys(swapped)]
    files = []
    for coder, coded in rows.items():
        path = plan.root / f"{coder}-codings.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(["transcript", "quote", "code", "memo"])
            out.writerows([tid, quote, code, ""] for tid, quote, code in coded)
        files.append(path)
    return files


def edit_one(plan: Plan) -> None:
    """Change one transcript as a coder fixing a typo would: one paragraph gets a sentence more."""
    path = plan.root / "transcripts" / f"{plan.transcripts[0]}.md"
    text = path.read_text(encoding="utf-8")
    first = plan.paragraphs[plan.transcripts[0]][0]
    path.write_text(text.replace(first, first + " We wrote that down afterwards.", 1), encoding="utf-8")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    gc.collect()
    started = time.perf_counter()
    yield
    seconds[stage] = round(time.perf_counter() - started, 3)
    _progress(f"  {stage}: {seconds[stage]:.2f} s")


def _command(root: Path, *args: str) -> str:
    """Run one qualcode command in this process (as `qualcode -C ROOT ...`); return its stdout."""
    from click.testing import CliRunner

    from qualcode.cli.app import main

    result = CliRunner().invoke(main, ["-q", "-C", str(root), *args], catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"qualcode {' '.join(args)} failed ({result.exit_code}):\n{result.output}")
    return result.stdout


def run_stages(plan: Plan, files: list[Path]) -> dict[str, Any]:
    """Every stage once; the figures as the JSON object's keys."""
    import spacy

    from qualcode.app.study import open_project

    root = plan.root
    seconds: dict[str, float] = {}
    # spaCy is imported (by the `import spacy` above) before any clock starts, so that suggest and
    # the yardstick pass compare work, not a one-off import; building qualcode's pipeline (the
    # sentencizer, the lookup tables) is part of the suggest stage, as in a `suggest` run.
    with timed(seconds, "load_and_segment"):
        study = open_project(root, warn=lambda _message: None)
        segments = study.corpus.coded_segments()
    texts = [s.text for s in segments]
    words = sum(len(t.split()) for t in texts)
    with timed(seconds, "suggest"):
        suggestions = study.suggest()
    with timed(seconds, "tokenizer"):
        nlp = spacy.blank(study.config.language)
        for _doc in nlp.pipe(texts, batch_size=256):
            pass
    with timed(seconds, "import"):
        for path, coder in zip(files, ("ana", "ben"), strict=True):
            _command(root, "import", "codings", str(path), "--coder", coder, "--new-coder")
    with timed(seconds, "matrix"):
        _command(root, "matrix", "--coders", "ana,ben", "--format", "json")
    with timed(seconds, "matrix_suggestions"):
        _command(root, "matrix", "--coders", "ana,ben", "--include-suggestions", "--format", "json")
    with timed(seconds, "agree"):
        json.loads(_command(root, "agree", "--coders", "ana,ben", "--format", "json"))
    report = root / "reports" / "bench.html"
    report.parent.mkdir(exist_ok=True)
    with timed(seconds, "report"):
        _command(root, "report", "--coders", "ana,ben", "-o", str(report))
    codings = len(open_project(root, warn=lambda _message: None).load_codings(["ana", "ben"]).codings)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "words": words,
        "transcripts": len(study.corpus.transcripts),
        "segments": len(segments),
        "codings": codings,
        "suggestions": len(suggestions),
        "seconds": seconds,
        "words_per_second": round(words / seconds["suggest"]) if seconds["suggest"] else None,
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "report_bytes": report.stat().st_size,
        "suggest_vs_tokenizer": round(seconds["suggest"] / seconds["tokenizer"], 2) if seconds["tokenizer"] else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=100_000, help="interviewee words in the study (default 100000)")
    parser.add_argument("--transcripts", type=int, help="number of transcripts (default: one per 8,400 words)")
    parser.add_argument("--codings", type=int, help="codings of the two coders together (default: words / 10.3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    parser.add_argument("--warm", action="store_true", help="run, edit one transcript, run again; print the second")
    parser.add_argument("--keep", type=Path, help="generate the study into this new folder and keep it")
    args = parser.parse_args()
    if args.words < 100:
        parser.error("--words must be at least 100")
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep}: the folder exists; name a new one")
    transcripts = args.transcripts or max(2, round(args.words / 8400))
    codings = args.codings if args.codings is not None else round(args.words / 10.3)
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        root = args.keep or Path(tmp) / "study"
        _progress(f"generating {args.words:,} words in {transcripts} transcripts, {codings:,} codings in {root}")
        plan = generate(root, args.words, transcripts, args.seed)
        files = write_codings(plan, codings, args.seed)
        _progress("run 1 (cold)")
        figures = run_stages(plan, files)
        if args.warm:
            edit_one(plan)
            _progress(f"edited {plan.transcripts[0]}; run 2 (warm)")
            figures = run_stages(plan, files)
            figures["warm"] = True
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
