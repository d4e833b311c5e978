"""The self-contained cross-case HTML report: collecting its data and rendering its template."""
