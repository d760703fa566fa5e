# The README's two commands are `make run` and `make test`; everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_CHILDREN ?= 10000
DEMO_SEED ?= 42
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json -type f 2>/dev/null)

.PHONY: run test test-db e2e lint format install frontend bench schema clean

run: install frontend
	DEMO_CHILDREN=$(DEMO_CHILDREN) DEMO_SEED=$(DEMO_SEED) scripts/run.sh

test: install frontend
	scripts/test.sh

# The database and API tests only (no lint, no browser): .ci/run repeats these against
# the machine's own PostgreSQL.
test-db: install frontend
	$(BIN)/pytest -q tests

e2e: install frontend
	scripts/ensure-chromium.sh
	$(BIN)/pytest -q e2e

lint: install
	$(BIN)/ruff check backend tests e2e bench
	$(BIN)/ruff format --check backend tests e2e bench
	$(BIN)/mypy
	cd frontend && npm run --silent typecheck

format: install
	$(BIN)/ruff check --fix backend tests e2e bench
	$(BIN)/ruff format backend tests e2e bench

install: $(VENV)/.installed frontend/node_modules/.installed

$(VENV)/.installed: pyproject.toml
	scripts/ensure-python.sh $(PYTHON) $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend: frontend/dist/index.html

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pgdata-test

# The API contract: schema.graphql and the app's generated GraphQL types.
schema: install
	$(BIN)/python scripts/export_graphql_types.py
