# GeoTweets Desktop: set-up, run, test, lint and the frozen (PyInstaller) build.
#
#   make setup         .venv with the app and dev tools, plus the web libraries (npm)
#   make run           start the app with the offline demo
#   make test          pytest, offscreen, inside a private D-Bus session with a keyring
#   make lint          ruff check, ruff format --check, mypy, eslint (the map page's scripts)
#   make frozen        one-folder build in dist/geotweets/
#   make frozen-check  the frozen app's --self-check (offscreen; given a D-Bus session
#                      with gnome-keyring, it must find that keyring)
#   make dist          the archive users install: dist/geotweets-<version>-linux-<arch>.tar.gz
#
# Variables: PYTHON (interpreter that creates .venv), PYTEST_ARGS (e.g. -k gazetteer),
# FROZEN (the app frozen-check runs, e.g. one unpacked from the archive).

PYTHON ?= python3
PYTEST_ARGS ?=
VENV := .venv
BIN := $(VENV)/bin
FROZEN := dist/geotweets/geotweets
VERSION = $(shell $(BIN)/python -c 'from geotweets_desktop import __version__; print(__version__)')

.PHONY: setup run test lint frozen frozen-check dist clean

# Stamps make a repeated `make setup` a no-op until pyproject.toml or the npm
# lock file changes. npm goes first: the package build (hatchling) checks that
# the web libraries it bundles are there, even for an editable install.
setup: $(VENV)/.setup-stamp

$(VENV)/.setup-stamp: pyproject.toml | resources/node_modules/.setup-stamp
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[dev]'
	touch $@

resources/node_modules/.setup-stamp: resources/package.json resources/package-lock.json
	npm ci --prefix resources
	touch $@

run: setup
	$(BIN)/geotweets --demo

# The Secret Service (gnome-keyring) runs on a D-Bus session of its own, with
# its keyring files and sockets in a throw-away folder: the tests never see the
# user's real keyring. Without dbus-run-session the tests run as they are;
# without gnome-keyring the Secret Service test is skipped (unless
# GEOTWEETS_TESTS_REQUIRE_SECRET_SERVICE=1, as in CI, makes it fail).
has_keyring = command -v gnome-keyring-daemon >/dev/null 2>&1
with_keyring = tmp=$$(mktemp -d); \
	  XDG_DATA_HOME=$$tmp XDG_RUNTIME_DIR=$$tmp dbus-run-session -- sh -c \
	    'if $(has_keyring); then \
	       echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
	     else \
	       echo "gnome-keyring-daemon not found: no Secret Service on this D-Bus session" >&2; \
	     fi; exec $(1)'; \
	  rc=$$?; rm -rf "$$tmp"

test: export QT_QPA_PLATFORM := offscreen
test: setup
	@if command -v dbus-run-session >/dev/null 2>&1; then \
	  $(call with_keyring,$(BIN)/python -m pytest $(PYTEST_ARGS)); exit $$rc; \
	else \
	  echo "dbus-run-session not found: running the tests without a keyring"; \
	  $(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd resources && node_modules/.bin/eslint .

frozen: setup
	$(BIN)/pyinstaller --noconfirm --log-level WARN geotweets.spec

frozen-check: export QT_QPA_PLATFORM := offscreen
frozen-check:
	@test -x $(FROZEN) || { echo "$(FROZEN) is missing: run 'make frozen' first" >&2; exit 1; }
	@if command -v dbus-run-session >/dev/null 2>&1; then \
	  out=$$(mktemp); export out; \
	  $(call with_keyring,$(FROZEN) --self-check > "$$out"); cat "$$out"; \
	  [ $$rc -ne 0 ] || ! $(has_keyring) || grep -q "keyring: SecretService" "$$out" || \
	    { echo "the frozen app found no keyring on a D-Bus session that has one" >&2; rc=1; }; \
	  rm -f "$$out"; exit $$rc; \
	else \
	  $(FROZEN) --self-check; \
	fi

# The spec renders the icons into build/icons/ (packaging/icons.py).
dist: frozen
	packaging/linux/make_archive.sh dist/geotweets resources/icons/geotweets.svg \
	  build/icons/geotweets.png $(VERSION) dist

clean:
	rm -rf build dist
