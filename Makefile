# Lattice developer commands. A fresh machine needs only Python 3.11 and make:
#   make run    create .venv from uv.lock, migrate, load the demo data, serve on :8000
#   make test   run the whole test suite in parallel (extra pytest arguments: ARGS="-k membership")
#   make test-fast  the same without the browser and fuzz tests

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
UV_VERSION := 0.13.9
# Touched after a successful `uv sync`; older than uv.lock or pyproject.toml means re-sync.
STAMP := .make-install
# UV_COMPILE_BYTECODE: compile the installed packages once, at install, as the Dockerfile
# does. Where PYTHONDONTWRITEBYTECODE is set (as in many containers) Python would otherwise
# compile Django, DRF, Hypothesis... from source in every process it starts: every test
# worker, every `manage.py`, every subprocess a test runs (about 1 s each).
UV_ENV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
# Throwaway values so that `check --deploy` can import production settings.
DEPLOY_CHECK_ENV := DJANGO_ENV=production \
	SECRET_KEY=deploy-check-only-throwaway-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=lattice.example.org
ARGS ?=
# pytest-xdist: one worker per core, each taking the next tests in pytest-django's order
# (--dist load; see conftest.py for why not loadgroup or worksteal). TEST_WORKERS=0 runs
# everything in this one process.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist load
# The tests keep Python's bytecode caches (__pycache__/, git-ignored) even where the
# environment sets PYTHONDONTWRITEBYTECODE: without them each worker compiles and
# assertion-rewrites every test module again (about 6 s a worker a run), and each
# subprocess a test starts compiles the project again.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/pytest

.DEFAULT_GOAL := help

.PHONY: help install run test test-fast lint format migrations-check deploy-check compose-check audit ci clean

help:
	@echo "make run               install, migrate, load demo data, serve on http://127.0.0.1:8000/"
	@echo "make test [ARGS=...]   the whole test suite, in parallel (pytest-xdist); MARKS=\"not slow\" narrows it"
	@echo "make test-fast         the same without the browser and fuzz tests (-m 'not browser and not fuzz')"
	@echo "make install           create .venv from uv.lock (re-syncs when uv.lock changes)"
	@echo "make lint              ruff check, ruff format --check and the layer contracts (lint-imports)"
	@echo "make format            fix what ruff can fix, then format"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make deploy-check      Django's deployment checks on production settings"
	@echo "make compose-check     validate docker-compose.yml against the compose spec"
	@echo "make audit             load data/ into a throwaway SQLite database and audit it against data/audit-baseline.json"
	@echo "make ci                everything CI runs (.ci/run)"
	@echo "make clean             remove .venv, caches and collected static files (keeps db.sqlite3)"

install: $(STAMP)

# The virtual environment itself, made with Python 3.11 (python3.11, else python3).
$(VENV)/pyvenv.cfg:
	@py="$$(command -v python3.11 || command -v python3 || true)"; \
	if [ -z "$$py" ]; then \
		echo "error: Lattice needs Python 3.11, but neither python3.11 nor python3 is on PATH." >&2; \
		exit 1; \
	fi; \
	if ! "$$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
		echo "error: $$py is Python $$("$$py" -c 'import platform; print(platform.python_version())'), but Lattice needs Python 3.11." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV) || { rm -f $@; echo "error: '$$py -m venv' failed (on Debian/Ubuntu: apt-get install python3.11-venv)." >&2; exit 1; }

$(STAMP): $(VENV)/pyvenv.cfg pyproject.toml uv.lock
	@$(BIN)/uv --version 2>/dev/null | grep -q '^uv $(UV_VERSION)' || \
		$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(UV_ENV) $(BIN)/uv sync --frozen
	@# The project's own bytecode too (half a second), rather than in every test worker
	@# and subprocess of the first test run.
	$(PY) -m compileall -q -x '/\.(venv|git)/' .
	@touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_directory
	DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver 127.0.0.1:8000

# MARKS narrows either selection by marker: make test-fast MARKS="not slow".
test: install
	$(PYTEST) $(PYTEST_PARALLEL) $(if $(MARKS),-m "$(MARKS)") $(ARGS)

test-fast: install
	$(PYTEST) $(PYTEST_PARALLEL) -m "not browser and not fuzz$(if $(MARKS), and ($(MARKS)))" $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

deploy-check: install
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# The data audit (curation/audit.py) on a throwaway SQLite database: fails when a count of
# suspicious facts rises above data/audit-baseline.json.
audit: install
	@db="$$(mktemp -d)/audit.sqlite3"; export DATABASE_URL="sqlite:///$$db"; \
	$(PY) manage.py migrate --noinput -v0 && \
	$(PY) manage.py load_directory && \
	$(PY) manage.py audit_directory --baseline data/audit-baseline.json; \
	status=$$?; rm -rf "$$(dirname "$$db")"; exit $$status

compose-check: install
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) .make-* .pytest_cache .ruff_cache staticfiles
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
