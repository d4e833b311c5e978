"""Who speaks: from the labels a transcript uses to the names turns are counted under.

In order:

1. the transcript's **legend** names its short labels (``I1: Interviewer 1``, ``K: Kvinde``);
2. the project's ``speaker_aliases`` rename labels or names (``{I1: Interviewer, 'PARTTICIPANT 18':
   'PARTICIPANT 18'}``), matched case-insensitively;
3. **spelling variants** of one label (``MRS ALVAREZ``, ``MRS. ALVAREZ``, ``Mrs. Alvarez``: the same
   letters once case and punctuation are ignored) become one speaker, under the spelling used
   most, with a note (names given by the legend or the aliases are kept as they are: a legend
   ``I = Interviewer; I2 = interviewer`` names two people);
4. a name used once that is a near miss of one used three or more times (``Intervewer`` beside
   ``Interviewer``) is left as it is, with a warning that says how to merge it.

``speakers_to_skip`` then applies to the resulting names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from rapidfuzz import fuzz

from qualcode.study.turns import Turn

#: Similarity (0-100, rapidfuzz ratio of the folded names) from which a name used once is a near miss.
NEAR_MISS = 85.0
#: How often the other name must be used for a name used once to be called a near miss of it.
NEAR_MISS_USES = 3
_PUNCTUATION = re.compile(r"[.,'’\-]")
_DIGITS = re.compile(r"\d+")


def folded(name: str) -> str:
    """The name with case, punctuation and spacing ignored: ``Mrs. Alvarez`` -> ``mrs alvarez``."""
    return " ".join(_PUNCTUATION.sub(" ", name.casefold()).split())


def _quoted(names: Sequence[str]) -> str:
    items = [f"'{n}'" for n in names]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def name_speakers(
    turns: Sequence[Turn],
    legend: Mapping[str, str],
    aliases: Mapping[str, str],
    where: Callable[[Turn], str],
) -> tuple[list[Turn], list[str]]:
    """The turns with their speakers named, and the notes and warnings about the names.

    ``where`` gives the place of a turn for messages (``transcripts/x.txt:12``).
    """
    by_fold = {k.casefold(): v for k, v in aliases.items()}
    named: list[Turn] = []
    given: set[str] = set()  # names the legend or the aliases chose: kept as they are
    for turn in turns:
        if turn.label is None:
            named.append(turn)
            continue
        name = legend.get(turn.label, turn.label)
        name = by_fold.get(turn.label.casefold(), by_fold.get(name.casefold(), name))
        if name != turn.label:
            given.add(name)
        named.append(replace(turn, speaker=name))
    notes: list[str] = []
    # One spelling per person: the one used most (the first seen on a tie).
    spellings: dict[str, Counter[str]] = {}
    for turn in named:
        if turn.speaker is not None and turn.speaker not in given:
            spellings.setdefault(folded(turn.speaker), Counter())[turn.speaker] += 1
    canonical = {}
    for key, counts in spellings.items():
        order = list(counts)
        chosen = max(order, key=lambda n: (counts[n], -order.index(n)))
        canonical[key] = chosen
        if len(counts) > 1:
            notes.append(
                f"{where(next(t for t in named if t.speaker and folded(t.speaker) == key))}: speaker labels "
                f"{_quoted(order)} are taken as one speaker, '{chosen}' (set speaker_aliases in qualcode.yaml "
                "to name them otherwise)"
            )
    named = [
        replace(t, speaker=canonical[folded(t.speaker)]) if t.speaker and t.speaker not in given else t for t in named
    ]
    # A name used once that nearly matches a frequent one is probably a typo: say how to merge it.
    uses = Counter(t.speaker for t in named if t.speaker)
    frequent = [n for n, c in uses.items() if c >= NEAR_MISS_USES]
    for name, count in uses.items():
        if count != 1:
            continue
        best = max(frequent, key=lambda other: fuzz.ratio(folded(name), folded(other)), default=None)
        if best is None or best == name or fuzz.ratio(folded(name), folded(best)) < NEAR_MISS:
            continue
        numbers = _DIGITS.findall(name), _DIGITS.findall(best)
        if all(numbers) and numbers[0] != numbers[1]:  # 'Speaker 1' and 'Speaker 10' are two people
            continue
        turn = next(t for t in named if t.speaker == name)
        notes.append(
            f"{where(turn)}: speaker '{name}' appears once and looks like '{best}' ({uses[best]} turns); if they "
            f"are the same person, add it to qualcode.yaml: speaker_aliases: {{'{name}': '{best}'}}"
        )
    return named, notes
