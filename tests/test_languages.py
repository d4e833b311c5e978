"""Other languages: the Danish interviews of a published study, coded with a small Danish
codebook whose keywords must match inflected forms (regning -> regningerne)."""

from __future__ import annotations

import shutil

import pytest

from qualcode.app.study import open_project
from qualcode.suggest.nlp import has_lemma_table, load_nlp
from tests.helpers import SHARED

DOCX = SHARED / "fixtures" / "transcripts" / "docx"
INTERVIEWS = ["ecape-interview-01.docx", "ecape-interview-02.docx", "ecape-interview-03.docx"]

DANISH_CODEBOOK = """\
name: Energikrisen
codes:
  - id: priser
    label: Energipriser
    definition: Priser på el, varme og energi.
    keywords: [energipris, elpris, regning]
  - id: varme
    label: Varme i hjemmet
    definition: Radiatorer, varmepumper og gulvvarme.
    keywords: [radiator, varmepumpe]
"""


@pytest.fixture
def danish(make_project):
    if not all((DOCX / name).is_file() for name in INTERVIEWS):
        pytest.skip("the shared Danish fixtures are not here")
    root = make_project({}, config="segment_by: turn\nlanguage: da\n", codebook=DANISH_CODEBOOK)
    for name in INTERVIEWS:
        shutil.copy(DOCX / name, root / "transcripts" / name)
    (root / "transcripts" / "attributes.csv").write_text(
        "transcript,case\necape-interview-01,Aarhus\necape-interview-02,Aalborg\necape-interview-03,Aalborg\n"
    )
    return root


def test_languages_danish_keywords_match_inflected_forms(danish):
    study = open_project(danish)
    found = study.suggest(min_score=0.0)
    evidence = {e.text.casefold() for s in found for e in s.evidence}
    # inflected forms the interviewees use, matched through the Danish lemma table ("energipriserne"
    # is only said by interviewers, whose turns are never suggested)
    assert {"regningerne", "regningen", "radiatorerne", "elpriserne"} <= evidence
    assert "energipriserne" not in evidence
    assert all(not study.corpus.segment_index[s.segment].skipped for s in found)
    texts = {s.segment: study.corpus.segment_index[s.segment].text for s in found}
    for s in found:  # evidence offsets index the transcript text
        transcript = study.corpus.by_id[s.transcript]
        for e in s.evidence:
            assert transcript.text[e.start : e.end] == e.text
            assert e.text in texts[s.segment]


def test_languages_the_english_pipeline_does_not_know_danish_forms(danish):
    (danish / "qualcode.yaml").write_text("segment_by: turn\n")
    evidence = {e.text.casefold() for s in open_project(danish).suggest() for e in s.evidence}
    assert "regningerne" not in evidence and "radiatorerne" not in evidence


def test_languages_interviewers_of_the_legend_are_skipped(danish):
    study = open_project(danish)
    speakers = {s.speaker for s in study.corpus.segments}
    assert {"Interviewer 1", "Interviewer 2", "Kvinde", "Mand", "Interviewer", "informant", "Informant"} <= speakers
    skipped = {s.speaker for s in study.corpus.segments if s.skipped}
    # interview 03 also has four "I:" turns its legend does not name: "I" is in speakers_to_skip too
    assert skipped == {"Interviewer 1", "Interviewer 2", "Interviewer", "interviewer", "I"}


def test_languages_a_language_without_a_lemma_table_says_so_once(make_project, cli):
    assert has_lemma_table("da") and not has_lemma_table("xx")
    root = make_project({"a.txt": "Ann: hej med dig\n"}, config="language: xx\n")
    result = cli("-C", root, "codebook", "validate")
    assert result.exit_code == 0
    assert result.stderr.count("has no lemma table for language 'xx'") == 1
    assert [t.lemma_ for t in load_nlp(None, "xx")("Regningerne kom")] == ["regningerne", "kom"]


def test_languages_an_unknown_language_is_a_clear_error(make_project, cli):
    root = make_project({"a.txt": "Ann: hi\n"}, config="language: zz\n")
    result = cli("-C", root, "suggest")
    assert result.exit_code == 1
    assert "spaCy has no language 'zz'" in result.stderr and "Traceback" not in result.stderr
