# SummitCMS. `make run` for a first look, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

WEB_CONCURRENCY ?= 2

.PHONY: run serve test lint lock scan load bench clean cluster cluster-stop cluster-test

# pip itself first, pinned with its hashes like everything else (requirements-pip.in says why).
$(VENV)/bin/activate: requirements-pip.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --require-hashes -r requirements-pip.txt
	touch $@

# Every package pinned with its hashes (make lock): pip refuses a file that differs from
# what was locked, and a dependency the lock does not list.
PIP_INSTALL := $(PY) -m pip install --quiet --require-hashes

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/activate
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

## lock: requirements.txt and requirements-dev.txt from the .in lists, with hashes (uv, in var/)
## Keeps the versions already locked; LOCK_ARGS=--upgrade (or --upgrade-package NAME) for newer ones.
UV_VERSION ?= 0.13.8
LOCK_VENV := var/lock-venv
COMPILE = $(LOCK_VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_ARGS)
$(LOCK_VENV)/bin/uv:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet uv==$(UV_VERSION)

lock: $(LOCK_VENV)/bin/uv
	$(COMPILE) requirements.in -o requirements.txt
	$(COMPILE) requirements-dev.in -o requirements-dev.txt
	$(COMPILE) requirements-pip.in -o requirements-pip.txt

# The W3C Nu HTML checker for the validity tests (needs npm, and Java to run). Without
# npm those tests are skipped, except under CI, where they fail.
VNU_VERSION ?= 26.9.27
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-save --no-audit --no-fund --prefix . vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the HTML validity tests will be skipped"; fi

## run: a virtualenv, the SQLite database under var/, the seed corpus, demo accounts, the server
run: $(VENV)/.runtime
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py bootstrap
	@echo "SummitCMS on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## serve: the production server (gunicorn; DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS required)
serve: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn summitcms.wsgi --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) \
		--access-logfile - --error-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

## test: the whole suite (set DATABASE_URL for PostgreSQL)
test: $(VENV)/.dev $(VNU_JAR)
	$(PY) -m pytest $(PYTEST_ARGS)

## scan: wapiti (in its own virtualenv) against a production instance on 127.0.0.1
scan: $(VENV)/.runtime var/wapiti-venv/bin/wapiti
	cd bench && ../$(PY) scan.py

## load: wrk through gunicorn on lists, details, search and the feed; fails on any non-2xx or logged error
load: $(VENV)/.runtime
	cd bench && ../$(PY) load.py $(LOAD_ARGS)

## bench: SummitCMS against stock Django in one run (CLAIMS=N, default 100000; DATABASE_URL for PostgreSQL)
CLAIMS ?= 100000
bench: $(VENV)/.runtime
	$(PY) bench/run.py --claims $(CLAIMS) $(BENCH_ARGS)

var/wapiti-venv/bin/wapiti:
	$(PYTHON) -m venv var/wapiti-venv
	var/wapiti-venv/bin/pip install --quiet wapiti3==3.2.3

## lint: ruff, and the direction of imports between apps (docs/architecture.md)
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var/static

## cluster: a PostgreSQL primary and streaming replica, Redis, two gunicorn servers behind HAProxy, on this machine
## (CLUSTER_ARGS="--claims 2000" for a generated corpus; see docs/deploy.md)
cluster: $(VENV)/.runtime
	$(PY) deploy/cluster.py start $(CLUSTER_ARGS)

## cluster-stop: stop it, and remove var/cluster
cluster-stop:
	$(PY) deploy/cluster.py stop

## cluster-test: the faults it survives, measured through the balancer (starts a cluster unless one runs)
cluster-test: $(VENV)/.dev
	$(PY) -m pytest -m cluster tests/test_cluster.py $(PYTEST_ARGS)
