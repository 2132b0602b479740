# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi:app
DICT_DIR := instance/trans-de-en
THES_DIR := instance/openthesaurus-de
THES_EN_DIR := instance/mythes-en-us

.PHONY: run test lint install install-dev translations dictionary thesaurus migrate seed bench-matcher bench-load eval clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations dictionary thesaurus
install-dev: $(VENV)/.installed-dev translations dictionary thesaurus

# Compiled catalogues are build output, made from the reviewed .po files.
translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -q -d matchmaker/translations 2>/dev/null || $(BIN)/pybabel compile -d matchmaker/translations

# The German–English dictionary (Debian's trans-de-en) for the matcher's cross-lingual bridge.
# Installed system-wide by .ci/run; otherwise fetched without root where apt can, else the matcher runs monolingually.
dictionary:
	@if [ -f /usr/share/trans/de-en ] || [ -f $(DICT_DIR)/usr/share/trans/de-en ]; then :; \
	elif command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then \
		mkdir -p $(DICT_DIR) && cd $(DICT_DIR) && \
		( apt-get download trans-de-en >/dev/null 2>&1 && dpkg-deb -x trans-de-en_*.deb . && rm -f trans-de-en_*.deb \
		  && echo "dictionary: extracted trans-de-en into $(DICT_DIR)" ) \
		|| echo "dictionary: trans-de-en not available; the matcher will work monolingually"; \
	else echo "dictionary: no apt here; the matcher will work monolingually"; fi

# Synonyms for the matcher: German (Debian's openthesaurus-de-text, LGPL) and English (mythes-en-us,
# the LibreOffice thesaurus from WordNet); fetched like the dictionary.
thesaurus:
	@for spec in "openthesaurus-de-text $(THES_DIR) usr/share/openthesaurus-de/openthesaurus.txt German" \
	             "mythes-en-us $(THES_EN_DIR) usr/share/mythes/th_en_US_v2.dat English"; do \
		set -- $$spec; \
		if [ -f /$$3 ] || [ -f $$2/$$3 ]; then :; \
		elif command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then \
			( mkdir -p $$2 && cd $$2 && apt-get download $$1 >/dev/null 2>&1 && dpkg-deb -x $$1_*.deb . && rm -f $$1_*.deb \
			  && echo "thesaurus: extracted $$1 into $$2" ) \
			|| echo "thesaurus: $$1 not available; the matcher will work without $$4 synonyms"; \
		else echo "thesaurus: no apt here; the matcher will work without $$4 synonyms"; fi; \
	done

migrate: install
	$(FLASK) db upgrade

run: install
	$(FLASK) db upgrade
	@if [ ! -f instance/.demo-loaded ]; then $(FLASK) seed-demo && touch instance/.demo-loaded; fi
	@# the matcher's index as a snapshot: the server loads it at start (changes since are applied as they come)
	@if [ ! -e instance/matcher/current ]; then $(FLASK) matcher build; fi
	$(FLASK) run --host 127.0.0.1 --port 5000

# The suite on every core (pytest-xdist; a test file stays on one worker, so its module fixtures are built once).
# TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install-dev lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Static security checks of the application code; a justified exception is a `# nosec BXXX` at its line.
lint: $(VENV)/.installed-dev
	$(BIN)/bandit -q -r matchmaker

# README screenshots from the demo data (Playwright with Debian's Chromium; CHROMIUM=... to use another).
CHROMIUM ?= /usr/bin/chromium
screenshots: install-dev
	$(BIN)/python docs/screenshots/make.py --chromium $(CHROMIUM)

bench-matcher: install
	$(BIN)/python bench/matcher.py

# Locust against gunicorn on PostgreSQL (127.0.0.1:5432) at the demo size and 10x; see docs/performance.md.
bench-load: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m bench.load --size demo,10x

eval: install
	$(FLASK) matcher eval ../shared/eval/dev/*

clean:
	rm -rf $(VENV) instance/matchmaker.sqlite instance/.demo-loaded
