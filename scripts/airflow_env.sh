# Environment for running Airflow against this clone (sourced by scripts and tests).
# Airflow's home, its logs and its generated admin password file are owner-only.
umask 077
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$_root/.local/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$_root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$_root/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
# Sized for a laptop (2 cores): a domain runs one Spark task at a time (its pool), so two
# executor slots let two domains run side by side; the defaults start 32 idle workers,
# 4 API workers and 2 DAG parsers. Each can be overridden from the environment.
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-2}"
export AIRFLOW__API__WORKERS="${AIRFLOW__API__WORKERS:-1}"
export AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES="${AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES:-1}"
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"
# Task processes report to the API server's execution API: on the port it listens on.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$AIRFLOW__API__PORT/execution/"
export AIRFLOW_CONN_SPARK_DEFAULT="${AIRFLOW_CONN_SPARK_DEFAULT:-{\"conn_type\": \"spark\", \"host\": \"${SHOPLAKE_SPARK_MASTER:-local[*]}\"\}}"
export PYTHONPATH="$_root/plugins${PYTHONPATH:+:$PYTHONPATH}"
export PATH="$_root/.venv/bin:$PATH"
