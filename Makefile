# SalesPulse: two commands do everything on a fresh machine with Python 3.11.
#   make demo   set up, then ingest the demo CRM, build the marts and publish them
#   make test   set up, then run the test suite (what CI runs: .ci/run)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export RUNTIME__DLTHUB_TELEMETRY := false

.PHONY: setup demo test lint dev manifest lock clean spark-setup test-spark spark-lock

setup: $(VENV)/.installed manifest

# --compile-bytecode: uv does not write .pyc files by default, and where
# PYTHONDONTWRITEBYTECODE is set (CI here) every process would compile every module it
# imports from source: ~3.5 s of each start (docs/performance.md, fixed costs)
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "SalesPulse needs Python 3.11, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# dagster-dbt loads the dbt manifest at import time: parse once up front.
manifest: $(VENV)/.installed
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .

demo: setup
	$(BIN)/salespulse run
	$(BIN)/salespulse status

test: setup
	$(BIN)/ruff check .
	scripts/install-chromium.sh
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

dev: setup
	mkdir -p .dagster && cp -n orchestration/dagster.yaml .dagster/dagster.yaml || true
	DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/dagster dev -w workspace.yaml

# Re-resolve the lock from pyproject.toml (needs the package index).
lock: $(VENV)/.installed
	$(UV) pip compile --quiet pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf data published .dagster dbt_project/target dbt_project/logs

# The same dbt project on a local Spark session (dbt-spark, method: session; needs Java 17+).
# A separate venv, so the main install stays lean: make spark-setup; make test-spark.
SPARK_VENV := .venv-spark
SPARK_BIN  := $(SPARK_VENV)/bin

spark-setup: $(SPARK_VENV)/.installed

$(SPARK_VENV)/.installed: requirements-spark.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "SalesPulse needs Python 3.11, found " + sys.version'
	@java -version >/dev/null 2>&1 || { echo "spark-setup: Spark needs Java 17+ (apt-get install openjdk-17-jre-headless)"; exit 1; }
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(SPARK_BIN)/uv pip sync --quiet --compile-bytecode --python $(SPARK_BIN)/python requirements-spark.lock
	$(SPARK_BIN)/uv pip install --quiet --python $(SPARK_BIN)/python --no-deps -e .
	touch $@

# Builds the demo CRM on Spark and on DuckDB from the same Parquet and compares every mart.
test-spark: spark-setup
	$(SPARK_BIN)/pytest -m spark tests/test_spark_parity.py

# Re-resolve the Spark lock (the main lock plus dbt-spark[session] and pyspark).
spark-lock: $(VENV)/.installed
	$(UV) pip compile --quiet pyproject.toml --extra dev --extra spark --python-version 3.11 -o requirements-spark.lock
