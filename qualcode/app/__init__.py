"""The application layer above the stages: the Study object that the CLI and notebooks open, and
operations that span stages.
"""
