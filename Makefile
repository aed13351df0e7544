# Set-up and the two entry points: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out

.PHONY: run test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install is not byte-compiled (a wheel install is) and PYTHONDONTWRITEBYTECODE may keep
# Python from caching what it compiles: without this every start compiles dedupe's sources (~0.17 s).
# Python reads a .pyc only while it matches its source; a stale one is ignored (compiled in memory, as before).
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m compileall -q dedupe
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed scripts/system-deps.sh
	bash scripts/system-deps.sh
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m compileall -q dedupe
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	@mkdir -p $(OUT)
	$(BIN)/dedupe filter fixtures/sample/corpus.jsonl -o $(OUT)/kept.jsonl --rejects $(OUT)/rejects.jsonl \
		--report $(OUT)/report.json --html $(OUT)/report.html
	$(BIN)/dedupe clusters fixtures/sample/corpus.jsonl -o $(OUT)/clusters.jsonl --quiet
	@echo "outputs: $(OUT)/kept.jsonl $(OUT)/rejects.jsonl $(OUT)/clusters.jsonl $(OUT)/report.json"
	@echo "HTML report (open it in a browser): $(abspath $(OUT)/report.html)"

test: install-test
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python benchmarks/bench_minhash.py

clean:
	rm -rf $(OUT) build *.egg-info
