#!/usr/bin/env bash
# `make demo`: local MinIO and Trino, 30 days of generated subscriptions data in s3://landing,
# the daily pipeline over them in one Spark application, a summary, then one gold query
# through Trino and the same through Spark.
# With SHOPLAKE_WAREHOUSE/SHOPLAKE_LANDING set to local directories it runs without MinIO.
set -euo pipefail
umask 077   # logs, .local/ and what MinIO, Spark and Airflow write there: owner-only
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
DAYS="${DEMO_DAYS:-30}"
START="${DEMO_START:-2026-01-01}"
END=$(python -c "import datetime as d; print(d.date.fromisoformat('$START') + d.timedelta(days=$DAYS - 1))")
# Each step's seconds, printed at the end (the pipeline's share of the demo's time).
timings=() last_step="" step_started=$SECONDS
step() {
  [[ -n "$last_step" ]] && timings+=("$(printf '%6d s  %s' $((SECONDS - step_started)) "$last_step")")
  last_step="$*" step_started=$SECONDS
  printf '\n==> %s\n' "$*"
}
started=$SECONDS

if [[ "${SHOPLAKE_WAREHOUSE:-s3://}" == s3://* || "${SHOPLAKE_LANDING:-s3://}" == s3://* ]]; then
  step "MinIO, Trino and Kafka"
  shoplake services up || { echo "MinIO, Trino or Kafka could not be started; run without Trino: SHOPLAKE_TRINO=off make demo, without Kafka: SHOPLAKE_KAFKA=off make demo, or without MinIO: SHOPLAKE_WAREHOUSE=file://$PWD/.local/warehouse SHOPLAKE_LANDING=file://$PWD/.local/landing make demo"; exit 2; }
else
  mkdir -p "${SHOPLAKE_LANDING#file://}"
fi

step "Catalog and tables"
shoplake init

step "Generate $DAYS days of subscriptions data into ${SHOPLAKE_LANDING:-s3://landing}"
shoplake generate subscriptions --days "$DAYS" --seed 42 --start "$START" >/dev/null

step "Run subscriptions $START .. $END (bronze, silver, gold, scan and publication, each once for the range)"
shoplake run subscriptions --date "$START" --to "$END" > .local/demo-subscriptions.log
grep -E "^quality|^published|checks passed|^report" .local/demo-subscriptions.log || true

RECSYS_DAYS="${DEMO_RECSYS_DAYS:-14}"
RECSYS_END=$(python -c "import datetime as d; print(d.date.fromisoformat('$START') + d.timedelta(days=$RECSYS_DAYS - 1))")
step "Generate $RECSYS_DAYS days of recsys data and build the training input $START .. $RECSYS_END"
shoplake generate recsys --days "$RECSYS_DAYS" --seed 42 --start "$START" >/dev/null
shoplake run recsys --date "$START" --to "$RECSYS_END" > .local/demo-recsys.log
grep -E "checks passed|^report" .local/demo-recsys.log || true

step "Summary"
python -m spark_jobs.readers.lake_summary
python -m spark_jobs.readers.subscriptions_summary
python -m spark_jobs.readers.recsys_summary

# One gold query through both engines: the same rows, and how long each took end to end
# (CLI start, catalog check, query). Trino's first query also warms its catalog caches.
QUERY="SELECT event_date, gross_revenue_usd, refunds_usd, net_revenue_usd FROM gold.daily_revenue_net ORDER BY event_date DESC LIMIT 5"
timed() {  # run "$@", then print its wall time
  local t0=$EPOCHREALTIME; "$@"
  awk -v start="$t0" -v end="$EPOCHREALTIME" 'BEGIN { printf "  (%.1f s)\n", end - start }'
}
step "One gold query through Trino, then through Spark: $QUERY"
if shoplake services status 2>/dev/null | grep -q '^trino: ready'; then
  echo "-- Trino (first query)"; timed shoplake sql "$QUERY" --engine trino
  echo "-- Trino (again, warm)"; timed shoplake sql "$QUERY" --engine trino
else
  echo "-- Trino is not running (SHOPLAKE_TRINO=off, not installed, or a local-directory lake): Spark only"
fi
echo "-- Spark"; timed shoplake sql "$QUERY" --engine spark
step "Seconds per step"
printf '%s\n' "${timings[@]}"
# Where quality.publish wrote each domain's latest run report (spark_jobs/reports).
reports_setting="${SHOPLAKE_REPORTS:-}"
case "${reports_setting,,}" in
  off|0|false|no) reports="none (SHOPLAKE_REPORTS=$reports_setting)" ;;
  *) dir="${reports_setting:-${SHOPLAKE_HOME:-.local}/reports}"
     reports="$dir/subscriptions/latest.html, $dir/recsys/latest.html" ;;
esac

cat <<EOF2

Done in $((SECONDS - started)) s.
  Run logs:         .local/demo-subscriptions.log, .local/demo-recsys.log
  Reports:          $reports
                    (static HTML pages, open from disk in a browser; one per domain and run beside them)
  Query the lake:   .venv/bin/shoplake sql "SELECT * FROM gold.daily_revenue_net ORDER BY event_date DESC LIMIT 7"
                    (through Trino while it runs; --engine spark for Spark SQL; docs/querying.md)
  Airflow UI:       make airflow   → http://127.0.0.1:8080 (user admin, password printed at start-up)
  Stop services:    .venv/bin/shoplake services down   (MinIO, Trino, Kafka)
EOF2
