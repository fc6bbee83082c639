# Environment for running Airflow against this clone (sourced by scripts and tests).
# Airflow's home, its logs and its generated admin password file are owner-only.
umask 077
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$_root/.local/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$_root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$_root/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT=8080
export AIRFLOW_CONN_SPARK_DEFAULT="${AIRFLOW_CONN_SPARK_DEFAULT:-{\"conn_type\": \"spark\", \"host\": \"${SHOPLAKE_SPARK_MASTER:-local[*]}\"\}}"
export PYTHONPATH="$_root/plugins${PYTHONPATH:+:$PYTHONPATH}"
export PATH="$_root/.venv/bin:$PATH"
