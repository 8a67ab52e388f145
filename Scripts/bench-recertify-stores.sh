#!/usr/bin/env bash
# Re-certification of a corpus on each store, in one run (issue 15's figure):
#   SQLite:     `certify recertify --workers 2`, workers in the one process;
#   PostgreSQL: one `certify serve --no-workers` and two `certify worker` processes (one worker
#               each), the batch started through the API, timed until it has finished.
# Both stores hold the same import (the PostgreSQL one copied with `certify migrate-store`), so
# both re-check the same 619 revisions with the same stages.
#
#   Scripts/bench-recertify-stores.sh [CERTIFY_BINARY] [CORPUS]
#
# Needs PostgreSQL's server programs (Scripts/postgres.sh starts a throwaway cluster) and curl.
# Use a release build for figures to quote.
set -euo pipefail
cd "$(dirname "$0")/.."
certify=${1:-.build/release/certify}
corpus=${2:-../shared/corpus/certified}
[ -x "$certify" ] || { echo "no certify binary at $certify (swift build -c release)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
work=$(mktemp -d)
pg=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  Scripts/postgres.sh stop "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

echo "importing $corpus into SQLite ..."
"$certify" import "$corpus" --as-certified --db "$work/store.sqlite" --workers 2 >/dev/null 2>&1
echo "copying it into a throwaway PostgreSQL cluster ..."
url=$(Scripts/postgres.sh start "$pg")
CERTIFY_MIGRATE_TO="$url" "$certify" migrate-store --from "sqlite:$work/store.sqlite" | tail -n 1

echo "SQLite, one process, 2 workers: certify recertify"
start=$(now)
"$certify" recertify --db "$work/store.sqlite" --workers 2 --new --fail-on never --format json --output "$work/sqlite.json" 2>/dev/null
sqlite_seconds=$(seconds "$start" "$(now)")
echo "  $sqlite_seconds s"

echo "PostgreSQL, one server and two worker processes"
head -c 32 /dev/urandom >"$work/secret.key"
export CERTIFY_DATABASE_URL="$url"
admin=$("$certify" tokens create --role admin --label bench)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$certify" serve --no-workers --port "$port" --secret-key-file "$work/secret.key" --log-level warning 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
for n in 1 2; do
  "$certify" worker --workers 1 --secret-key-file "$work/secret.key" --log-level warning 2>"$work/worker$n.log" &
  pids+=($!)
done
sleep 1
start=$(now)
batch=$(curl -fs -X POST -H "Authorization: Bearer $admin" -H "Content-Type: application/json" \
  -d '{"selection":"all"}' "http://127.0.0.1:$port/v1/recertifications" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
while true; do
  state=$(curl -fs -H "Authorization: Bearer $admin" "http://127.0.0.1:$port/v1/recertifications/$batch" \
    | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["state"], b["finished"] + b["errored"], b["total"])')
  case $state in finished*) break ;; esac
  sleep 0.2
done
postgres_seconds=$(seconds "$start" "$(now)")
echo "  $postgres_seconds s ($state)"
python3 -c "import sys; s, p = float(sys.argv[1]), float(sys.argv[2]); print(f'PostgreSQL with 2 worker processes / SQLite in one process: {p / s:.2f}x')" \
  "$sqlite_seconds" "$postgres_seconds"
