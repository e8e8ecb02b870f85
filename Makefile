# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app thinktank
DEV_ENV := THINKTANK_ENV=development

.PHONY: run test lint bench translations compile-translations seed-demo clean

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d thinktank/translations 2>&1 | grep -v '^compiling' || true
	@test -f thinktank/translations/da/LC_MESSAGES/messages.mo

run: $(VENV)/.installed compile-translations
	mkdir -p instance
	$(DEV_ENV) $(FLASK) db upgrade
	$(DEV_ENV) $(FLASK) rerender-markdown
	test -f instance/.demo-seeded || { $(DEV_ENV) $(FLASK) seed-demo && touch instance/.demo-seeded; }
	$(DEV_ENV) $(FLASK) reindex
	$(DEV_ENV) $(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-test compile-translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n auto

# Times the diff page of two 5,000-word versions (cold and warm); fails over 200 ms and
# writes benchmarks/results.md. The long-thread benchmark compares a case page with 10 and
# with 2,000 comments (time, bytes, queries) and fails when a target is missed. Not part of `make test`: timings belong to no test.
# Search on PostgreSQL (1,000 cases, 200 recommendations, 1,000,000 comments) runs when
# THINKTANK_BENCH_SEARCH_URL names a database it may fill (e.g. .../bench_search).
bench: $(VENV)/.installed compile-translations
	$(BIN)/python benchmarks/diff_page.py --baseline
	$(BIN)/python benchmarks/threads.py
	@if [ -n "$$THINKTANK_BENCH_SEARCH_URL" ]; then $(BIN)/python benchmarks/search.py; \
	else echo "search benchmark skipped: set THINKTANK_BENCH_SEARCH_URL to a PostgreSQL database"; fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Extract every user-facing string and update both catalogs. English is filled in from the
# source; the Danish strings still missing are listed (translate them in da/.../messages.po).
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs=".*" --no-wrap --sort-by-file --add-location=file \
		-k _l -k lazy_gettext -k N_ -k lazy_pgettext:1c,2 --add-comments=TRANSLATORS: \
		-o thinktank/translations/messages.pot .
	$(BIN)/pybabel update --no-wrap --ignore-obsolete --no-fuzzy-matching \
		-i thinktank/translations/messages.pot -d thinktank/translations
	$(BIN)/python -m thinktank.i18n_catalogs

seed-demo: $(VENV)/.installed
	$(DEV_ENV) $(FLASK) seed-demo

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
