#!/usr/bin/env bash
# Checks a running `certify serve` against its own description (openapi.yaml, as the server
# serves it at /v1/openapi.json) with Schemathesis: every check, once with a token of each role,
# a bounded number of examples per operation and a bounded time per role. Exits 1 on any failure.
#
# It builds nothing: it runs $CERTIFY (default .build/debug/certify) on a fresh SQLite database
# on a free loopback port, seeds it through the API (submissions, a certified connector, a
# webhook, a re-certification) and gives Schemathesis the ids it made. Scripts/schemathesis_hooks.py
# fills in, for requests generated as valid, what a schema cannot say (a real package, an issued
# cursor, a webhook URL the server may call, a certified publisher).
#
#   Scripts/schemathesis.sh            schemathesis on PATH, or $SCHEMATHESIS
#   SCHEMATHESIS_MAX_EXAMPLES=25       examples per operation and phase
#   SCHEMATHESIS_MAX_TIME=45           seconds per role (Schemathesis spends all of it)
#   SCHEMATHESIS_SEED=N                reproduce a run (the seed is printed)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
certify=${CERTIFY:-$root/.build/debug/certify}
schemathesis=${SCHEMATHESIS:-schemathesis}
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-25}
max_time=${SCHEMATHESIS_MAX_TIME:-45}

[ -x "$certify" ] || { echo "schemathesis.sh: $certify is not built (swift build --product certify)" >&2; exit 2; }
command -v "$schemathesis" >/dev/null || { echo "schemathesis.sh: '$schemathesis' not found (pip install schemathesis)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/certify.sqlite"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Private networks allowed: the seeded webhook and the probes of generated uploads go to a closed
# loopback port, never to a host on the internet.
"$certify" serve --db "$db" --host 127.0.0.1 --port "$port" --workers 1 --allow-private-network \
  --log-level warning >"$work/serve.log" 2>&1 &
server_pid=$!

# api METHOD PATH TOKEN [curl arguments...]: the body; fails on a status of 400 or more.
api() {
  local method=$1 path=$2 token=$3
  shift 3
  curl -sS --fail-with-body -X "$method" -H "Authorization: Bearer $token" "$@" "$base$path"
}
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
wait_idle() {
  for _ in $(seq 1 120); do
    if [ "$(curl -sS "$base/health" | json "['pendingJobs']")" = 0 ]; then return 0; fi
    sleep 0.5
  done
  echo "schemathesis.sh: the seeded runs did not finish" >&2
  return 1
}

for _ in $(seq 1 60); do
  curl -sS -o /dev/null "$base/health" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done

submitter=$("$certify" tokens create --db "$db" --role submitter --publisher Contoso --label contoso-st)
reviewer=$("$certify" tokens create --db "$db" --role reviewer --label reviewer-st)
admin=$("$certify" tokens create --db "$db" --role admin --label admin-st)

# Seed: two submissions of the clean fixture and one that fails its checks, a certified
# connector (imported), a webhook and a re-certification of the catalogue.
python3 - "$root/Fixtures/packages" "$work" <<'EOF'
import os, sys, zipfile
fixtures, work = sys.argv[1], sys.argv[2]
for name in ("clean", "broken-json"):
    with zipfile.ZipFile(os.path.join(work, name + ".zip"), "w", zipfile.ZIP_DEFLATED) as archive:
        folder = os.path.join(fixtures, name)
        for directory, _, files in os.walk(folder):
            for file in sorted(files):
                path = os.path.join(directory, file)
                archive.write(path, os.path.relpath(path, folder))
EOF
upload=(-H "Content-Type: application/zip" --data-binary)
submissions=()
submissions+=("$(api POST "/v1/submissions?filename=clean.zip" "$submitter" "${upload[@]}" "@$work/clean.zip" | json "['id']")")
submissions+=("$(api POST "/v1/submissions" "$submitter" "${upload[@]}" "@$work/clean.zip" | json "['id']")")
submissions+=("$(api POST "/v1/submissions?publisher=Contoso" "$admin" "${upload[@]}" "@$work/broken-json.zip" | json "['id']")")
mkdir -p "$work/catalogue"
cp -R "$root/Fixtures/packages/clean" "$work/catalogue/contoso-weather"
"$certify" import "$work/catalogue" --as-certified --db "$db" >"$work/import.log"
wait_idle
# The certified connector stays out of the ids Schemathesis draws, so that it stays certified and
# a re-certification of its publisher (or of it) always has something to check.
certified=$(api GET "/v1/submissions?state=certified" "$admin" | json "['items'][0]['id']")
webhook_url="http://127.0.0.1:9/certify-webhook"
webhook=$(api POST /v1/webhooks "$submitter" -H "Content-Type: application/json" -d "{\"url\": \"$webhook_url\"}" | json "['webhook']['id']")
batch=$(api POST /v1/recertifications "$admin" -H "Content-Type: application/json" -d '{"selection": "all"}' | json "['id']")
wait_idle
cursor=$(api GET "/v1/submissions?limit=1" "$admin" | json "['nextCursor']")
echo "seeded: submissions ${submissions[*]}, certified $certified, webhook $webhook, re-certification $batch"

quoted=$(printf '"%s", ' "${submissions[@]}")
export SCHEMATHESIS_HOOKS="$root/Scripts/schemathesis_hooks.py"
export CERTIFY_ST_PACKAGE="$work/clean.zip" CERTIFY_ST_CURSOR="$cursor" CERTIFY_ST_WEBHOOK_URL="$webhook_url"
export CERTIFY_ST_PROBE_BASE_URL="http://127.0.0.1:9/" CERTIFY_ST_PUBLISHER=Contoso CERTIFY_ST_CONNECTOR="Contoso Weather"
export CERTIFY_ST_CERTIFIED="$certified" CERTIFY_ST_SUBMISSION="${submissions[0]}"
seed=()
[ -n "${SCHEMATHESIS_SEED:-}" ] && seed=(--seed "$SCHEMATHESIS_SEED")
status=0
for role in submitter reviewer admin; do
  token=${!role}
  # Half the path ids drawn are the seeded ones, so the checks reach past 404.
  cat >"$work/$role.toml" <<EOF
[dictionaries.submissions]
values = [${quoted%, }]
[dictionaries.webhooks]
values = [$webhook]
[dictionaries.recertifications]
values = [$batch]
[parameters]
"path.id" = { dictionary = "submissions", probability = 0.5 }
"path.hook" = { dictionary = "webhooks", probability = 0.5 }
"path.batch" = { dictionary = "recertifications", probability = 0.5 }
EOF
  echo "== schemathesis as $role"
  if ! (cd "$work" && CERTIFY_ST_ROLE=$role "$schemathesis" --config-file "$work/$role.toml" run "$base/v1/openapi.json" \
      --url "$base" --checks all --max-examples "$max_examples" --max-time "$max_time" \
      -H "Authorization: Bearer $token" --generation-database none --no-color "${seed[@]}"); then
    status=1
  fi
done
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "schemathesis.sh: the server died" >&2
  tail -n 50 "$work/serve.log" >&2
  status=1
fi
exit "$status"
