#!/usr/bin/env bash
# Drives the web console in a real browser (headless Chromium through Selenium), as a publisher,
# a reviewer and an admin would, and saves a screenshot of every page visited.
#
#   Scripts/console-browser.sh [OUTDIR]       screenshots go to OUTDIR (default console-screenshots)
#   CERTIFY_BIN=path/to/certify               the binary to run (default .build/debug/certify)
#   CERTIFY_BROWSER_PYTHON=path/to/python     a python with selenium 4 (default python3)
#
# It builds nothing. Without chromium, chromedriver or selenium it says what is missing and
# exits 0. Otherwise it runs `certify serve` on a fresh SQLite database on a free loopback port,
# creates a token per person, builds two revisions of a connector from Fixtures/packages/clean and
# runs Scripts/console-browser.py against the server; it exits with that script's status.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
outdir=${1:-console-screenshots}
case $outdir in /*) ;; *) outdir="$root/$outdir" ;; esac
certify=${CERTIFY_BIN:-.build/debug/certify}
case $certify in /*) ;; */*) certify="$root/$certify" ;; esac
python=${CERTIFY_BROWSER_PYTHON:-python3}
if [ -n "${CERTIFY_BROWSER_PYTHON:-}" ]; then
  python_named="'$python' (from CERTIFY_BROWSER_PYTHON)"
else
  python_named="'$python' (CERTIFY_BROWSER_PYTHON is not set)"
fi
venv_hint="python3 -m venv /tmp/console-venv && /tmp/console-venv/bin/pip install 'selenium>=4', then run with CERTIFY_BROWSER_PYTHON=/tmp/console-venv/bin/python"

# What the browser run needs; without it, skip and say how to get it.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=("chromium is not on PATH (apt-get install chromium)")
command -v chromedriver >/dev/null 2>&1 || missing+=("chromedriver is not on PATH (apt-get install chromium-driver)")
if ! command -v "$python" >/dev/null 2>&1; then
  missing+=("python $python_named is not found; set CERTIFY_BROWSER_PYTHON to a python 3 that has selenium 4 ($venv_hint)")
elif ! "$python" -c 'import selenium, sys; sys.exit(int(selenium.__version__.split(".")[0]) < 4)' >/dev/null 2>&1; then
  missing+=("selenium 4 is not importable by python $python_named; set CERTIFY_BROWSER_PYTHON to a python 3 that has it ($venv_hint)")
fi
if [ ${#missing[@]} -gt 0 ]; then
  joined=$(printf '%s; ' "${missing[@]}")
  echo "console-browser: skipped: ${joined%; }"
  exit 0
fi
if ! command -v "$certify" >/dev/null 2>&1; then
  echo "console-browser: $certify is not built (swift build --product certify)" >&2
  exit 2
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One token per person.
db="$work/certify.sqlite"
submitter=$("$certify" tokens create --db "$db" --role submitter --publisher Contoso --label contoso)
reviewer=$("$certify" tokens create --db "$db" --role reviewer --label alice)
admin=$("$certify" tokens create --db "$db" --role admin --label root)

# Two revisions of the clean fixture, as folders and as zips with the files at the top:
#   rev1: GetForecast's description lacks its final period (one description-sentence warning);
#   rev2: that period is back and a GetCurrentConditions operation (GET /current) is added.
"$python" - "$root/Fixtures/packages/clean" "$work" <<'EOF'
import json, os, shutil, sys, zipfile

clean, work = sys.argv[1], sys.argv[2]
swagger_name = "apiDefinition.swagger.json"


def edit(folder, name, old, new):
    """Replaces the one occurrence of old in folder/name with new."""
    path = os.path.join(folder, name)
    with open(path, encoding="utf-8") as file:
        text = file.read()
    if text.count(old) != 1:
        sys.exit(f"console-browser: {name} of Fixtures/packages/clean changed: {old!r} is not there exactly once")
    text = text.replace(old, new)
    if name.endswith(".json"):
        json.loads(text)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def zip_folder(folder, target):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for directory, _, files in os.walk(folder):
            for file in sorted(files):
                path = os.path.join(directory, file)
                archive.write(path, os.path.relpath(path, folder))


description = '"description": "Returns the forecast for the next days at a place.",'
rev1 = os.path.join(work, "rev1")
shutil.copytree(clean, rev1)
edit(rev1, swagger_name, description, description.replace('place.",', 'place",'))
zip_folder(rev1, os.path.join(work, "contoso-weather-rev1.zip"))

current = '''  "paths": {
    "/current": {
      "get": {
        "operationId": "GetCurrentConditions",
        "summary": "Get the current conditions",
        "description": "Returns the weather observed now at a place.",
        "x-ms-visibility": "important",
        "parameters": [
          {"name": "place", "in": "query", "required": true, "type": "string", "description": "The place name.", "x-ms-summary": "Place", "x-ms-test-value": "Oslo"}
        ],
        "responses": {
          "200": {"description": "The current conditions.", "schema": {"type": "object", "properties": {"temperature": {"type": "number"}, "summary": {"type": "string"}}}}
        }
      }
    },
'''
rev2 = os.path.join(work, "rev2")
shutil.copytree(clean, rev2)
edit(rev2, swagger_name, '  "paths": {\n', current)
edit(rev2, "readme.md", "## Obtaining Credentials",
     "### Get the current conditions\nReturns the weather observed now at a place.\n\n## Obtaining Credentials")
zip_folder(rev2, os.path.join(work, "contoso-weather-rev2.zip"))
EOF

# The revisions must say what the scenario expects: rev1 a warning and no error, rev2 nothing.
if ! "$certify" check "$work/rev1" --fail-on error >/dev/null || "$certify" check "$work/rev1" --fail-on warning >/dev/null; then
  echo "console-browser: revision 1 should have a warning and no error; certify check says:" >&2
  "$certify" check "$work/rev1" >&2 || true
  exit 1
fi
if ! "$certify" check "$work/rev2" --fail-on warning >/dev/null; then
  echo "console-browser: revision 2 should have no finding; certify check says:" >&2
  "$certify" check "$work/rev2" >&2 || true
  exit 1
fi

# The server, on a free loopback port.
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$certify" serve --db "$db" --host 127.0.0.1 --port "$port" --log-level warning >"$work/serve.log" 2>&1 &
server_pid=$!
up=no
for _ in $(seq 1 120); do
  if "$python" -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('$base/health', timeout=2).status != 200)" 2>/dev/null; then
    up=yes
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.5
done
if [ "$up" != yes ]; then
  echo "console-browser: certify serve did not answer GET /health with 200 within 60 s; its log:" >&2
  tail -n 50 "$work/serve.log" >&2
  exit 1
fi

mkdir -p "$outdir"
set +e
"$python" "$root/Scripts/console-browser.py" --base-url "$base" \
  --submitter-token "$submitter" --reviewer-token "$reviewer" --admin-token "$admin" \
  --revision1 "$work/contoso-weather-rev1.zip" --revision2 "$work/contoso-weather-rev2.zip" \
  --outdir "$outdir"
status=$?
set -e
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "console-browser: the server died" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "console-browser: the server's log (last 50 lines):" >&2
  tail -n 50 "$work/serve.log" >&2
fi
echo "console-browser: screenshots in $outdir"
exit "$status"
