# Every target installs what it needs: a fresh clone only needs Python 3.11 (and root or sudo
# for Debian's chromium, used by the browser tests, the PDF booklet and the benchmark).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VERSION ?= dev
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install serve build apercu lint test test-fast validate check-links offline livret release bench bench-recherche chromium clean vendor

# The wiki's own tools (validate, serve, build), then the test tools (browser, checkers) on top:
# a contributor who only validates or serves never installs the browser-test tools.
$(BIN)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/.base

$(BIN)/.installed: $(BIN)/.base
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian's chromium (never a browser downloaded by a test tool).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }
	@command -v pdftotext >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }
	@command -v zbarimg >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq zbar-tools >/dev/null; }

serve: $(BIN)/.base
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# SOURCE_DATE_EPOCH from the last commit: the sitemap's dates do not change from build to build.
# From a downloaded archive (no git), the time of the build.
EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),$(shell date +%s))
build: export SOURCE_DATE_EPOCH := $(EPOCH)
build: $(BIN)/.base
	$(BIN)/mkdocs build --strict --site-dir site

# The preview attached to every pull request: the offline build, which opens from the disk.
apercu: export SOURCE_DATE_EPOCH := $(EPOCH)
apercu: $(BIN)/.base
	$(BIN)/mkdocs build --strict -f mkdocs.offline.yml --site-dir apercu

# On GitHub Actions the problems become annotations on the pull request's files.
validate: $(BIN)/.base
	$(BIN)/commons-wiki validate $(if $(GITHUB_ACTIONS),--format github)

# The Nu HTML Checker (npm vnu-jar, run by the tests) and the Java it needs (Debian's).
VNU := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU):
	@command -v java >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }
	mkdir -p .cache/vnu && npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/vnu vnu-jar@26.9.27 >/dev/null

# Lint (ruff: errors, imports, complexity at most 15) and types (mypy) first: quick, and they
# point at the line.
lint: $(BIN)/.installed
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/mypy

test: $(BIN)/.installed chromium $(VNU) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -p no:cacheprovider

# Without the browser tests, for a quick loop while editing.
test-fast: $(BIN)/.installed lint
	$(BIN)/python -m pytest -q -m "not browser and not slow" -p no:cacheprovider

# Every internal link and anchor of the built site (the tests run it on the online and offline builds).
check-links: build
	$(BIN)/python -m commons_wiki.linkcheck site --base-path /wiki/

offline: $(BIN)/.installed
	$(BIN)/python -m commons_wiki.release offline --version $(VERSION)

# make livret SELECTION="thematiques=mobilite" (the catalogue's address after « # ») or
# SELECTION="arvieu le-juch" for a workshop kit; ANNEXES=oui adds the checklists to a kit.
livret: $(BIN)/.installed chromium
	$(BIN)/python -m commons_wiki.release livret --version $(VERSION) $(if $(SELECTION),--selection "$(SELECTION)") $(if $(ANNEXES),--annexes)

release: $(BIN)/.installed chromium
	$(BIN)/python -m commons_wiki.release all --version $(VERSION)

bench: $(BIN)/.installed chromium
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/search.py

# The search and page-weight rows alone (1,000 fiches, cloned and synthetic): benchmarks/RESULTS-recherche.md
bench-recherche: $(BIN)/.installed chromium
	$(BIN)/python benchmarks/search.py

# Refresh the npm files we vendor (committed; the build never downloads anything).
vendor:
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent iframe-worker@1 >/dev/null && \
	for f in *.tgz; do tar xzf $$f; mv package $${f%.tgz}; done && \
	cp iframe-worker-*/shim/index.js $(CURDIR)/overrides/assets/vendor/iframe-worker/shim.js && \
	cp iframe-worker-*/LICENSE $(CURDIR)/overrides/assets/vendor/iframe-worker/LICENSE

clean:
	rm -rf site dist .pytest_cache
