"""Shared test material: project builders, small studies counted by hand, attack strings.

Test modules import what they need from here (``from tests.helpers import ...``); fixtures live
in ``conftest.py``. Keep every builder writing real files under ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import os
import stat
import textwrap
from dataclasses import dataclass
from pathlib import Path

from qualcode.app.study import open_project

REPO = Path(__file__).resolve().parent.parent
#: The shared fixtures (real files from other tools and studies); QUALCODE_SHARED points elsewhere.
SHARED = Path(os.environ.get("QUALCODE_SHARED", REPO.parent / "shared"))

MINI_CODEBOOK = """\
name: Mini
version: "1"
codes:
  - id: data_use
    label: Data use
    definition: Using evidence to improve teaching.
    keywords: [benchmark assessment, data chat]
  - id: collaborative_pl
    label: Collaborative professional learning
    keywords: [professional learning community]
    children:
      - id: coaching
        label: Coaching
        keywords: [coaching cycle]
"""


def tree(root: Path, skip: tuple[str, ...] = (".qualcode",)) -> dict[str, tuple[str, int]]:
    """Every entry under ``root`` without following links: content hash (a link's target, or
    'dir'/'special') and mode, to compare a project before and after a command.

    Entries named in ``skip`` are left out: by default ``.qualcode/``, the parse cache (not
    project data, git-ignored, safe to delete).
    """
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in dirs + [f for f in files if f not in skip]:
            path = Path(folder) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                digest = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = "dir" if stat.S_ISDIR(info.st_mode) else "special"
            out[path.relative_to(root).as_posix()] = (digest, info.st_mode)
    return out


def git_identity(monkeypatch, tmp_path: Path, name: str = "Git Person") -> None:
    """A home folder whose git config names ``name``, and no $QUALCODE_CODER: the git fallback."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f"[user]\n\tname = {name}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class ProjectMaker:
    """Writes a project folder: qualcode.yaml, a codebook and transcript files."""

    def __init__(self, root: Path):
        self.root = root

    def __call__(
        self,
        transcripts: dict[str, str | bytes] | None = None,
        config: str = "",
        codebook: str = MINI_CODEBOOK,
        name: str = "study",
    ) -> Path:
        root = self.root / name
        (root / "transcripts").mkdir(parents=True, exist_ok=True)
        (root / "codebooks").mkdir(exist_ok=True)
        (root / "qualcode.yaml").write_text(config or "segment_by: turn\n", encoding="utf-8")
        (root / "codebooks" / "district-practices.yaml").write_text(codebook, encoding="utf-8")
        for relative, content in (transcripts or {}).items():
            path = root / "transcripts" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(dedent(content), encoding="utf-8")
        return root


INTERVIEW = """\
---
case: Alder Creek
participant: AC-T9
role: teacher
---
Interviewer: How do teachers work together here?

Maria Lopez: We meet every Wednesday in our professional learning community.

We bring the benchmark assessment and sort the work.

Interviewer: And coaching?

Maria Lopez: My coach and I did a coaching cycle last fall.
"""


# ------------------------------------------------------------------------------------------------
# The hand-counted matrix study (see tests/test_matrix.py for the counts)
# ------------------------------------------------------------------------------------------------

MATRIX_CODEBOOK = """\
name: Test book
version: "2"
codes:
  - id: data_use
    label: Data use
    definition: Using evidence.
    children:
      - id: assessment
        label: Assessment
  - id: collaborative_pl
    label: Collaborative PL
    children:
      - id: coaching
        label: Coaching
      - id: plc
        label: PLC
  - id: family
    label: Family
"""

TRANSCRIPTS = {
    "alder/teacher-01.txt": """\
        ---
        case: Alder
        participant: A-T1
        role: teacher
        ---
        Interviewer: What about data?

        Maria Lopez: We look at the benchmark data together.

        Interviewer: And coaching?

        Maria Lopez: My coach visits every week.

        Interviewer: Do you meet as a team?

        Maria Lopez: Our PLC meets on Wednesdays.
        """,
    "alder/principal-01.txt": """\
        ---
        case: Alder
        role: principal
        ---
        Interviewer: How do you plan?

        Ann Diaz: We use data to plan.

        Bob Kerr: Parents come to our data nights.

        Interviewer: Anything else?

        Ann Diaz: Coaching is central.
        """,
    "bayview/teacher-01.txt": """\
        ---
        case: Bayview
        participant: B-T1
        role: teacher
        ---
        Interviewer: Tell me about families.

        Lee Chan: Families are partners here.

        Interviewer: More?

        Lee Chan: We have a PLC too.

        Interviewer: And?

        Lee Chan: Nothing else to add.
        """,
}

