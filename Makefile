# The public verbs: run, test, lint, bench. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
# Bytecode is compiled at install: every process (web, worker, command, test) then starts
# from it, also where PYTHONDONTWRITEBYTECODE keeps Python from writing it at import.
export UV_COMPILE_BYTECODE := 1

TOOLS_DIR := .tools
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS_DIR)/bin/uv)
PY := .venv/bin/python
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# make test runs against the real services; override on the command line or in the environment.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/zhouqu_jiazheng
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
TEST_BROKER_URL ?= redis://127.0.0.1:6379/2
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_BROKER_URL=$(TEST_BROKER_URL) CELERY_TASK_ALWAYS_EAGER=1 DEBUG=1
PYTEST_WORKERS ?= 2

.PHONY: help run test lint messages format bench bench-province sync browser migrate check-migrations check-deploy worker beat fonts

help:
	@echo "make run    - set up, migrate, load demo data, serve http://127.0.0.1:8000 (SQLite, in-process Celery)"
	@echo "make test   - the whole suite against PostgreSQL and Redis"
	@echo "make lint   - ruff check, format check and the import contracts"
	@echo "make bench  - benchmarks; figures printed and written to bench-results.json"

$(TOOLS_DIR)/bin/uv:
	python3 -m venv $(TOOLS_DIR)
	$(TOOLS_DIR)/bin/pip install --quiet "uv>=0.13,<0.14"

sync: $(UV)
	$(UV) sync --frozen --quiet

run: sync
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_periodic_tasks
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium through Playwright (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

test: sync browser
	$(TEST_ENV) $(PY) -m pytest -n $(PYTEST_WORKERS) -m "not bench" $(PYTEST_ARGS)

lint: sync
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache

# Refresh the catalogues from the marked strings, then compile them. The compiled .mo files
# are committed (the image and `make run` need no gettext); a test checks they are current.
messages: sync
	$(PY) manage.py makemessages -l bo --no-location --no-obsolete -i ".venv/*" -i ".tools/*"
	$(PY) manage.py compilemessages -l bo --ignore ".venv/*" --ignore ".tools/*"

# Rebuild the committed Tibetan web font subset from Debian's DDC Uchen (README "Tibetan font").
# fonttools is brought in for this run only; it is not a dependency of the project.
fonts: sync
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	(cd "$$tmp" && apt-get download fonts-ddc-uchen=1.0-1.2 && \
		dpkg-deb -x fonts-ddc-uchen_1.0-1.2_all.deb x) && \
	$(UV) run --no-sync --with "fonttools[woff]==4.68.0" python tools/subset_tibetan_font.py \
		"$$tmp/x/usr/share/fonts/truetype/tibetan/DDC_Uchen.ttf" static/fonts/zhouqu-tibetan.woff2

format: sync
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Sizes scale with BENCH_SCALE (1 = the sizes the targets are set for); a quick whole run:
#   make bench BENCH_SCALE=0.01 BENCH_LOCUST_SECONDS=20
# Missed targets fail only at full size or with BENCH_STRICT=1 (README, Performance).
bench: sync
	$(TEST_ENV) $(PY) -m pytest -m bench -s -q $(or $(PYTEST_ARGS),tests/bench)

# The yearly rating at full province scale (100k enterprises, 1M workers, 10M inputs a year,
# three years): 15–20 minutes and some 12 GB of disk, so not part of `make bench`.
# BENCH_PROVINCE_SCALE=0.01 checks the benchmark itself in a minute (targets not enforced).
BENCH_PROVINCE_SCALE ?= 1
bench-province: sync
	BENCH_PROVINCE=1 BENCH_PROVINCE_SCALE=$(BENCH_PROVINCE_SCALE) BENCH_SCALE=$(BENCH_PROVINCE_SCALE) $(TEST_ENV) $(PY) -m pytest -m bench -s -q tests/bench/bench_rating_province.py

check-migrations: sync
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: sync
	DEBUG=0 ALLOWED_HOSTS=jiazheng.example.gov.cn \
	SECRET_KEY=ci-only-$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	PERSONAL_DATA_KEY=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	PERSONAL_DATA_HASH_KEY=ci-only-$$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') \
	$(PY) manage.py check --deploy --fail-level WARNING

worker: sync
	$(PY) -m celery -A zhouqu_jiazheng worker --queues default,bulk \
		--without-gossip --without-mingle --without-heartbeat --loglevel INFO

beat: sync
	$(PY) -m celery -A zhouqu_jiazheng beat --loglevel INFO
