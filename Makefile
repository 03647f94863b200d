# `make run` serves the back office with a demo fleet; `make test` runs every check.
# Both create the virtual environment first, so a fresh clone needs only Python 3.11.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ADDRESS ?= 127.0.0.1:8000
PRODUCTION_CHECK_ENV := DJANGO_SETTINGS_MODULE=inventory_site.settings.production \
	DJANGO_SECRET_KEY=check-deploy-only-$(shell date +%s)-not-a-real-secret-0123456789abcdef \
	DJANGO_ALLOWED_HOSTS=inventory.example.com

.PHONY: install run test lint typecheck format benchmark

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo
	@echo "  The back office is at http://$(ADDRESS)/"
	@echo "  Demo login: user demo, password demo-inventory"
	@echo
	$(BIN)/python manage.py runserver $(ADDRESS)

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
	$(BIN)/pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

# Timings at realistic scale on the PostgreSQL server at 127.0.0.1:5432 (see benchmarks/).
benchmark: install
	$(BIN)/python benchmarks/reports_bench.py
	$(BIN)/python benchmarks/imports_bench.py
