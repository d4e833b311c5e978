"""Codebook rules compiled into spaCy matchers, checked on small texts with the embedded pipeline."""

import pytest

from qualcode.codebook.parse import parse_codebook
from qualcode.errors import CodebookError
from qualcode.suggest.matcher import FUZZY_THRESHOLD, RuleSet, weight
from qualcode.suggest.nlp import load_nlp

CODEBOOK = """\
name: Rules
codes:
  - id: plc
    keywords: [professional learning community, PLC]
  - id: data_use
    keywords: [benchmark, data chat]
    patterns:
      - [{LEMMA: look}, {LOWER: at}, {OP: "?"}, {LEMMA: datum}]
      - [{LOWER: {IN: [our, the]}}, {LEMMA: dashboard}]
  - id: coaching
    keywords: [coaching cycle, instructional coach]
    exclude_keywords: [football]
  - id: mtss
    keywords: [PBIS, tutor, hiring]
"""


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(None)


@pytest.fixture(scope="module")
def rules(nlp):
    book, problems = parse_codebook(CODEBOOK, "cb.yaml")
    assert problems == []
    return RuleSet(book, nlp)


def hits(rules, nlp, text):
    """code -> [(rule name, matched text)] for ``text``."""
    doc = nlp(text)
    return {code: [(h.name, text[h.start : h.end]) for h in found] for code, found in rules.match(doc).items()}


def test_matcher_keywords_match_lemmas_case_insensitively(rules, nlp):
    assert hits(rules, nlp, "Our Professional Learning Communities meet weekly; our plc too.") == {
        "plc": [
            ("keyword:professional learning community", "Professional Learning Communities"),
            ("keyword:PLC", "plc"),
        ],
    }
    assert hits(rules, nlp, "We hold DATA CHATS after every Benchmark.")["data_use"] == [
        ("keyword:data chat", "DATA CHATS"),
        ("keyword:benchmark", "Benchmark"),
    ]


def test_matcher_patterns_match_and_keep_the_longest_span(rules, nlp):
    assert hits(rules, nlp, "We looked at the data, then looked at data again.") == {
        "data_use": [("pattern:data_use#1", "looked at the data"), ("pattern:data_use#1", "looked at data")],
    }


def test_matcher_pattern_anchored_on_a_later_token_still_matches(rules, nlp):
    # the pattern's rarest required word is its second ("dashboard"): docs without it are skipped
    assert hits(rules, nlp, "The dashboards show our dashboard.")["data_use"] == [
        ("pattern:data_use#2", "The dashboards"),
        ("pattern:data_use#2", "our dashboard"),
    ]
    assert hits(rules, nlp, "Our team and the school.") == {}


def test_matcher_a_match_inside_a_longer_one_of_the_same_code_is_not_counted_again(nlp):
    book, _ = parse_codebook(
        "name: N\ncodes:\n  - id: coaching\n    keywords: [coaching, coaching cycle]\n"
        "  - id: other\n    keywords: [coaching]\n",
        "cb.yaml",
    )
    found = RuleSet(book, nlp).match(nlp("Our coaching cycles and more coaching."))
    assert {code: [h.name for h in hits] for code, hits in found.items()} == {
        "coaching": ["keyword:coaching cycle", "keyword:coaching"],  # the second "coaching" stands alone
        "other": ["keyword:coaching", "keyword:coaching"],
    }


def test_matcher_exclude_keywords_suppress_only_their_code(rules, nlp):
    text = "The football coach started a coaching cycle; we also use the benchmark."
    assert hits(rules, nlp, text) == {"data_use": [("keyword:benchmark", "benchmark")]}
    assert "coaching" in hits(rules, nlp, "The coach started a coaching cycle.")


def test_matcher_fuzzy_catches_a_misspelt_keyword_at_half_weight(rules, nlp):
    doc = nlp("After the benchmrk we regrouped; the Profesional Learning Comunity met.")
    found = rules.match(doc)
    assert [(h.name, doc.text[h.start : h.end], h.weight) for h in found["data_use"]] == [
        ("fuzzy:benchmark~benchmrk", "benchmrk", 0.25)
    ]
    assert [(h.name, h.weight) for h in found["plc"]] == [
        ("fuzzy:professional learning community~Profesional Learning Comunity", 0.4375)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Our PBJS rollout",  # keyword shorter than 6 characters: never fuzzy
        "a tutr after school",  # ditto
        "they stopped firing staff",  # a dictionary word is not a misspelling of "hiring"
        "the bencmork",  # two edits in 9 letters: similarity 0.78 < threshold
        "the coaching cycel",  # "cycle" is a short word inside the keyword: must match exactly
    ],
)
def test_matcher_no_fuzzy_match_for_short_words_real_words_or_distant_spellings(rules, nlp, text):
    assert FUZZY_THRESHOLD == 0.8
    assert hits(rules, nlp, text) == {}


def test_matcher_fuzzy_plural_of_a_misspelling(rules, nlp):
    assert hits(rules, nlp, "two benchmrks") == {"data_use": [("fuzzy:benchmark~benchmrks", "benchmrks")]}


def test_matcher_weight_grows_with_specificity():
    assert [weight(n) for n in (1, 2, 3, 4, 9)] == [0.5, 0.75, 0.875, 0.9, 0.9]


def test_matcher_rule_weights_count_required_words(rules, nlp):
    by_name = {
        h.name: h.weight
        for found in rules.match(
            nlp("PLC and professional learning community; looked at the data; a coaching cycle")
        ).values()
        for h in found
    }
    assert by_name == {
        "keyword:PLC": 0.5,
        "keyword:professional learning community": 0.875,
        "pattern:data_use#1": 0.875,
        "keyword:coaching cycle": 0.75,
    }


def test_matcher_unusable_patterns_are_all_reported_at_their_lines(nlp):
    text = (
        "name: Bad\n"
        "codes:\n"
        "  - id: a\n"
        "    patterns:\n"
        '      - [{LOWER: {REGEX: "["}}]\n'
        "      - [{LEMMA: ok}]\n"
        '      - [{LOWER: {REGEX: "("}}]\n'
    )
    expected = [
        "cb.yaml:5: code 'a': pattern 1 cannot be used: token 1: LOWER REGEX '[' is not a valid regular expression "
        "(unterminated character set at position 0); escape ( ) [ ] { } . * + ? with a backslash to match them literally",
        "cb.yaml:7: code 'a': pattern 3 cannot be used: token 1: LOWER REGEX '(' is not a valid regular expression "
        "(missing ), unterminated subpattern at position 0); escape ( ) [ ] { } . * + ? with a backslash to match "
        "them literally",
    ]
    # the codebook check reports what the matcher would refuse, in the same words
    assert [str(p) for p in parse_codebook(text, "cb.yaml")[1]] == expected
    book, problems = parse_codebook(text.replace('{REGEX: "["}', "x").replace('{REGEX: "("}', "y"), "cb.yaml")
    assert problems == []
    book.codes[0].patterns[0] = [{"LOWER": {"REGEX": "["}}]  # a codebook built by hand, never checked
    book.codes[0].patterns[2] = [{"LOWER": {"REGEX": "("}}]
    with pytest.raises(CodebookError) as caught:
        RuleSet(book, nlp)
    assert [str(p) for p in caught.value.problems] == expected


def test_matcher_limited_to_some_codes(nlp):
    book, _ = parse_codebook(CODEBOOK, "cb.yaml")
    only = RuleSet(book, nlp, codes={"coaching"})
    assert list(only.match(nlp("PLC and a coaching cycle"))) == ["coaching"]
