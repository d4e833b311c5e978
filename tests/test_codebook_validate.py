"""`codebook validate` reports everything `suggest` would refuse, and every command agrees (issue 13, point 2)."""

import pytest

from qualcode.codebook.parse import parse_codebook
from qualcode.codebook.patterns import ATTRIBUTES, NUMBER_PREDICATES, TEXT_PREDICATES
from tests.helpers import INTERVIEW

REGEX_CODEBOOK = """\
name: Mini
codes:
  - id: data_use
    label: Data use
    keywords: [benchmark assessment]
    patterns:
      - [{LEMMA: look}, {LOWER: at}]
      - [{LOWER: {REGEX: "(time"}}, {LEMMA: block}]
"""
REGEX_PROBLEM = (
    "codebooks/district-practices.yaml:8: code 'data_use': pattern 2 cannot be used: token 1: LOWER REGEX '(time' "
    "is not a valid regular expression (missing ), unterminated subpattern at position 0); escape ( ) [ ] { } . * + ? "
    "with a backslash to match them literally"
)


@pytest.fixture
def regex_project(make_project):
    return make_project({"alder/teacher-01.txt": INTERVIEW}, codebook=REGEX_CODEBOOK)


def test_validate_rejects_the_regex_suggest_rejects(regex_project, cli):
    result = cli("-C", regex_project, "codebook", "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [REGEX_PROBLEM, "Error: 1 problem in codebooks/district-practices.yaml"]
    assert result.stdout == ""


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["suggest"],
        ["review", "--coder", "ana", "--new-coder"],
        ["show", "alder/teacher-01"],  # hand coding never builds the matcher, and still says it
        ["quotes", "data_use"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_loads_the_codebook_reports_the_same_problem(regex_project, cli, command):
    result = cli("-C", regex_project, *command, input="q\n")
    assert result.exit_code == 1, result.output
    assert REGEX_PROBLEM in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("[{LEMA: look}]", "token 1: unknown attribute 'LEMA' (did you mean 'LEMMA'?)"),
        ("[{LEMMA: look}, {LOWWER: at}]", "token 2: unknown attribute 'LOWWER' (did you mean 'LOWER'?)"),
        ('[{OPP: "?", LOWER: x}]', "token 1: unknown attribute 'OPP' (did you mean 'OP'?)"),
        ("[{FOO: 1}]", "token 1: unknown attribute 'FOO'"),  # no far-fetched guess
        ('[{LOWER: {REGX: "da.a"}}]', "token 1: LOWER: unknown operator 'REGX' (did you mean 'REGEX'?)"),
        ("[{LOWER: {NOTIN: [a]}}]", "token 1: LOWER: unknown operator 'NOTIN' (did you mean 'NOT_IN'?)"),
        (
            '[{OP: "++", LOWER: x}]',
            "token 1: OP '++' is not an operator; use one of ? (optional), * (any number), + (one or more), "
            "! (not), or {n}, {n,m}, {n,}, {,m}",
        ),
        (
            '[{OP: "{3,1}", LOWER: x}]',
            "token 1: OP '{3,1}' asks for at least 3 and at most 1; the first number must not be larger",
        ),
        ('[{IS_ALPHA: "yes"}]', "token 1: IS_ALPHA must be true or false, not 'yes'"),
        ("[{LOWER: 5}]", "token 1: LOWER must be text or a mapping such as {IN: [a, b]}, not 5 (quote it in YAML)"),
        ("[{LOWER: {IN: tier}}]", "token 1: LOWER IN must be a list, e.g. [a, b]"),
        ("[{LENGTH: {'>=': x}}]", "token 1: LENGTH >= must be a number, not 'x'"),
        (
            '[{_: {term: {REGEX: "["}}}]',
            "token 1: _.term REGEX '[' is not a valid regular expression (unterminated character set at "
            "position 0); escape ( ) [ ] { } . * + ? with a backslash to match them literally",
        ),
        ("[{ENT_IOB: X}]", "token 1: ENT_IOB: Input should be '', 'I', 'O', 'B', 0, 1, 2 or 3"),  # spaCy's schema
    ],
)
def test_validate_names_the_token_and_suggests_the_attribute(pattern, message):
    text = f"name: T\ncodes:\n  - id: mtss\n    patterns:\n      - {pattern}\n"
    _, problems = parse_codebook(text, "cb.yaml")
    assert [str(p) for p in problems] == [f"cb.yaml:5: code 'mtss': pattern 1 cannot be used: {message}"]


