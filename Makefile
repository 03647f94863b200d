# `make run` serves the back office with a demo fleet (DEBUG on, for itself only);
# `make serve` runs the production setup on loopback; `make test` runs every check.
# Both create the virtual environment first, so a fresh clone needs only Python 3.11.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ADDRESS ?= 127.0.0.1:8000
PRODUCTION_CHECK_ENV := DJANGO_SETTINGS_MODULE=inventory_site.settings.production \
	DJANGO_SECRET_KEY=check-deploy-only-$(shell date +%s)-not-a-real-secret-0123456789abcdef \
	DJANGO_ALLOWED_HOSTS=inventory.example.com

SERVE_WORKERS ?= 3
# make serve: production settings over plain HTTP on loopback (hence DJANGO_HTTPS=false and
# the loopback host names); DJANGO_SECRET_KEY and DATABASE_URL come from the environment or .env.
SERVE_ENV := DJANGO_SETTINGS_MODULE=inventory_site.settings.production DJANGO_HTTPS=false \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost

# make test measures coverage; PYTEST_COVERAGE= leaves it out (CI's PostgreSQL run).
PYTEST_COVERAGE ?= --cov --cov-report=term:skip-covered

.PHONY: install run serve test lint typecheck format benchmark

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# The demo business is in Innsbruck: make run reads dates in its time zone unless the
# environment sets TIME_ZONE (the product's default stays UTC, as SPEC.md says).
RUN_ENV := TIME_ZONE=$${TIME_ZONE:-Europe/Vienna}

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@echo
	@echo "  The back office is at http://$(ADDRESS)/"
	@echo
	$(RUN_ENV) DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(ADDRESS)

serve: install
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "  The back office (production settings) is at http://$(ADDRESS)/"
	@echo
	$(SERVE_ENV) $(BIN)/gunicorn inventory_site.wsgi --bind $(ADDRESS) \
		--workers $(SERVE_WORKERS) --access-logfile -

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy .

test: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(PRODUCTION_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest $(PYTEST_COVERAGE) $(PYTEST_ARGS)

# Timings at realistic scale on the PostgreSQL server at 127.0.0.1:5432, written to
# benchmarks/results/ (docs/performance.md): make benchmark ARTICLES=10000 for the smaller
# fleet, BENCHMARK_ARGS="--only pages --runs 3" for part of it.
ARTICLES ?= 100000
BENCHMARK_ARGS ?=
benchmark: install
	$(BIN)/python benchmarks/run.py --articles $(ARTICLES) $(BENCHMARK_ARGS)
