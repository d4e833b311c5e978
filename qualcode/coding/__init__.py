"""Hand coding: the per-coder store, anchoring and re-anchoring, resolution against the
transcripts, orphans, reconciliation, memos, coder identity.
"""
