# SummitCMS. `make run` for a first look, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

WEB_CONCURRENCY ?= 2

.PHONY: run serve test lint scan load bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

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

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) var/static
