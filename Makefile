# The two commands of the README quick start. Both work on a fresh clone:
# they create .venv, install qualcode with its test tools, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QC := $(BIN)/qualcode

.PHONY: demo test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== Codebook =="
	$(QC) codebook validate
	@echo
	@echo "== Cases (segments of coded speakers per district) =="
	$(QC) cases
	@echo
	@echo "== Transcripts and their attributes =="
	$(QC) transcripts
	@echo
	@echo "== Coders (hand codings in codings/) =="
	$(QC) coders
	$(QC) check
	@echo
	@echo "== Strongest suggestions (score >= 0.95; none is a coding until reviewed) =="
	$(QC) suggest --min-score 0.95
	@echo
	@echo "== Suggestions against the hand-coded gold standard (top-level codes) =="
	$(QC) evaluate --gold gold
	@echo
	@echo "== Inter-coder agreement (ana and ben) =="
	$(QC) agree --coders ana,ben
	@echo
	@echo "== Cross-case matrix: segments per theme and district (coders ana and ben) =="
	$(QC) matrix --coders ana,ben
	@echo
	@echo "== Summaries per cell: the largest cells still to write, and the summaries written =="
	$(QC) summaries --limit 5 --current
	@echo
	@echo "== Framework matrix: the summaries per district and theme, with one quote each =="
	$(QC) framework --coders ana,ben --order-by enrollment --quotes 1 -o reports/framework.md
	$(QC) framework --coders ana,ben --order-by enrollment --quotes 1 --format docx -o reports/framework.docx
	@echo
	@echo "== Cross-case report =="
	$(QC) report --coders ana,ben -o reports/cross-case.html
	@echo "Open reports/cross-case.html in a browser (it works offline)."

test: $(STAMP)
	$(BIN)/python -m pytest

# The quality gate: lint and format check (ruff), types (mypy). `make format` fixes what it can.
lint: $(STAMP)
	$(BIN)/ruff check qualcode tests benchmarks
	$(BIN)/ruff format --check qualcode tests benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix qualcode tests benchmarks
	$(BIN)/ruff format qualcode tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_suggest.py
	$(BIN)/python benchmarks/bench_pipeline.py --words 100000
	$(BIN)/python benchmarks/bench_pipeline.py --words 1000000 --transcripts 120 --codings 97000
