"""Foundations every stage uses: errors aside, did-you-mean hints, line-aware safe YAML, atomic
writes and locks, table/CSV/JSON rendering.
"""
