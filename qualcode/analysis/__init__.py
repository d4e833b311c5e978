"""Analysis of codings: coder selection, cross-case matrices, inter-coder agreement, retrieval of
quotes and frequencies, data frames.
"""
