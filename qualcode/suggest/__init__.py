"""Suggestions: the spaCy pipeline, codebook rules compiled into matchers, scoring, the
pending/decision store, review and evaluation.
"""
