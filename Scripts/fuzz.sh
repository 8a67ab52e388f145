#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS: Scripts/fuzz.sh TARGET SECONDS
# TARGET: json, package, pattern, schema-stage, png, multipart (FuzzChecks.targets).
# Builds the target with -sanitize=fuzzer,address in .build-fuzz (the first build takes minutes),
# seeds it from Fixtures/ and ../shared/corpus (Scripts/fuzz-seeds.py) and from the inputs kept
# under Fixtures/fuzz/TARGET, and prints the executions run and the crashes found. A crash, a
# hang (an input taking over 10 s) or a memory blow-up leaves its input in Fixtures/fuzz/TARGET/,
# where the regression test (FuzzReplayTests) replays it from then on, and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: Scripts/fuzz.sh TARGET SECONDS}
case "$target" in
  json) product=FuzzJSON ;;
  package) product=FuzzPackage ;;
  pattern) product=FuzzPattern ;;
  schema-stage) product=FuzzSchemaStage ;;
  png) product=FuzzPNG ;;
  multipart) product=FuzzMultipart ;;
  *) echo "unknown target '$target': json, package, pattern, schema-stage, png, multipart" >&2; exit 2 ;;
esac
buildlog=$(mktemp)
if ! CERTIFY_FUZZ=1 swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
  --product "$product" >"$buildlog" 2>&1; then
  grep -E "error" "$buildlog" | sort -u | head -n 20 >&2
  echo "fuzz $target: $product did not build" >&2
  rm -f "$buildlog"
  exit 1
fi
rm -f "$buildlog"
binary=.build-fuzz/debug/$product

seeds=.build-fuzz/seeds/$target
work=.build-fuzz/corpus/$target
kept=Fixtures/fuzz/$target
mkdir -p "$work" "$kept"
[ -d "$seeds" ] || python3 Scripts/fuzz-seeds.py "$target" "$seeds"
log=$(mktemp)
set +e
# -timeout: an input that takes longer is a hang; -rss_limit_mb: a blow-up; both are findings.
ASAN_OPTIONS=detect_leaks=0 "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$kept/" "$work" "$seeds" "$kept" >"$log" 2>&1
status=$?
set -e
executions=$(grep -E "^stat::number_of_executed_units" "$log" | awk '{print $2}' || true)
crashes=$(find "$kept" -newer "$log" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
echo "fuzz $target: ${executions:-0} executions in ${seconds} s, $crashes crashes"
if [ "$status" -ne 0 ]; then
  tail -n 40 "$log"
  echo "fuzz $target: failed; the input is kept in $kept/ for the regression test" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
