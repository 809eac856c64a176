#!/usr/bin/env bash
# Idempotent installer for everything `make serve` / `make test` need.
#
# Installs only what is missing; when everything is present it finishes in
# well under a second. Sources: crates.io (cargo), npm, PyPI, Debian apt only.
# Nothing here downloads browsers or prebuilt binaries from anywhere else
# (in particular: never `npx playwright install`).
#
# Environment knobs:
#   BERTH_SETUP_VERBOSE=1   print a line for every check, not just for installs
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
# Licence/ban/source checks (deny.toml, docs/security.md). 0.20 needs rustc >= 1.88.
CARGO_DENY_VERSION="0.20.2"
BINARYEN_MIN=117
PY_REQUIREMENTS="$ROOT/scripts/python-requirements.txt"
TOOLS_DIR="$ROOT/.tools"
VENV="$TOOLS_DIR/venv"
STAMPS="$TOOLS_DIR/stamps"
WASM_TARGET="wasm32-unknown-unknown"

# node_modules/.bin first (wasm-opt from npm binaryen, playwright), then cargo bins.
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export TRUNK_SKIP_VERSION_CHECK=true

START_NS=$(date +%s%N)
did_something=0
CURRENT_STEP="start"

say()  { printf 'setup: %s\n' "$*"; }
info() { if [[ "${BERTH_SETUP_VERBOSE:-0}" == 1 ]]; then say "$*"; fi; }
step() { CURRENT_STEP="$1"; did_something=1; say "$1 ..."; }
die()  {
  printf '\nsetup: ERROR: %s\n' "$1" >&2
  shift
  for hint in "$@"; do printf 'setup:   -> %s\n' "$hint" >&2; done
  exit 1
}
trap 'rc=$?; printf "\nsetup: ERROR: step \"%s\" failed (exit %s) at line %s: %s\n" "$CURRENT_STEP" "$rc" "$LINENO" "$BASH_COMMAND" >&2; printf "setup:   -> read the output above, fix the cause, then re-run scripts/setup.sh (it resumes where it stopped)\n" >&2' ERR

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH" "${@:2}"
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root for: $*" "run as root, or install sudo"; fi
}

# Wait while another process (e.g. a background install someone started) is
# already doing the same job, instead of starting a duplicate.
wait_for() {
  local pattern="$1" what="$2" waited=0
  while pgrep -f -- "$pattern" >/dev/null 2>&1; do
    if (( waited == 0 )); then say "waiting for an already running $what to finish ..."; fi
    sleep 5; waited=$((waited + 5))
  done
}

sha() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }
stamp_ok() { [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]; }
stamp_set() { mkdir -p "$STAMPS"; printf '%s' "$2" > "$STAMPS/$1"; }

need_cmd cargo "install Rust with rustup (https://rustup.rs is NOT reachable here; use the machine image's toolchain)"
need_cmd rustc
need_cmd npm "apt-get install -y nodejs npm (node 18+)"
need_cmd node "apt-get install -y nodejs"

# --- 1. wasm32 target --------------------------------------------------------
CURRENT_STEP="rust target $WASM_TARGET"
SYSROOT="$(rustc --print sysroot)"
if [[ -d "$SYSROOT/lib/rustlib/$WASM_TARGET/lib" ]]; then
  info "rust target $WASM_TARGET present"
else
  need_cmd rustup "the $WASM_TARGET std library is missing and rustup is not available to add it"
  step "adding rust target $WASM_TARGET"
  rustup target add "$WASM_TARGET"
fi

# --- 2. Cargo.lock + cargo fetch (Trunk builds with --offline) -----------------
CURRENT_STEP="cargo fetch"
if [[ ! -f Cargo.lock ]]; then
  step "generating Cargo.lock"
  cargo generate-lockfile
fi
fetch_key="$(sha Cargo.toml Cargo.lock)"
if stamp_ok cargo-fetch "$fetch_key"; then
  info "crates already fetched"
else
  step "fetching crates (cargo fetch)"
  cargo fetch || die "cargo fetch failed" "check network access to crates.io and that Cargo.toml parses (cargo metadata)"
  # cargo fetch may have updated Cargo.lock; stamp the state after fetching
  stamp_set cargo-fetch "$(sha Cargo.toml Cargo.lock)"
