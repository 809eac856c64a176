#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (make fuzz). See docs/fuzzing.md.
#   FUZZ_SECONDS=60            time per target
#   FUZZ_TARGETS="cql json"    which targets (default: all)
#   FUZZ_ARGS="-fork=1 -ignore_crashes=1"   extra libFuzzer flags
# cargo-fuzz needs nightly-only rustc flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
# -s none: no sanitizer (the engine is safe Rust; panics and broken properties are what we look
# for), -a: debug assertions and overflow checks on, as in `cargo test`.
set -uo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-taskdef json cql scenario engine k8s_yaml quantity lesson share_link progress demo}
EXTRA=${FUZZ_ARGS:-}
if ! command -v cargo-fuzz >/dev/null; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
  exit 2
fi
cargo fuzz build -a -s none >/dev/null || exit 2
mkdir -p fuzz/logs
status=0
summary=()
for t in $TARGETS; do
  dict=
  case $t in
    cql) dict=-dict=fuzz/dicts/cql.dict ;;
    json|taskdef|scenario|share_link) dict=-dict=fuzz/dicts/json.dict ;;
    lesson|demo|progress) dict=-dict=fuzz/dicts/lesson.dict ;;
    k8s_yaml) dict=-dict=fuzz/dicts/k8s_yaml.dict ;;
    quantity) dict=-dict=fuzz/dicts/quantity.dict ;;
  esac
  mkdir -p "fuzz/work/$t" "fuzz/artifacts/$t"
  log="fuzz/logs/$t.log"
  echo "== fuzz $t for ${SECONDS_EACH}s (log: $log)"
  # shellcheck disable=SC2086
  cargo fuzz run -a -s none "$t" "fuzz/work/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 $dict $EXTRA >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  if [[ $runs == 0 ]]; then runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#'); fi
  crashes=$(grep -cE 'Test unit written to .*/(crash|timeout|oom|leak)-' "$log")
  # Fork mode (-fork=N) reports "oom/timeout/crash: a/b/c" instead.
  forked=$(grep -oE 'oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+' "$log" | tail -1 | sed -E 's#.*: ([0-9]+)/([0-9]+)/([0-9]+)#\1 \2 \3#' | awk '{print $1+$2+$3}')
  if [[ -n $forked && $forked -gt $crashes ]]; then crashes=$forked; fi
  line=$(printf '%-9s %10s runs  %s crash(es)  exit %s' "$t" "${runs:-0}" "$crashes" "$rc")
  summary+=("$line")
  echo "$line"
  if [[ $rc != 0 || $crashes != 0 ]]; then
    status=1
    grep -E 'panicked at|invariant violated|Test unit written' "$log" | head -5
  fi
done
echo "== fuzz summary (${SECONDS_EACH}s each)"
printf '%s\n' "${summary[@]}"
exit $status
