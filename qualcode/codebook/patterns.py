"""Checking spaCy token patterns exactly as ``suggest`` will use them, with messages a coder can act on.

:func:`pattern_errors` runs two passes over one pattern (a list of token dicts):

1. **Without spaCy** (cheap, so every command that loads the codebook runs it): every attribute
   and operator key is one spaCy knows (a typo gets a did-you-mean: ``LEMA`` -> ``LEMMA``,
   ``OPP`` -> ``OP``, ``REGX`` -> ``REGEX``), ``OP`` is an operator spaCy accepts, and every
   regular expression (``REGEX``, also inside ``FUZZY`` and ``_`` extension values) compiles with
   Python's :mod:`re`, which is what spaCy's Matcher compiles it with.
2. **With spaCy** (``compile=True``): spaCy's own schema check, then the pattern added to a
   ``Matcher(validate=True)``, as :class:`qualcode.suggest.matcher.RuleSet` does. Whatever the
   Matcher refuses is reported; nothing ``suggest`` rejects passes ``codebook validate``.

The known keys are spaCy 3's (``spacy.schemas.TokenPattern``); a test checks they still match.
"""

from __future__ import annotations

import re
from typing import Any

from qualcode.common.didyoumean import WHOLE_WORD, hint

#: token attributes of spaCy 3's Matcher (``spacy.schemas.TokenPattern`` aliases), ``OP`` and ``_`` aside
ATTRIBUTES = (
    "ORTH",
    "TEXT",
    "LOWER",
    "POS",
    "TAG",
    "MORPH",
    "DEP",
    "LEMMA",
    "SHAPE",
    "ENT_TYPE",
    "ENT_IOB",
    "ENT_ID",
    "ENT_KB_ID",
    "NORM",
    "LENGTH",
    "SPACY",
    "IS_ALPHA",
    "IS_ASCII",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_TITLE",
    "IS_PUNCT",
    "IS_SPACE",
    "IS_BRACKET",
    "IS_QUOTE",
    "IS_LEFT_PUNCT",
    "IS_RIGHT_PUNCT",
    "IS_CURRENCY",
    "IS_STOP",
    "IS_SENT_START",
    "SENT_START",
    "LIKE_NUM",
    "LIKE_URL",
    "LIKE_EMAIL",
)
#: attributes whose value is a number, and those that are true or false (the others take text)
NUMERIC = ("LENGTH",)
BOOLEAN = tuple(a for a in ATTRIBUTES if a.startswith(("IS_", "LIKE_")) or a in ("SPACY", "SENT_START"))
#: predicates of a text attribute ({LOWER: {IN: [...]}}); FUZZY1..9 allow that many edits
TEXT_PREDICATES = ("REGEX", "IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS", "FUZZY") + tuple(
    f"FUZZY{n}" for n in range(1, 10)
)
#: predicates of a numeric attribute ({LENGTH: {">=": 5}})
_LIST_PREDICATES = ("IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS")
NUMBER_PREDICATES = ("REGEX", *_LIST_PREDICATES, "==", "!=", ">=", "<=", ">", "<")
OPERATORS = ("?", "*", "+", "!", "1")
_RANGE = re.compile(r"^\{(\d*)(,?)(\d*)\}$")
_OPERATOR_HELP = "use one of ? (optional), * (any number), + (one or more), ! (not), or {n}, {n,m}, {n,}, {,m}"
_KEYS = (*ATTRIBUTES, "OP", "_")
_SPACY_PATH = re.compile(r"^\[pattern -> (\d+)(?: -> ([^\]]*))?\]\s*(.*)$")


def pattern_errors(pattern: list[dict[str, Any]], compile: bool = True) -> list[tuple[int, str]]:
    """``[(token index (0-based, -1 for the whole pattern), message), ...]``; empty when usable.

    ``compile=False`` runs only the checks that need no spaCy (see the module docstring).
    """
    errors: list[tuple[int, str]] = []
    for index, token in enumerate(pattern):
        errors += [(index, message) for message in _token_errors(token)]
    if errors or not compile:
        return errors
    return _spacy_errors(pattern)


def pattern_problem(code_id: str, number: int, errors: list[tuple[int, str]]) -> str:
    """The one message ``codebook validate``, ``check`` and ``suggest`` all give for a bad pattern.

    ``code 'mtss': pattern 2 cannot be used: token 1: unknown attribute 'LEMA' (did you mean 'LEMMA'?)``
    """
    detail = "; ".join(f"token {index + 1}: {message}" if index >= 0 else message for index, message in errors)
    return f"code '{code_id}': pattern {number} cannot be used: {detail}"


