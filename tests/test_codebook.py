from pathlib import Path

import pytest

from qualcode.codebook.parse import load_codebook, parse_codebook, validate_codebook
from qualcode.errors import CodebookError
from tests.helpers import MINI_CODEBOOK, REPO

BROKEN = """\
name: Broken
versoin: "1"
codes:
  - id: Data Use
    keywords: [benchmark, "", interim]
  - id: mtss
    keywrds: [tier 2]
    patterns:
      - [{LEMMA: tier}, {FOO: 2}]
      - just text
    color: red
  - id: mtss
    children:
      - label: no id here
"""


def messages(text):
    book, problems = parse_codebook(text, "cb.yaml")
    assert book is None
    return [str(p) for p in problems]


def test_codebook_reports_every_problem_at_once_with_lines():
    assert messages(BROKEN) == [
        "cb.yaml:2: unknown top-level key 'versoin' (did you mean 'version'?)",
        "cb.yaml:4: code id 'Data Use' may only use a-z, 0-9 and _; e.g. 'data_use'",
        "cb.yaml:5: code 'Data Use' has an empty keyword; remove the blank entry",
        "cb.yaml:7: unknown key 'keywrds' (did you mean 'keywords'?)",
        "cb.yaml:9: code 'mtss': pattern 1 cannot be used: token 2: unknown attribute 'FOO'",
        "cb.yaml:10: code 'mtss': a pattern must be a non-empty list of token dicts, "
        "e.g. [{LEMMA: look}, {LOWER: at}, {LEMMA: datum}]",
        "cb.yaml:11: code 'mtss': color 'red' must look like \"#1f77b4\" (quote it in YAML)",
        "cb.yaml:12: duplicate code id 'mtss' (first on line 6); ids must be unique across the codebook",
        "cb.yaml:14: code without an 'id'; add e.g. 'id: data_use' (lower case, digits and _)",
    ]


def test_codebook_tabs_are_reported_per_line():
    text = "name: T\ncodes:\n\t- id: a\n  - id: b\n\t  label: x\n"
    found = messages(text)
    assert "cb.yaml:3: tab character in indentation; indent with spaces" in found
    assert "cb.yaml:5: tab character in indentation; indent with spaces" in found


def test_codebook_yaml_syntax_error_has_its_position():
    found = messages("name: T\ncodes:\n  - id: a\n    keywords: [x, y\n  - id: b\n")
    assert len(found) == 1 and found[0].startswith("cb.yaml:5: YAML syntax error") and "column" in found[0]


def test_codebook_duplicate_yaml_keys_are_reported():
    found = messages("name: T\ncodes:\n  - id: a\n    label: x\n    label: y\n")
    assert found == ["cb.yaml:5: duplicate key 'label' (first on line 4); keep one"]


def test_codebook_empty_and_missing_parts():
    assert messages("") == ["cb.yaml:1: the codebook is empty; it needs at least 'name' and 'codes'"]
    assert "the codebook has no 'codes'" in messages("name: T\n")[0]
    assert messages("name: T\ncodes:\n  - id: a\n    exclusive: true\n") == [
        "cb.yaml:4: code 'a' is exclusive but has no children; remove 'exclusive' or add children"
    ]


def test_codebook_unsafe_yaml_tags_are_refused():
    found = messages("name: !!python/object/apply:os.system [echo hi]\ncodes: []\n")
    assert found and "could not determine a constructor" in found[0]


def test_codebook_tree_navigation():
    book, problems = parse_codebook(MINI_CODEBOOK)
    assert problems == []
    assert [c.id for c in book.walk()] == ["data_use", "collaborative_pl", "coaching"]
    assert book.path_of("coaching") == "collaborative_pl/coaching"
    assert book.top_level("coaching") == "collaborative_pl"
    assert book.descendants("collaborative_pl") == ["collaborative_pl", "coaching"]
    with pytest.raises(CodebookError, match=r"no code 'coachng' \(did you mean 'coaching'\?\)"):
        book.get("coachng")


def test_codebook_missing_file(tmp_path):
    _, problems = validate_codebook(tmp_path / "none.yaml", "codebooks/none.yaml")
    assert (
        str(problems[0]) == "codebooks/none.yaml: codebook file not found; create it or set 'codebook' in qualcode.yaml"
    )


def test_codebook_default_is_valid_and_complete():
    book = load_codebook(REPO / "codebooks" / "district-practices.yaml")
    assert [c.id for c in book.codes] == [
        "vision",
        "stable_workforce",
        "collaborative_pl",
        "data_use",
        "mtss",
        "family_engagement",
    ]
    for code in book.codes:
        assert code.definition and code.include and code.exclude, code.id
        assert len(code.examples) >= 2, code.id
        assert sum(len(c.keywords) for c in _tree(book, code.id)) >= 10, code.id
        assert sum(len(c.patterns) for c in _tree(book, code.id)) >= 1, code.id


def test_codebook_packaged_copy_is_the_default_codebook():
    from importlib import resources

    packaged = resources.files("qualcode").joinpath("data", "district-practices.yaml").read_text(encoding="utf-8")
    assert packaged == Path(REPO / "codebooks" / "district-practices.yaml").read_text(encoding="utf-8")


def _tree(book, code_id):
    return [book.by_id[i] for i in book.descendants(code_id)]


def test_codebook_pattern_check_can_be_deferred_and_run_later():
    # what only spaCy's own schema knows (ENT_IOB's values) waits for check_patterns
    text = "name: T\ncodes:\n  - id: a\n    patterns:\n      - [{LEMMA: x}, {ENT_IOB: X}]\n"
    book, problems = parse_codebook(text, "cb.yaml", check_patterns=False)
    assert problems == []
    _, checked = parse_codebook(text, "cb.yaml", check_patterns=True)
    assert [str(p) for p in checked] == [
        "cb.yaml:5: code 'a': pattern 1 cannot be used: token 2: ENT_IOB: Input should be '', 'I', 'O', 'B', 0, 1, 2 or 3"
    ]
