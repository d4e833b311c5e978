"""Write ``report-prose-interview/``: the report-prose gold set as interviews.

    .venv/bin/python benchmarks/gold/make_interview_version.py

Each document becomes a transcript in which every passage is the answer of a ``Respondent``
to an ``Interviewer`` question; the questions are full of theme words (equity, coaching,
data, interventions, families, hiring...), chosen in turn from a fixed list, so they test
that an interviewer's turn never gets a suggestion while the answers keep their gold codes.
The gold coder's codes, the two coders' codes and the dev/test split are carried over.
The output is deterministic: running it again writes the same files.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from qualcode.app.study import open_project  # noqa: E402

SOURCE = HERE / "report-prose"
TARGET = HERE / "report-prose-interview"

QUESTIONS = [
    "How does your district's vision and its focus on equity shape decisions about coaching and data?",
    "Tell me about professional learning communities, coaching cycles and teacher collaboration here.",
    "How do you use assessment data, benchmarks and interim results to plan interventions?",
    "What supports, interventions and tiered systems do students who struggle get, and how do families take part?",
    "How does the district recruit, hire, mentor and retain teachers, and how do coaches help new teachers?",
    "How are parents and community partners engaged, and do their voices shape the strategic plan?",
    "How do principals balance the central vision with site autonomy, data use and professional development?",
    "What role do English learner supports, special education and restorative practices play in your equity work?",
    "Can you describe how teams look at student work and assessment results together?",
    "How stable is your workforce, and what do turnover, vacancies and the teacher pipeline look like?",
]


def main() -> None:
    source = open_project(SOURCE)
    if TARGET.exists():
        shutil.rmtree(TARGET)
    (TARGET / "transcripts").mkdir(parents=True)
    (TARGET / "codebooks").mkdir()
    (TARGET / "codebooks" / "district-practices.yaml").symlink_to(Path("../../../../codebooks/district-practices.yaml"))
    config = (SOURCE / "qualcode.yaml").read_text(encoding="utf-8")
    config = config.replace("segment_by: paragraph", "segment_by: turn")
    config = config.replace(
        "# A gold set of document-style prose",
        "# The report-prose gold set as interviews (made by ../make_interview_version.py): document-style prose",
    )
    (TARGET / "qualcode.yaml").write_text(config, encoding="utf-8")
    n = 0
    answer_of: dict[str, int] = {}
    for transcript in source.corpus.transcripts:
        lines = ["---"] + [f"{k}: {v!r}" if k == "title" else f"{k}: {v}" for k, v in transcript.attributes.items()]
        lines.append("---\n")
        for segment in source.corpus.segments_by_transcript[transcript.id]:
            lines.append(f"Interviewer: {QUESTIONS[n % len(QUESTIONS)]}\n")
            lines.append(f"Respondent: {segment.text}\n")
            answer_of[segment.id] = n
            n += 1
        (TARGET / "transcripts" / f"{transcript.id}.md").write_text("\n".join(lines), encoding="utf-8")
    target = open_project(TARGET)
    answers = [s for s in target.corpus.segments if not s.skipped]
    assert len(answers) == n, (len(answers), n)
    for coder in source.load_codings().coders:
        codings = source.load_codings([coder])
        by_segment: dict[str, list[str]] = {}
        for coding in codings.codings:
            by_segment.setdefault(coding.segment, []).append(coding.code)
        for segment_id, codes in by_segment.items():
            target.code(answers[answer_of[segment_id]].id, sorted(set(codes)), coder)
        target.mark_done([t.id for t in target.corpus.transcripts], coder)
    print(f"wrote {TARGET.relative_to(HERE.parent.parent)}: {len(target.corpus.transcripts)} transcripts, {n} answers")


if __name__ == "__main__":
    main()
