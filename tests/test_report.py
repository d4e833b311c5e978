"""The HTML report: self-contained, escaped, numbers equal to the matrices, quotes embedded once."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from lxml import html as lxml_html

from qualcode.analysis.matrix import build_matrix
from qualcode.report.context import report_context
from qualcode.report.format import format_value, heat_bin, script_json
from qualcode.report.render import build_report
from tests.helpers import IMG_PAYLOAD, SCRIPT_PAYLOAD, build_study, fake_suggestion, xss_study


def by_id(tree, element_id: str):
    return tree.xpath(f'//*[@id="{element_id}"]')[0]


def report_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="qc-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.fixture
def study(make_project):
    return build_study(make_project)


@pytest.fixture
def html(study):
    return build_report(study.corpus, study.codebook, study.select(), generated="2026-01-02 03:04 UTC")


def test_report_format_and_bins_match_the_documented_rules():
    assert [format_value(v, "share") for v in (0, 0.004, 0.005, 0.125, 1 / 3, 1)] == [
        "0%",
        "<1%",
        "1%",
        "13%",
        "33%",
        "100%",
    ]
    assert format_value(7.0, "segments") == "7"
    assert [heat_bin(v, 10) for v in (0, 0.1, 2, 2.1, 10)] == [0, 1, 1, 2, 5]


def test_report_is_self_contained(html):
    assert "<link" not in html and "@import" not in html and "url(" not in html
    tree = lxml_html.fromstring(html)
    for element in tree.iter():
        for attribute in ("src", "href", "action", "srcset", "poster", "data"):
            value = element.get(attribute)
            assert value is None or value.startswith("#"), (element.tag, attribute, value)
    assert not re.search(r"https?://", html)


def test_report_content_security_policy_allows_only_its_own_script(html):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "connect-src" not in csp  # default-src 'none' covers it
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


def test_report_header_numbers_and_provenance(study, html):
    tree = lxml_html.fromstring(html)
    numbers = {dt.text_content(): dt.getnext().text_content() for dt in tree.xpath('//dl[@class="numbers"]//dt')}
    assert numbers == {
        "transcripts": "3",
        "cases": "2",
        "participants": "4",  # A-T1, B-T1, and Ann Diaz and Bob Kerr (no participant attribute)
        "words": str(sum(len(s.text.split()) for s in study.corpus.segments)),
        "interviewee segments": "9",
        "coded segments": "8",
        "codings": "13",  # ana 7 + ben 7, less ben's coding of an interviewer turn (never counted)
        "coders": "2",
    }
    provenance = by_id(tree, "provenance").text_content()
    assert "2026-01-02 03:04 UTC" in provenance and "Test book" in provenance and "version 2" in provenance
    assert study.codebook.sha256[:12] in provenance and "ana, ben" in provenance
    assert "suggestions not included" in provenance


def test_report_default_heatmap_equals_the_matrix(study, html):
    tree = lxml_html.fromstring(html)
    header = [th.text_content() for th in tree.xpath('//table[@id="matrix"]/thead//th')]
    assert header == ["Theme", "Alder", "Bayview", "All cases"]
    cells = {
        tr.get("data-code-id"): [b.text_content() for b in tr.xpath(".//button")]
        for tr in tree.xpath('//table[@id="matrix"]/tbody/tr')
    }
    assert cells == {"data_use": ["3", "0", "3"], "collaborative_pl": ["3", "1", "4"], "family": ["1", "1", "2"]}
    darkest = tree.xpath('//table[@id="matrix"]/tbody/tr[@data-code-id="data_use"]/td')[0]
    assert darkest.get("class") == "h5"  # 3 is the largest cell


def test_report_cooccurrence_case_profiles_and_code_pages(html):
    tree = lxml_html.fromstring(html)
    co = [[b.text_content() for b in tr.xpath(".//button")] for tr in tree.xpath('//table[@id="cooccur"]/tbody/tr')]
    assert co == [["3", "0", "1"], ["0", "4", "0"], ["1", "0", "2"]]
    alder = by_id(tree, "case-1")
    numbers = " ".join(alder.xpath('.//p[@class="case-numbers"]')[0].text_content().split())
    assert numbers.startswith("2 transcripts · 3 participants ·") and numbers.endswith("6 segments, 6 coded")
    assert [n.text_content() for n in alder.xpath('.//span[@class="name"]')] == [
        "Data use",
        "Collaborative PL",
        "Family",
    ]
    assert [n.text_content() for n in alder.xpath('.//span[@class="num"]')] == [
        "3 segments · 50%",
        "3 segments · 50%",
        "1 segment · 17%",
    ]
    coaching = by_id(tree, "code-coaching")
    assert [b.text_content() for b in coaching.xpath('.//table[contains(@class, "counts")]//td')] == ["2", "0"]
    assert by_id(tree, "code-data_use").xpath('.//p[@class="definition"]')[0].text_content() == "Using evidence."
    assert by_id(tree, "codebook-section").xpath('.//ul[@class="tree"]')  # the appendix
    assert not tree.xpath('//*[@id="agreement-section"]')


def test_report_quotes_are_embedded_once_and_cells_refer_to_them(study, html):
    data = report_data(html)
    texts = [q["x"] for q in data["quotes"]]
    assert len(texts) == 8 and len(set(texts)) == 8  # every coded, counted segment once
    assert "And coaching?" not in texts  # the coded interviewer turn is not a quote
    assert html.count("My coach visits every week.") == 1
    first = data["quotes"][0]
    transcript = data["transcripts"][first["t"]]
    assert (transcript["id"], transcript["case"], transcript["role"]) == ("alder/principal-01", "Alder", "principal")
    assert [data["codes"][c]["id"] for c in data["quotes"][1]["c"]] == ["data_use", "family"]
    exemplars = by_id(lxml_html.fromstring(html), "code-family").xpath(".//ol")[0].get("data-quotes")
    assert [texts[int(i)] for i in exemplars.split()] == [
        "Parents come to our data nights.",
        "Families are partners here.",
    ]


def test_report_suggestions_carry_their_evidence(study):
    suggestions = [
        fake_suggestion(study, "Nothing else", "family", 0.9, word="else"),
        fake_suggestion(study, "We have a PLC", "plc", 0.8, word="PLC"),
    ]
    selection = study.select(include_suggestions=True, suggestions=suggestions)
    html = build_report(study.corpus, study.codebook, selection)
    data = report_data(html)
    quote = next(q for q in data["quotes"] if q["x"] == "Nothing else to add.")
    assert [data["codes"][c]["id"] for c in quote["g"]] == ["family"]  # suggested only
    ((start, end, code, rule),) = quote["e"]
    assert quote["x"][start:end] == "else" and data["codes"][code]["id"] == "family" and rule == "keyword 'else'"
    plc = next(q for q in data["quotes"] if q["x"] == "We have a PLC too.")
    assert plc["g"] == []  # ben applied plc too: not "suggested only"
    assert "suggestions included" in by_id(lxml_html.fromstring(html), "provenance").text_content()


def test_report_escapes_quotes_labels_and_attributes(make_project):
    from qualcode.analysis.agreement import report_section

    project = xss_study(make_project)
    agreement = report_section(
        project.load_codings(["ana", "ben"]), project.corpus, project.codebook
    )  # its disagreement list quotes the payloads too
    assert any(SCRIPT_PAYLOAD in d["text"] for d in agreement["disagreements"])
    html = build_report(project.corpus, project.codebook, project.select(), agreement=agreement)
    assert SCRIPT_PAYLOAD not in html and "<img" not in html and "onerror=alert(1)>" not in html
    tree = lxml_html.fromstring(html)
    assert not tree.xpath("//img")
    assert len(tree.xpath("//script")) == 2  # the data block and the report's own script
    label = tree.xpath('//table[@id="matrix"]/tbody/tr[@data-code-id="family"]/th')[0].text_content()
    assert label == IMG_PAYLOAD + SCRIPT_PAYLOAD
    assert [th.text_content() for th in tree.xpath('//table[@id="matrix"]/thead//th')] == [
        "Theme",
        SCRIPT_PAYLOAD,
        "Alder",
        "All cases",
    ]
    assert IMG_PAYLOAD in [o.text_content() for o in tree.xpath('//select[@data-filter="role"]/option')]
    data = report_data(html)  # the JSON block still holds the exact texts
    assert any(SCRIPT_PAYLOAD in q["x"] and IMG_PAYLOAD in q["x"] for q in data["quotes"])


def test_script_json_cannot_close_its_script_element():
    text = script_json({"x": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(str(text)) == {"x": "</script><!-- & \u2028"}


def test_report_filters_must_name_attributes(study):
    from qualcode.errors import QualcodeError

    with pytest.raises(QualcodeError, match="did you mean 'role'"):
        report_context(study.corpus, study.codebook, study.select(), filters=["rol"])
    context = report_context(study.corpus, study.codebook, study.select(), filters=["role", "participant"])
    assert [f["name"] for f in context["filters"]] == ["role", "participant"]
    assert context["filters"][1]["options"] == ["A-T1", "B-T1", "(none)"]


def test_report_agreement_section_with_hand_computed_figures(study, cli):
    # ana and ben both covered all 3 transcripts: 9 interviewee segments, 8 coded differently.
    # coaching: ana on "My coach visits"; ben there and on "Coaching is central":
    # agreement 8/9, kappa (8/9 - 58/81) / (1 - 58/81) = 14/23, alpha 1 - 17 * 2 / 90.
    assert cli("-C", study.root, "report", "--coders", "ana,ben").exit_code == 0
    tree = lxml_html.fromstring((study.root / "reports" / "cross-case.html").read_text(encoding="utf-8"))
    section = by_id(tree, "agreement-section")
    assert "ana, ben coded 9 of 9 segments in common" in " ".join(section.text_content().split())
    rows = {
        tr.xpath("./th")[0].text_content(): [td.text_content() for td in tr.xpath("./td")]
        for tr in section.xpath(".//table//tbody/tr")
    }
    assert rows["Coaching"] == ["9", "88.9%", "0.61", "0.62", rows["Coaching"][4]]
    assert len(section.xpath('.//div[contains(@class, "disagreement")]')) == 8
    assert tree.xpath('//a[@href="#agreement-section"]')


def test_report_has_no_agreement_section_with_one_coder(study, cli):
    assert cli("-C", study.root, "report", "--coders", "ben").exit_code == 0
    tree = lxml_html.fromstring((study.root / "reports" / "cross-case.html").read_text(encoding="utf-8"))
    assert not tree.xpath('//*[@id="agreement-section"]')


def test_report_command_writes_the_default_file(study, cli):
    result = cli("-C", study.root, "report", "--coders", "ben")
    assert result.exit_code == 0, result.output
    path = study.root / "reports" / "cross-case.html"
    assert "wrote reports/cross-case.html" in result.stderr
    tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    cells = [
        b.text_content() for b in tree.xpath('//table[@id="matrix"]/tbody/tr[@data-code-id="collaborative_pl"]//button')
    ]
    assert cells == ["2", "1", "3"]  # ben only
    assert "Codings by ben;" in " ".join(by_id(tree, "provenance").text_content().split())


def test_report_command_output_path_rules(study, cli, tmp_path):
    refused = cli("-C", study.root, "report", "-o", "../../escape.html")
    assert refused.exit_code == 1 and "outside the project" in refused.stderr
    target = tmp_path / "share" / "r.html"
    target.parent.mkdir()
    assert cli("-C", study.root, "report", "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_matrix_values_agree_with_build_matrix_for_the_demo_shape(study):
    # The server-rendered view and the matrix module must agree (the page script recomputes
    # the other views; the browser tests check those against build_matrix too).
    context = report_context(study.corpus, study.codebook, study.select())
    table = build_matrix(study.corpus, study.codebook, study.select().codings)
    assert [[c["value"] for c in row["cells"]] for row in context["matrix"]] == table.to_numpy().tolist()
