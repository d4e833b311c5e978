"""REFI-QDA (QDA-XML 1.0) exchange: ``.qdc`` codebooks and ``.qdpx`` projects, read safely.

XML is parsed only through defusedxml (no DTDs, entities or network), archives are checked before
anything is read from them, and nothing is written when anything is wrong.
"""
