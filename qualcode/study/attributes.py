"""The counting rules of a study, in one place: attribute values, participants, words.

Every listing, matrix and report counts with these, so ``qualcode transcripts``, ``cases``,
``matrix`` and the report always agree:

* an attribute a transcript lacks (or leaves empty) has the value :data:`MISSING`;
* a participant is the transcript's ``participant`` attribute, else the speaker within that
  transcript (``Speaker 2`` in two interviews is two people); only coded speakers count;
* segments count when their speaker is coded (not one of ``speakers_to_skip``);
* words are every word spoken in the transcript's segments, interviewer included (speaker labels
  and front matter are not words).
"""

from __future__ import annotations

from collections.abc import Mapping

#: The value shown for a transcript without a value for an attribute.
MISSING = "(none)"
PARTICIPANT_ATTRIBUTE = "participant"


def attribute_value(attributes: Mapping[str, str], name: str) -> str:
    """The attribute's value as text, or :data:`MISSING` when absent or empty."""
    value = attributes.get(name)
    return MISSING if value is None or str(value) == "" else str(value)


def participant_key(attributes: Mapping[str, str], transcript: str, speaker: str | None) -> str:
    """Who is speaking: the ``participant`` attribute, else the speaker within the transcript."""
    participant = attributes.get(PARTICIPANT_ATTRIBUTE)
    if participant:
        return str(participant)
    return f"{transcript}\u241f{speaker or ''}"


def word_count(text: str) -> int:
    """Words in a piece of text (whitespace-separated)."""
    return len(text.split())
