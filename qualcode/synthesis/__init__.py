"""The researcher's synthesis: a written summary per cell (case x code), backed by its quotes."""
