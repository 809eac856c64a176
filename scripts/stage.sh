#!/usr/bin/env bash
# Usage: scripts/stage.sh NAME COMMAND [ARGS...]
# Runs one `make test` stage, prints its duration, records it in .tools/stage-times,
# and exits with the command's status.
set -uo pipefail
name="$1"; shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/.tools"
printf '\n==> [%s] %s\n' "$name" "$*"
start=$(date +%s%N)
"$@"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
secs=$(printf '%d.%01d' $((ms / 1000)) $(((ms % 1000) / 100)))
if (( rc == 0 )); then
  printf '<== [%s] ok in %s s\n' "$name" "$secs"
  printf '%s=%ss\n' "$name" "$secs" >> "$root/.tools/stage-times"
else
  printf '<== [%s] FAILED (exit %d) after %s s\n' "$name" "$rc" "$secs" >&2
fi
exit "$rc"
