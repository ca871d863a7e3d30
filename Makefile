# bangkom: `make demo` serves the demo, `make test` runs every check. Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_EMPLOYEES ?= 600
DEMO_AGENCIES ?= 2
# Fresh PostgreSQL for CI-like runs: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangkom_test make test

.PHONY: install demo test test-sqlite test-postgres lint bench messages browser-deps clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: install
	mkdir -p var
	$(BIN)/bangkom migrate --noinput
	$(BIN)/bangkom seed-demo --employees $(DEMO_EMPLOYEES) --agencies $(DEMO_AGENCIES) --if-empty
	$(BIN)/bangkom runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	mkdir -p var
	env -u DATABASE_URL $(BIN)/bangkom makemigrations --check --dry-run

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install
	@case "$$DATABASE_URL" in \
	  postgres*) echo "== tests on PostgreSQL"; $(BIN)/pytest ;; \
	  *) echo "== DATABASE_URL names no PostgreSQL database: PostgreSQL run skipped" ;; \
	esac

test: install browser-deps lint test-sqlite test-postgres

bench: install
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run_all.py

messages: install
	cd src/bangkom && ../../$(BIN)/bangkom makemessages -l id -l en --no-obsolete && ../../$(BIN)/bangkom compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