fi

# --- 3. Trunk ------------------------------------------------------------------
CURRENT_STEP="trunk $TRUNK_VERSION"
have_trunk="$(trunk --version 2>/dev/null || true)"
if [[ "$have_trunk" == "trunk $TRUNK_VERSION" ]]; then
  info "trunk $TRUNK_VERSION present"
else
  wait_for "cargo install.*trunk" "'cargo install trunk'"
  have_trunk="$(trunk --version 2>/dev/null || true)"
  if [[ "$have_trunk" != "trunk $TRUNK_VERSION" ]]; then
    step "installing trunk $TRUNK_VERSION (found: '${have_trunk:-none}'; builds from crates.io, ~7 min)"
    cargo install --locked "trunk@$TRUNK_VERSION" \
      || die "cargo install trunk@$TRUNK_VERSION failed" "Trunk 0.22+ needs rustc >= 1.96; keep $TRUNK_VERSION" "see the compiler output above"
  fi
fi

# --- 4. wasm-bindgen-cli at exactly the Cargo.lock version ---------------------
CURRENT_STEP="wasm-bindgen-cli"
WB_VERSION="$(awk '
  /^\[\[package\]\]/ { name = "" }
  /^name = / { gsub(/"/, "", $3); name = $3 }
  /^version = / && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
[[ -n "$WB_VERSION" ]] || die "no wasm-bindgen package in Cargo.lock" \
  "the web app depends on wasm-bindgen (via yew); check Cargo.toml, then run: cargo generate-lockfile"
have_wb="$(wasm-bindgen --version 2>/dev/null || true)"
if [[ "$have_wb" == "wasm-bindgen $WB_VERSION" ]]; then
  info "wasm-bindgen-cli $WB_VERSION present"
else
  wait_for "cargo install.*wasm-bindgen-cli" "'cargo install wasm-bindgen-cli'"
  have_wb="$(wasm-bindgen --version 2>/dev/null || true)"
  if [[ "$have_wb" != "wasm-bindgen $WB_VERSION" ]]; then
    step "installing wasm-bindgen-cli $WB_VERSION (found: '${have_wb:-none}'; ~2 min)"
    # Not --locked: the CLI's own lockfile pins a crate version missing from the index.
    cargo install --force wasm-bindgen-cli --version "=$WB_VERSION" \
      || die "cargo install wasm-bindgen-cli $WB_VERSION failed" "see the compiler output above"
  fi
fi

# --- 4b. cargo-deny (dependency policy: licences, bans, sources; docs/security.md) --------
CURRENT_STEP="cargo-deny $CARGO_DENY_VERSION"
have_deny="$(cargo-deny --version 2>/dev/null || true)"
if [[ "$have_deny" == "cargo-deny $CARGO_DENY_VERSION" ]]; then
  info "cargo-deny $CARGO_DENY_VERSION present"
else
  wait_for "cargo install.*cargo-deny" "'cargo install cargo-deny'"
  have_deny="$(cargo-deny --version 2>/dev/null || true)"
  if [[ "$have_deny" != "cargo-deny $CARGO_DENY_VERSION" ]]; then
    step "installing cargo-deny $CARGO_DENY_VERSION (found: '${have_deny:-none}'; builds from crates.io, ~4-6 min on 2 cores)"
    cargo install --locked "cargo-deny@$CARGO_DENY_VERSION" \
      || die "cargo install cargo-deny@$CARGO_DENY_VERSION failed" "see the compiler output above"
  fi
fi

# --- 5. Chromium + chromedriver from Debian ------------------------------------
CURRENT_STEP="chromium"
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  info "chromium + chromedriver present"
else
  wait_for "apt-get|dpkg " "apt/dpkg run"
  if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    need_cmd apt-get "install Chromium and chromedriver so that /usr/bin/chromium and /usr/bin/chromedriver exist"
    step "installing chromium + chromium-driver (apt)"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 chromium chromium-driver \
      || die "apt-get install chromium chromium-driver failed" "run it by hand to see why: apt-get install chromium chromium-driver"
  fi
fi

# --- 6. npm deps (Playwright, binaryen/wasm-opt) -------------------------------
CURRENT_STEP="npm ci"
[[ -f package-lock.json ]] || die "package-lock.json is missing" "run: npm install --ignore-scripts, and commit package-lock.json"
npm_key="$(sha package.json package-lock.json)"
if [[ -d node_modules ]] && stamp_ok npm "$npm_key"; then
  info "node_modules up to date"
else
  step "installing npm dependencies (npm ci)"
  # --ignore-scripts: no install hook may fetch anything (Playwright browsers are never downloaded)
  npm ci --ignore-scripts --no-audit --no-fund \
    || die "npm ci failed" "if package.json changed, run: npm install --ignore-scripts (updates package-lock.json)"
  stamp_set npm "$npm_key"
fi
# binaryen's wasm-opt is a node script that loads a 10 MB wasm (~0.4 s per call): read the
# version from its package.json instead of running it.
wasm_opt_version="$(sed -n 's/^ *"version": *"\([0-9]*\)[^"]*".*/\1/p' node_modules/binaryen/package.json 2>/dev/null | head -n1)"
[[ "$(command -v wasm-opt)" == "$ROOT/node_modules/.bin/wasm-opt" ]] \
  || die "wasm-opt does not resolve to node_modules/.bin/wasm-opt (got: $(command -v wasm-opt || echo none))" \
         "rm -rf node_modules .tools/stamps/npm and re-run scripts/setup.sh"
[[ -n "$wasm_opt_version" && "$wasm_opt_version" -ge "$BINARYEN_MIN" ]] \
  || die "wasm-opt version '${wasm_opt_version:-?}' < $BINARYEN_MIN" \
         "Debian's binaryen 108 cannot read wasm-bindgen output; use npm binaryen (package.json)"
if ! grep -q "wasm_opt = \"version_$wasm_opt_version\"" Trunk.toml 2>/dev/null; then
  die "Trunk.toml [tools] wasm_opt does not match node_modules wasm-opt (version_$wasm_opt_version)" \
      "set wasm_opt = \"version_$wasm_opt_version\" in Trunk.toml"
fi

# --- 7. Python venv: botocore + jsonschema (export / scenario checks) -------------
CURRENT_STEP="python venv"
[[ -f "$PY_REQUIREMENTS" ]] || die "scripts/python-requirements.txt is missing" "restore it from git"
py_key="$(sha "$PY_REQUIREMENTS")"
if [[ -x "$VENV/bin/python" ]] && stamp_ok python "$py_key"; then
  info "python venv (.tools/venv) up to date"
else
  step "creating/updating python venv at .tools/venv (scripts/python-requirements.txt, PyPI)"
  py=""
  for cand in python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import venv, ensurepip' >/dev/null 2>&1; then py="$cand"; break; fi
  done
  if [[ -z "$py" ]]; then
    say "no python3 with venv support; installing python3-venv (apt)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 python3 python3-venv
    py=/usr/bin/python3
  fi
  if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$VENV"
    "$py" -m venv "$VENV" || die "python venv creation failed" "rm -rf .tools/venv; check: $py -m venv /tmp/x"
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$PY_REQUIREMENTS" \
    || die "pip install -r scripts/python-requirements.txt failed" "check access to PyPI; or rm -rf .tools/venv and retry"
  "$VENV/bin/python" -c 'import botocore, jsonschema' \
    || die "botocore/jsonschema do not import in .tools/venv" "rm -rf .tools/venv and re-run scripts/setup.sh"
  stamp_set python "$py_key"
fi

trap - ERR
elapsed_ms=$(( ($(date +%s%N) - START_NS) / 1000000 ))
if (( did_something )); then
  say "done: all tools installed ($(printf '%d.%03d' $((elapsed_ms / 1000)) $((elapsed_ms % 1000))) s)"
else
  say "all tools present (trunk $TRUNK_VERSION, wasm-bindgen $WB_VERSION, cargo-deny $CARGO_DENY_VERSION, wasm-opt $wasm_opt_version, chromium, playwright, python venv) in $(printf '%d.%03d' $((elapsed_ms / 1000)) $((elapsed_ms % 1000))) s"
fi
