#!/usr/bin/env bash
# Submit a job, kill -9 the server mid-job, restart it over the same database, watch the job finish.
set -u
cd "$(dirname "$0")/.."
DB=sqlite:////tmp/restart-demo.sqlite3; rm -f /tmp/restart-demo.sqlite3
PORT=8765; export CORROBORATE_DATABASE_URL=$DB CORROBORATE_MODEL=local/qwen2.5-coder-0.5b
start() { .venv/bin/python -m app.cli serve --port $PORT >> /tmp/restart-demo.log 2>&1 & echo $!; }
wait_ready() { for i in $(seq 1 120); do curl -sf localhost:$PORT/readyz >/dev/null && return 0; sleep 1; done; return 1; }
PID=$(start); wait_ready || { echo "server did not come up"; exit 1; }
JOB=$(curl -s -X POST "localhost:$PORT/v1/records?mode=async" -H 'Content-Type: application/json' \
  --data-binary @evals/datasets/dev/port-deal/articles/port-harbor-gazette.json | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
echo "job $JOB submitted"; sleep 8
curl -s localhost:$PORT/v1/jobs/$JOB | python3 -c 'import sys,json; print("before kill:", json.load(sys.stdin)["status"])'
kill -9 $PID; sleep 2; echo "server killed (-9)"
PID=$(start); wait_ready || { echo "restart failed"; exit 1; }; echo "server restarted"
for i in $(seq 1 300); do
  S=$(curl -s localhost:$PORT/v1/jobs/$JOB | python3 -c 'import sys,json; print(json.load(sys.stdin)["status"])')
  [ "$S" = succeeded ] || [ "$S" = failed ] && break; sleep 2
done
echo "after restart: $S"
curl -s localhost:$PORT/v1/jobs/$JOB/result | python3 -c 'import sys,json; r=json.load(sys.stdin); print("result:", r["article_id"], len(r["quantities"]), "quantities; model", r["provenance"]["model"])'
kill $PID
