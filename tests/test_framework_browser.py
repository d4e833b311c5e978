"""The report's framework view in Chromium: summaries rendered safely, counts, the quotes behind
a cell (cited first), and ordering the cases by a case attribute in both views."""

from __future__ import annotations

import pytest

from qualcode.app.study import open_project
from qualcode.report.render import build_report
from tests.helpers import IMG_PAYLOAD, SCRIPT_PAYLOAD, build_study, segment
from tests.test_report_browser import CHROMIUM, browser, watch  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium")

CASES_CSV = """\
case,locale,enrollment
Alder,suburban,"12,400"
Bayview,large urban,"31,850"
"""


@pytest.fixture
def opened(browser, make_project):  # noqa: F811
    made = build_study(make_project)
    (made.root / "cases.csv").write_text(CASES_CSV, encoding="utf-8")
    study = open_project(made.root)
    central = segment(study, "Coaching is central").id
    study.summarize("Alder", "collaborative_pl", f"Coaching is **weekly** here [[{central}]].", "ana")
    study.summarize("Bayview", "family", f"Families {SCRIPT_PAYLOAD} {IMG_PAYLOAD} matter.", "ana")
    study = open_project(made.root)
    path = study.root / "reports" / "cross-case.html"
    path.parent.mkdir(exist_ok=True)
    html = build_report(study.corpus, study.codebook, study.select(), summaries=study.summaries())
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    result = watch(page, path)
    page.wait_for_selector("#framework tbody tr")
    yield result
    result.clean()
    page.close()


def fw_cell(page, code: str, column: int):
    return page.locator(f'#framework tbody tr[data-code-id="{code}"] td button').nth(column)


def test_browser_framework_shows_context_rows_summaries_and_counts(opened):
    page = opened.page
    assert page.locator("#framework thead th").all_inner_texts() == ["Theme", "Alder", "Bayview"]
    context = page.locator("#framework tbody tr.context").first.locator("td").all_inner_texts()
    assert context == ["suburban", "large urban"]
    summary = fw_cell(page, "collaborative_pl", 0)
    assert summary.locator("strong").inner_text() == "weekly"
    assert "Coaching is weekly here." in summary.inner_text()
    assert "[[" not in summary.inner_text()
    assert fw_cell(page, "collaborative_pl", 1).inner_text() == "1 quote"
    assert fw_cell(page, "data_use", 0).inner_text() == "3 quotes"


def test_browser_framework_summary_html_stays_text(opened):
    page = opened.page
    text = fw_cell(page, "family", 1).inner_text()
    assert SCRIPT_PAYLOAD in text and IMG_PAYLOAD in text
    assert page.locator("#framework script, #framework img").count() == 0
    assert opened.dialogs == []


def test_browser_framework_cell_opens_its_quotes_cited_first(opened):
    page = opened.page
    fw_cell(page, "collaborative_pl", 0).click()
    assert page.locator("#panel").is_visible()
    quotes = page.locator("#panel-quotes li blockquote").all_inner_texts()
    assert quotes[0] == "Coaching is central."
    assert sorted(quotes[1:]) == ["My coach visits every week.", "Our PLC meets on Wednesdays."]
    first = page.locator("#panel-quotes > li").first
    assert first.locator(".badge.cited").inner_text() == "cited"
    assert page.locator("#panel-quotes .badge.cited").count() == 1


def test_browser_ordering_by_a_case_attribute_reorders_both_views(opened):
    page = opened.page
    assert page.locator("#matrix thead th").all_inner_texts()[1:3] == ["Alder", "Bayview"]
    page.locator("#framework-section select[data-order]").select_option("enrollment")
    page.locator("#framework-section select[data-direction]").select_option("desc")
    assert page.locator("#framework thead th").all_inner_texts() == ["Theme", "Bayview", "Alder"]
    assert page.locator("#matrix thead th").all_inner_texts() == ["Theme", "Bayview", "Alder", "All cases"]
    matrix_row = page.locator('#matrix tbody tr[data-code-id="data_use"] td button').all_inner_texts()
    assert matrix_row == ["0", "3", "3"]
    assert "weekly" in fw_cell(page, "collaborative_pl", 1).inner_text()
    assert page.locator("#matrix-section select[data-order]").input_value() == "enrollment"
    page.locator("#matrix-section select[data-direction]").select_option("asc")
    assert page.locator("#framework thead th").all_inner_texts() == ["Theme", "Alder", "Bayview"]
