# Berth: build, serve and test.
#   make serve   install what is missing, then serve the web app at http://127.0.0.1:8080
#   make test    install what is missing, then run every test stage (fails on the first failure)
#   make dist    release build of the web app into dist/ (host it anywhere, any sub-path: docs/hosting.md)
#   make clean   remove build output (target/, dist/, test results)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

# npm's wasm-opt (binaryen >= 117) and playwright must win over anything else on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CHROMEDRIVER := /usr/bin/chromedriver

HTML        := static/index.html
SERVE_ADDR  ?= 127.0.0.1
SERVE_PORT  ?= 8080
# The dev server's debug build (with its live-reload script) must not overwrite the release dist/.
SERVE_DIST  ?= target/trunk-serve
E2E_PORT    ?= 8099
export E2E_PORT
# The release build's folder (make dist, make test-e2e); DIST=target/x keeps a build of your own.
DIST        ?= dist
export E2E_DIST := $(DIST)
# Test targets that contain #[wasm_bindgen_test]s (run in headless Chromium).
WASM_TEST_ARGS ?= --test wasm --test wasm_cluster
WASM_TMP := $(abspath $(or $(CARGO_TARGET_DIR),target))/wasm-test-tmp
CARGO_TEST_ARGS ?=
PYTHON      := $(CURDIR)/.tools/venv/bin/python
STAGE       := scripts/stage.sh

.PHONY: help setup serve test test-native test-deps test-export test-wasm test-e2e dist clean distclean

help:
	@echo "make serve   - serve the web app at http://$(SERVE_ADDR):$(SERVE_PORT) (live reload)"
	@echo "make test    - native tests, dependency policy, export check, wasm tests, release build, Playwright e2e"
	@echo "make audit   - RustSec advisories for every dependency (needs the network: docs/security.md)"
	@echo "make dist    - release build into dist/"
	@echo "make clean   - remove target/, dist/ and test output"
	@echo "make bench   - placement and 24-hour simulation benchmarks: native and Wasm in headless Chromium"
	@echo "make bench-startup - time to interactive of the release build in dist/ (make dist first)"
	@echo "make simulate SEEDS=N - the simulation fuzzer: N random clusters under failure storms"
	@echo "make fuzz    - every fuzz target for FUZZ_SECONDS (default 60) each"
	@echo "make size-probe - the engine alone as a .wasm, next to the playground's (docs/performance.md)"

setup:
	@scripts/setup.sh

serve: setup
	@echo "Berth is at http://$(SERVE_ADDR):$(SERVE_PORT)"
	trunk serve $(HTML) --address $(SERVE_ADDR) --port $(SERVE_PORT) --dist $(SERVE_DIST) --public-url /

# Stages run in order; each prints its duration, the first failure stops the run.
test: setup
	@rm -f .tools/stage-times
	@$(STAGE) native-tests  $(MAKE) test-native
	@$(STAGE) deps-policy   $(MAKE) test-deps
	@$(STAGE) export-check  $(MAKE) test-export
	@$(STAGE) wasm-tests    $(MAKE) test-wasm
	@$(STAGE) trunk-release $(MAKE) dist-build
	@$(STAGE) e2e           $(MAKE) test-e2e
	@echo "make test: all stages passed ($$(paste -sd' ' .tools/stage-times))"

test-native:
	cargo test $(CARGO_TEST_ARGS)

# Dependency policy (deny.toml, docs/security.md): licences, banned crates, sources; offline.
# Advisories need the RustSec database from the network: `make audit` where that is reachable.
test-deps:
	cargo deny --offline check --hide-inclusion-graph licenses bans sources

.PHONY: audit
audit:
	cargo deny check advisories

test-export:
	@if [[ -f scripts/check-export.sh ]]; then \
	  echo "PYTHON=$(PYTHON) bash scripts/check-export.sh"; \
	  PYTHON="$(PYTHON)" bash scripts/check-export.sh; \
	else \
	  echo "scripts/check-export.sh not present: export check skipped"; \
	fi