def test_validate_points_at_the_token_line_of_a_block_pattern():
    text = "name: T\ncodes:\n  - id: mtss\n    patterns:\n      - - LEMMA: tier\n        - LOWWER: two\n"
    _, problems = parse_codebook(text, "cb.yaml")
    assert [str(p) for p in problems] == [
        "cb.yaml:6: code 'mtss': pattern 1 cannot be used: token 2: unknown attribute 'LOWWER' (did you mean 'LOWER'?)"
    ]


def test_valid_patterns_of_every_kind_still_pass():
    text = (
        "name: T\ncodes:\n  - id: mtss\n    patterns:\n"
        "      - [{lower: tier}, {LIKE_NUM: true, OP: '?'}, {LOWER: {IN: [2, '3']}}]\n"
        '      - [{TEXT: {REGEX: "^(RTI|MTSS)$"}}, {OP: "{1,3}"}, {LENGTH: {">=": 3}}]\n'
        "      - [{LOWER: {FUZZY: intervention}}, {IS_SENT_START: false, OP: '*'}]\n"
    )
    _, problems = parse_codebook(text.replace("[2, '3']", "['2', '3']"), "cb.yaml")
    assert problems == []


def test_known_attributes_are_spacys():
    from spacy.schemas import TokenPattern, TokenPatternNumber, TokenPatternString

    aliases = {field.alias for field in TokenPattern.model_fields.values()} - {"OP", "_"}
    assert set(ATTRIBUTES) == aliases

    def spellings(model):  # the names a pattern uses: REGEX (alias 'regex'), '>=' (field GEQ)
        return {
            name if (f.alias or name).lower() == name.lower() else f.alias for name, f in model.model_fields.items()
        }

    assert set(TEXT_PREDICATES) == spellings(TokenPatternString)
    assert set(NUMBER_PREDICATES) == spellings(TokenPatternNumber)


def test_validate_rejects_a_colour_on_a_child_code(make_project, cli):
    codebook = (
        "name: T\ncodes:\n  - id: collaborative_pl\n    color: '#4e79a7'\n    children:\n"
        "      - id: coaching\n        color: '#f28e2b'\n"
    )
    root = make_project(codebook=codebook)
    result = cli("-C", root, "codebook", "validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "codebooks/district-practices.yaml:7: code 'coaching': 'color' is for top-level codes only; a sub-code is "
        "drawn in its top-level code's colour, so remove this line (or move it to the top-level code)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "name: T\ncodes:\n  - id: a\n    label: A\n  keywords: [x]\n",  # expected <block end>, but found '?'
        "name: T\ncodes:\n  - id: a\n    label: A\n - id: b\n",  # ... found '<block sequence start>'
    ],
)
def test_yaml_structure_errors_get_an_indentation_hint(make_project, cli, text):
    root = make_project(codebook=text)
    result = cli("-C", root, "codebook", "validate")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("codebooks/district-practices.yaml:5: YAML syntax error: expected <block end>, but found")
    assert first.endswith(
        "; check the indentation of this line and the one before; YAML needs spaces, not tabs, "
        "and the same indent for keys at one level"
    )


def test_a_colon_in_a_value_gets_the_quoting_hint_first():
    _, problems = parse_codebook("name: T\ncodes:\n  - id: a\n    label: Data: use\n", "cb.yaml")
    assert [str(p) for p in problems] == [
        "cb.yaml:4: YAML syntax error: mapping values are not allowed here (column 16); put quotes around a value "
        "that contains ': ', else check the indentation of this line and the one before; YAML needs spaces, not "
        "tabs, and the same indent for keys at one level"
    ]
