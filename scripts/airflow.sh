#!/usr/bin/env bash
# `make airflow`: Airflow standalone on 127.0.0.1:8080 with shoplake's DAGs.
set -euo pipefail
umask 077   # logs, .local/ and what MinIO, Spark and Airflow write there: owner-only
cd "$(dirname "$0")/.."
source scripts/airflow_env.sh
.venv/bin/shoplake services up
.venv/bin/shoplake init
.venv/bin/airflow db migrate > /dev/null
.venv/bin/python -m shoplake_airflow.pools   # one task of a domain at a time (plugins/shoplake_airflow/pools.py)
echo "Airflow UI: http://127.0.0.1:8080  (user 'admin'; the generated password is printed below"
echo "and stored in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated)"
exec .venv/bin/airflow standalone
