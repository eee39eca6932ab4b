# The two commands: `make run` (demo dashboard) and `make test` (whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATABASE ?= $(or $(INTL_KPI_DATABASE),data/intl_kpi.duckdb)

.PHONY: run test install install-test demo lint format clean bench docs translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are re-run when pyproject.toml changes (stamp files).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Builds the demo university only when no database is published yet.
$(DATABASE): | $(VENV)/.installed
	$(BIN)/intl-kpi demo

demo: install
	$(BIN)/intl-kpi demo

# gunicorn on the loopback address only (sign-in is off in the demo). One process with 8
# threads (a page fires 13 callbacks at once): DuckDB spreads each query over both cores by
# itself, and one process keeps one chart cache, so every repeat is a hit (with 2 workers
# and no Redis, half of them missed: Chromium, scale 10, repeat 7.5 s against 4.4 s).
HOST_PORT ?= 127.0.0.1:$(or $(INTL_KPI_PORT),8050)
run: install $(DATABASE)
	@echo "Serving the dashboard on http://$(HOST_PORT)"
	$(BIN)/gunicorn --workers 1 --threads 8 --timeout 120 --bind $(HOST_PORT) app:server

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# Benchmarks (not part of the suite): ETL, KPI table and filter changes at demo scales (beside a
# pandas peer and the framework floor, and click-to-drawn in Chromium), 50 users
# across 3 republishes on the dev server and gunicorn --threads, the disclosure attacks on the
# demo, e.g. `make bench SCALES="1 10"`.
SCALES ?= 1
# Simulated people (bench_users.py: think time, page opens, filter changes, CSV downloads)
# against the README's shared-server command with Redis: p95 per callback, e.g.
# `make bench BENCH_USERS_SCALE=10`.
BENCH_USERS ?= 50
BENCH_USERS_SECONDS ?= 120
BENCH_USERS_SCALE ?= 1
# The dashboard's filter changes against the pandas peer and the framework floor, in one run.
DASHBOARD_SCALES ?= 1 10
# Rows of the one big enrolment CSV whose load peak memory and rows/s are measured.
BENCH_ROWS ?= 2000000
bench: install
	$(BIN)/python tests/benchmarks/bench_etl.py --scales $(SCALES)
	$(BIN)/python tests/benchmarks/bench_dashboard.py --scales $(DASHBOARD_SCALES)
	$(BIN)/python tests/benchmarks/bench_republish.py
	$(BIN)/python tests/benchmarks/bench_load_memory.py --rows $(BENCH_ROWS)
	$(BIN)/python tests/benchmarks/bench_attacks.py
	$(BIN)/python tests/benchmarks/bench_users.py --users $(BENCH_USERS) \
		--duration $(BENCH_USERS_SECONDS) --scale $(BENCH_USERS_SCALE)

docs: install
	$(BIN)/python -m etl.docs

# Extract the interface's messages and update the Dutch catalogue (lists what is untranslated).
translations: install
	$(BIN)/python -m dashboard.translations

lint: install-test
	$(BIN)/ruff check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
