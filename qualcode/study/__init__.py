"""The study's material: qualcode.yaml and project paths, transcript files, speaker turns, segments
with stable ids, the loaded corpus.
"""