CODINGS = {
    "ana": [
        ("We look at the benchmark", ["assessment"]),
        ("My coach visits", ["coaching"]),
        ("Our PLC meets", ["plc"]),
        ("We use data to plan", ["data_use"]),
        ("Parents come to", ["family", "data_use"]),
        ("Families are partners", ["family"]),
    ],
    "ben": [
        ("We look at the benchmark", ["assessment", "data_use"]),
        ("My coach visits", ["coaching", "plc"]),
        ("Coaching is central", ["coaching"]),
        ("We have a PLC too", ["plc"]),
        ("And coaching?", ["family"]),  # an interviewer turn: coded, never counted
    ],
}


#: A third case for the case-attribute and framework tests (one teacher in Cedar).
CEDAR = """\
    ---
    case: Cedar
    participant: C-T1
    role: teacher
    ---
    Interviewer: What about data?

    Kim Park: We look at benchmark results in our PLC.
    """


def segment(project, prefix: str):
    found = [s for s in project.corpus.segments if s.text.startswith(prefix)]
    assert len(found) == 1, prefix
    return found[0]


def build_study(make_project, transcripts=None, codebook=MATRIX_CODEBOOK, codings=None, name="study"):
    """The hand-counted study above (or a variant), with its codings written to the store."""
    root = make_project(transcripts or TRANSCRIPTS, codebook=codebook, name=name)
    project = open_project(root)
    for coder, items in (CODINGS if codings is None else codings).items():
        for prefix, codes in items:
            project.code(segment(project, prefix).id, codes, coder)
    return open_project(root)


@dataclass(frozen=True)
class FakeEvidence:
    text: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class FakeSuggestion:
    segment: str
    transcript: str
    code: str
    score: float
    evidence: tuple = ()


def fake_suggestion(project, prefix, code, score, word=None):
    seg = segment(project, prefix)
    evidence = ()
    if word:
        start = seg.start + seg.text.index(word)
        evidence = (FakeEvidence(word, start, start + len(word), f"keyword '{word}'"),)
    return FakeSuggestion(seg.id, seg.transcript, code, score, evidence)


# ------------------------------------------------------------------------------------------------
# Attack strings and the matrix study carrying them
# ------------------------------------------------------------------------------------------------

SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = '"><img src=x onerror=alert(1)>'


def xss_study(make_project, name="xss"):
    """The hand-counted study with attack strings in a quote, a code label and attributes."""
    transcripts = dict(TRANSCRIPTS)
    transcripts["alder/teacher-01.txt"] = (
        TRANSCRIPTS["alder/teacher-01.txt"]
        .replace("role: teacher", f"role: '{IMG_PAYLOAD}'")
        .replace(
            "We look at the benchmark data together.",
            f"We look at the benchmark data together. {SCRIPT_PAYLOAD} {IMG_PAYLOAD}",
        )
    )
    transcripts["bayview/teacher-01.txt"] = TRANSCRIPTS["bayview/teacher-01.txt"].replace(
        "case: Bayview", f"case: '{SCRIPT_PAYLOAD}'"
    )
    codebook = MATRIX_CODEBOOK.replace("label: Family", f"label: '{IMG_PAYLOAD}{SCRIPT_PAYLOAD}'")
    return build_study(make_project, transcripts, codebook=codebook, name=name)


# ------------------------------------------------------------------------------------------------
# The agreement study: two coders on two short interviews
# ------------------------------------------------------------------------------------------------

AGREEMENT_CODEBOOK = """\
name: Test
version: "1"
codes:
  - id: data_use
    label: Data use
    definition: Using evidence to improve teaching.
  - id: collaborative_pl
    label: Collaborative professional learning
    definition: Teachers learning together.
    children:
      - id: coaching
        label: Coaching
        definition: Instructional coaching cycles.
      - id: plc
        label: PLCs
        definition: Professional learning communities.
  - id: stance
    label: Stance
    exclusive: true
    children:
      - id: positive
        label: Positive
      - id: negative
        label: Negative
"""

ALDER = """\
---
case: Alder Creek
---
Interviewer: Tell me about your school.

Ana Lopez: We look at benchmark data every week.

Interviewer: And teachers?

Ana Lopez: Our PLC meets on Wednesdays and the coach joins.

Interviewer: Coaching?

Ana Lopez: My coach visits twice a month.

Interviewer: Anything else?

Ana Lopez: The parents are great.
"""

BAYVIEW = """\
---
case: Bayview
---
Q: What changed?

A: We started data chats.

Q: Anything else?

A: Not really.
"""


def spoken(project, transcript):
    return [s.id for s in project.corpus.segments_by_transcript[transcript] if not s.skipped]
