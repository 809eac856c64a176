#!/usr/bin/env bash
# `make size-probe`: how large is the engine on its own, compiled to Wasm? Builds
# examples/size_probe.rs (the engine, serde_json and nothing else: no UI, no lessons shell,
# no kubectl console) at the release profile's opt-level and at "z", puts each through
# wasm-bindgen and `wasm-opt -Oz` as Trunk does for the playground, and prints the sizes next
# to the playground's own .wasm in $DIST (if built). docs/performance.md reports the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-target}"
out="$target/size-probe"
rm -rf "$out"
mkdir -p "$out"
opt() { # wasm-opt with the features rustc's wasm32 target emits
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue --enable-reference-types \
    --strip-debug --strip-producers "$1" -o "$2"
}
size() { stat -c %s "$1"; }
for level in s z; do
  dir="$target/size-probe-$level"
  echo "building the engine-only module at opt-level \"$level\" ..." >&2
  cargo build --offline --quiet --release --target wasm32-unknown-unknown --example size_probe \
    --config "profile.release.opt-level=\"$level\"" --target-dir "$dir"
  wasm-bindgen --target web --out-dir "$out/$level" \
    "$dir/wasm32-unknown-unknown/release/examples/size_probe.wasm"
  opt "$out/$level/size_probe_bg.wasm" "$out/engine-$level.wasm"
  raw=$(size "$out/engine-$level.wasm")
  gz=$(gzip -9 -c "$out/engine-$level.wasm" | wc -c)
  printf 'engine only, opt-level "%s": %9d bytes raw, %9d gzip -9\n' "$level" "$raw" "$gz"
done
dist="${DIST:-dist}"
for w in "$dist"/*.wasm; do
  [[ -f "$w" ]] || { echo "(no $dist/*.wasm: make dist to compare with the playground)"; break; }
  printf 'the playground (%s):  %9d bytes raw, %9d gzip -9\n' "$w" "$(size "$w")" "$(gzip -9 -c "$w" | wc -c)"
done
echo "budget (issue 5):                       1500000 bytes raw"