test-wasm:
	@if [[ "$(strip $(WASM_TEST_ARGS))" == "--test wasm" && ! -f tests/wasm.rs ]]; then \
	  echo "error: tests/wasm.rs (the #[wasm_bindgen_test] suite) is missing;" >&2; \
	  echo "       create it, or point WASM_TEST_ARGS at the targets that hold wasm tests" >&2; \
	  exit 1; \
	fi
	@# Without debug info the test .wasm files are ~10x smaller (wasm-bindgen writes a copy of
	@# each to a temporary folder; at 160 MB each that failed on a CI machine with a small /tmp).
	@# The temporary folder is under the target folder, not /tmp, for the same reason.
	mkdir -p "$(WASM_TMP)"
	TMPDIR="$(WASM_TMP)" CARGO_PROFILE_DEV_DEBUG=0 cargo test --target wasm32-unknown-unknown $(WASM_TEST_ARGS)

dist: setup
	@$(MAKE) dist-build

.PHONY: dist-build
dist-build:
	trunk build $(HTML) --release --dist $(DIST)
	@test -f $(DIST)/index.html || { echo "error: trunk did not produce $(DIST)/index.html" >&2; exit 1; }
	@grep -q 'src="./sw-register.js"' $(DIST)/index.html && grep -q "serviceWorker" $(DIST)/sw-register.js || { echo "error: $(DIST)/index.html does not register the service worker through sw-register.js (scripts/offline.py)" >&2; exit 1; }
	@ls -l $(DIST)/*.wasm | awk '{ printf "dist: %s %d bytes\n", $$NF, $$5 }'

test-e2e:
	@test -f $(DIST)/index.html || { echo "error: $(DIST)/index.html missing; run make dist first" >&2; exit 1; }
	rm -rf test-results
	playwright test

clean:
	rm -rf dist test-results playwright-report .tools/stage-times
	cargo clean

# Also drops installed project-local tools (node_modules, .tools/venv); global ones stay.
distclean: clean
	rm -rf node_modules .tools

# Benchmarks (docs/performance.md): Criterion natively, then the same workload compiled to Wasm
# in headless Chromium. BENCH_FULL=1 also times the full 50,000-task workload natively (~10 min).
# CI does not run this; timings never fail a build.
.PHONY: simulate
SEEDS ?= 1000
FROM ?= 0
# The simulation fuzzer (tests/simulate.rs): random clusters under failure storms, invariants
# after every step, each seed run twice and compared.
simulate:
	BERTH_SIM_SEEDS=$(SEEDS) BERTH_SIM_FROM=$(FROM) cargo test --release --test simulate -- --nocapture

.PHONY: bench bench-native bench-wasm bench-startup
BENCH_FULL ?=
bench: setup
	@$(MAKE) bench-native
	@$(MAKE) bench-wasm

bench-native:
	BERTH_BENCH_FULL=$(BENCH_FULL) cargo bench --bench placement
	cargo bench --bench simulation

bench-wasm:
	WASM_BINDGEN_TEST_TIMEOUT=1800 cargo test --release --target wasm32-unknown-unknown --test wasm_bench -- --nocapture

# Time to interactive of the release build in $(DIST) (five cold loads; e2e/startup.spec.mjs).
bench-startup:
	@test -f $(DIST)/index.html || { echo "error: $(DIST)/index.html missing; run make dist first" >&2; exit 1; }
	PERF_STARTUP=1 E2E_DIST=$(DIST) playwright test e2e/startup.spec.mjs --output test-results/startup

# The engine's size floor in Wasm (examples/size_probe.rs; docs/performance.md, "Download size").
.PHONY: size-probe
size-probe: setup
	DIST=$(DIST) scripts/size-probe.sh

# Fuzzing (docs/fuzzing.md): each cargo-fuzz target for FUZZ_SECONDS, one process each;
# FUZZ_TARGETS picks targets, FUZZ_ARGS passes libFuzzer flags. Exits non-zero on a crash.
.PHONY: fuzz
FUZZ_SECONDS ?= 60
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh
