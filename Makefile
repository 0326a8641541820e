# Two entry points for a fresh Debian machine: `make site` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# WeasyPrint's native libraries, HarfBuzz subsetting (reproducible font subsets) and the handouts'
# fonts: Noto Sans (fonts-noto-core) for the text, DejaVu Sans for the symbols Noto Sans lacks.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core
# The browser tests drive Debian's Chromium (a browser download of the test tools does not work here).
TEST_SYSTEM_PACKAGES := chromium
AGENCY ?= examples/district/agency.yml

.PHONY: setup system-deps test-system-deps apt-install site test goldens bench lint messages clean

setup: system-deps $(VENV)/.installed

system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(SYSTEM_PACKAGES)"

test-system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_SYSTEM_PACKAGES)"

apt-install:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	$(PYTHON) -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:" $$missing; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

site: setup
	$(BIN)/lstoolkit check $(AGENCY)
	$(BIN)/mkdocs build --strict
	@echo "The example district's site is in site/ (handouts in site/handouts/): open site/index.html, or run: $(BIN)/mkdocs serve"

test: setup test-system-deps
	$(BIN)/pytest

goldens: setup  # regenerate tests/goldens after an intended change to the pages; review the diff
	LSTOOLKIT_UPDATE_GOLDENS=1 $(BIN)/pytest -q tests/test_site.py

bench: setup  # not part of the tests: prints the table and writes docs/benchmarks.md
	$(BIN)/python bench/run.py

# After a change to the handouts' fixed text: extract it (babel.cfg) and update each language's
# catalogue; then translate the new entries of lstoolkit/locale/*/LC_MESSAGES/lstoolkit.po.
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k N_plural:1,2 -k plural:1,2 --no-location --sort-output --omit-header \
	  --project=lstoolkit -o lstoolkit/locale/lstoolkit.pot .
	$(BIN)/pybabel update -i lstoolkit/locale/lstoolkit.pot -d lstoolkit/locale -D lstoolkit -w 100 \
	  --ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date

lint: setup
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/ruff check lstoolkit tests bench
	$(BIN)/ruff format --check lstoolkit tests bench
	$(BIN)/mypy lstoolkit
	$(BIN)/mypy --strict --explicit-package-bases tests

clean:
	rm -rf $(VENV) site .pytest_cache
