"""The codebook: its model (codes, hierarchy, levels, colours), YAML parsing and validation, and
round-trip edits.
"""
