# shoplake — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup demo test test-unit test-slow airflow lock services-down clean

setup:  ## venv from the lock, pinned jars, MinIO (cached in ~/.cache/shoplake)
	@bash scripts/bootstrap.sh

demo: setup  ## MinIO + 30 days of generated data through the pipeline, then a summary
	@bash scripts/demo.sh

test: setup  ## the suite: unit, DAG integrity, integration with real MinIO and Airflow (slow replays excluded)
	@$(BIN)/pytest -q -m "not slow" --durations=20

test-slow: setup  ## the long replays: 30 generated days of each domain against the from-scratch references
	@$(BIN)/pytest -q -m slow

test-unit: setup
	@$(BIN)/pytest -q -m "not integration and not slow"

airflow: setup  ## Airflow UI on http://127.0.0.1:8080 with shoplake's DAGs
	@bash scripts/airflow.sh

lock:  ## re-pin Python dependencies (with their sha256 hashes) after editing requirements.in
	@uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock

services-down:
	@$(BIN)/shoplake services down

clean:  ## remove local state (catalog, MinIO data, Airflow home); keeps the download cache
	@$(BIN)/shoplake services down || true
	rm -rf .local
