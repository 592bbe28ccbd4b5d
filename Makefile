# Chorus: `make run` sets everything up and serves the portal; `make test` runs every check.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
LOCALES := cy ar

.PHONY: run setup test lint format translations compile-translations assets bench clean

run: setup
	@echo ""
	@echo "Chorus is starting on http://127.0.0.1:5000"
	@echo "Demo accounts (password: chorus-demo-password):"
	@echo "  admin@example.org         site admin"
	@echo "  coordinator@example.org   coordinator"
	@echo "  professional@example.org  professional"
	@echo "  lay@example.org           lay partner"
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port 5000

setup: $(VENV)/.installed assets compile-translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load

# The suite runs on every core (pytest-xdist). The browser tests are about half of its
# time, so they are spread over the workers too rather than grouped on one; a worker
# that runs out of tests takes some of another's (worksteal), so the long ones do not
# leave one worker running alone at the end.
# `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto

test: $(VENV)/.dev-installed assets compile-translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The NHS.UK frontend is copied into a git-ignored static folder. Its stylesheet's
# @font-face rules name the Frutiger font on assets.nhs.uk, which our
# Content-Security-Policy (fonts from this site only) blocks, with an error, on
# every page. They are dropped, as `$nhsuk-include-font-face: false` would do,
# and pages use the design system's own fallback fonts (Arial). Its icons are named
# from the site's root (/assets/...); they are served beside the stylesheet here.
assets: node_modules/.installed
	rm -rf portal/static/nhsuk
	mkdir -p portal/static/nhsuk
	sed -E -e 's/@font-face\{[^}]*\}//g' -e 's#url\(/assets/#url(assets/#g' $(NHSUK)/nhsuk-frontend.min.css > portal/static/nhsuk/nhsuk-frontend.min.css
	cp $(NHSUK)/nhsuk-frontend.min.js portal/static/nhsuk/
	cp -R $(NHSUK)/assets portal/static/nhsuk/assets

# Extract every marked string, merge it into each catalogue, and compile.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -o translations/messages.pot .
	for locale in $(LOCALES); do \
	  $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations -l $$locale; \
	done
	$(MAKE) compile-translations

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

# make bench SCALE=national (or a factor such as SCALE=0.01): the national data set, with wrk.
bench: $(VENV)/.dev-installed assets compile-translations
	$(BIN)/python benchmarks/$(if $(SCALE),national.py --scale $(SCALE),run.py)

clean:
	rm -rf $(VENV) node_modules portal/static/nhsuk translations/*/LC_MESSAGES/*.mo
