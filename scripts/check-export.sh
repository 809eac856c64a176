#!/usr/bin/env bash
# 1. Export every example task definition with `berth export` and validate the output against
# botocore's own ECS service model (the RegisterTaskDefinition input shape).
# 2. Validate the example scenarios against docs/scenario.schema.json (python jsonschema).
# PYTHON may point at a venv with botocore (make test sets .tools/venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.tools/venv/bin/python}
out=target/export-check
rm -rf "$out"
mkdir -p "$out/taskdefs" "$out/scenarios"
cargo build --quiet --bin berth
berth="${CARGO_TARGET_DIR:-target}/debug/berth"
for f in docs/examples/taskdefs/*.json docs/examples/scenarios/taskdefs/*.json; do
  "$berth" export "$f" > "$out/taskdefs/$(basename "$(dirname "$f")")-$(basename "$f")"
done
for f in docs/examples/scenarios/*.json; do
  case "$f" in *.report.json) continue ;; esac
  "$berth" export "$f" --out "$out/scenarios/$(basename "$f" .json)" > /dev/null
done
mapfile -t files < <(find "$out" -name '*.json' | sort)
echo "exported ${#files[@]} task definitions to $out"
"$PYTHON" tests/export_botocore.py "${files[@]}"

# The example scenarios must match the published JSON Schema.
mapfile -t scenarios < <(ls docs/examples/scenarios/*.json | grep -v '\.report\.json$')
"$PYTHON" tests/scenario_schema.py "${scenarios[@]}"

# `berth export --k8s` of every Kubernetes example scenario must load into the official
# Kubernetes Python client's models (tests/export_k8s.py).
rm -rf "$out/k8s"
for f in docs/examples/scenarios/k8s-*.json; do
  case "$f" in *.report.json) continue ;; esac
  "$berth" export --k8s "$f" --out "$out/k8s" > /dev/null
done
"$PYTHON" tests/export_k8s.py "$out/k8s"
