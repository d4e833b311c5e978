"""Exchange with other tools: spreadsheets of codings (and, later, REFI-QDA)."""