def _token_errors(token: dict[str, Any]) -> list[str]:
    errors = []
    for key, value in token.items():
        name = str(key)
        upper = name.upper()
        # spaCy takes the aliases (LOWER) and the field names (lower); other spellings are refused
        if name not in _KEYS and not (name == upper.lower() and upper in _KEYS):
            errors.append(f"unknown attribute '{name}'{_hint(upper, _KEYS)}")
        elif value is None:
            errors.append(f"{upper} has no value; give it one or remove it")
        elif upper == "OP":
            errors += _operator_errors(value)
        elif upper == "_":
            if not isinstance(value, dict):
                errors.append("_ must be a mapping of extension attributes, e.g. {_: {is_term: true}}")
                continue
            for extension, inner in value.items():
                if isinstance(inner, dict):
                    errors += _predicate_errors(f"_.{extension}", inner, TEXT_PREDICATES + NUMBER_PREDICATES)
        elif upper in BOOLEAN:
            if not isinstance(value, bool):
                errors.append(f"{upper} must be true or false, not {_shown(value)}")
        elif upper in NUMERIC:
            if isinstance(value, dict):
                errors += _predicate_errors(upper, value, NUMBER_PREDICATES)
            elif not _is_whole(value):
                errors.append(f"{upper} must be a whole number or a mapping such as {{'>=': 5}}, not {_shown(value)}")
        elif isinstance(value, dict):
            errors += _predicate_errors(upper, value, TEXT_PREDICATES)
        elif not isinstance(value, str):
            errors.append(
                f"{upper} must be text or a mapping such as {{IN: [a, b]}}, not {_shown(value)} (quote it in YAML)"
            )
    return errors


def _operator_errors(value: Any) -> list[str]:
    if isinstance(value, str):
        if value in OPERATORS:
            return []
        found = _RANGE.match(value)
        if found and (found[1] or found[3]):
            low, comma, high = found[1], found[2], found[3]
            if not comma or not low or not high or int(low) <= int(high):
                return []
            return [f"OP '{value}' asks for at least {low} and at most {high}; the first number must not be larger"]
    return [f"OP {_shown(value)} is not an operator; {_OPERATOR_HELP}"]


def _predicate_errors(attribute: str, value: dict, predicates: tuple[str, ...]) -> list[str]:
    errors = []
    numeric = predicates is NUMBER_PREDICATES
    for key, inner in value.items():
        name = str(key)
        if name not in predicates:
            errors.append(f"{attribute}: unknown operator '{name}'{_hint(name.upper(), predicates)}")
        elif name == "REGEX":
            errors += _regex_errors(attribute, inner)
        elif name.startswith("FUZZY"):
            if isinstance(inner, dict):
                errors += _predicate_errors(f"{attribute} {name}", inner, TEXT_PREDICATES)
            elif not isinstance(inner, str):
                errors.append(f"{attribute} {name} must be text, not {_shown(inner)} (quote it in YAML)")
        elif name in _LIST_PREDICATES:
            if not isinstance(inner, list):
                errors.append(f"{attribute} {name} must be a list, e.g. [{'3, 4' if numeric else 'a, b'}]")
            elif not all(_is_whole(v) if numeric else isinstance(v, str) for v in inner):
                kind = "whole numbers" if numeric else "text (quote numbers in YAML)"
                errors.append(f"{attribute} {name}: every entry must be {kind}")
        elif not _is_number(inner):  # ==, >=, ...
            errors.append(f"{attribute} {name} must be a number, not {_shown(inner)}")
    return errors


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value).replace("True", "true").replace("False", "false")


def _hint(word: str, choices: tuple[str, ...]) -> str:
    return hint(word, choices, cutoff=75, scorer=WHOLE_WORD)


def _regex_errors(attribute: str, expression: Any) -> list[str]:
    if not isinstance(expression, str):
        return [f"{attribute} REGEX must be text (quote it in YAML)"]
    try:
        re.compile(expression)
    except re.error as exc:
        return [
            f"{attribute} REGEX '{expression}' is not a valid regular expression ({exc}); "
            "escape ( ) [ ] { } . * + ? with a backslash to match them literally"
        ]
    return []


def _spacy_errors(pattern: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """spaCy's schema messages, then whatever its Matcher refuses (heavy import: only here)."""
    from spacy.matcher import Matcher
    from spacy.schemas import validate_token_pattern
    from spacy.vocab import Vocab

    errors = []
    for text in validate_token_pattern(pattern):
        found = _SPACY_PATH.match(text)
        if found:
            where = f"{found[2]}: " if found[2] else ""
            errors.append((int(found[1]), f"{where}{found[3]}"))
        else:
            errors.append((-1, text))
    if errors:
        return errors
    try:
        Matcher(Vocab(), validate=True).add("check", [pattern])
    except Exception as exc:  # spaCy raises ValueError, re.error, MatchPatternError...
        return [(-1, " ".join(str(exc).split()))]
    return []
