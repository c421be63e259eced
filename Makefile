# The two commands of the README: `make serve` and `make test`.
# .cargo/config.toml aligns plain cargo builds with cargo-leptos' (same flags,
# same tracked environment), so no step rebuilds what another built.
CARGO := cargo
LEPTOS := cargo leptos
# wasm-opt for release builds comes from npm (tools/), not Debian.
export PATH := $(CURDIR)/tools/node_modules/.bin:$(PATH)
NATIVE_PACKAGES := -p app -p qlik-mashup -p qlik -p qlik-sim -p directory -p store -p hub -p auth -p charts -p qix-gen -p loadtest -p slapd-fixture

.PHONY: setup serve release test fmt clippy unit enigma end2end bench

setup:
	./scripts/setup.sh

serve: setup
	$(LEPTOS) serve

# The optimised site and server: target/site and target/release/qlik-mashup.
# cargo-leptos runs `wasm-opt -Oz` once; a second binaryen round that first
# flattens and rebuilds the control flow takes 2.8 KB more off the gzipped
# WASM (docs/performance.md, 2026-12-08).
WASM := target/site/pkg/qlik-mashup.wasm
release: setup
	$(LEPTOS) build --release
	wasm-opt --flatten --rereloop -Oz -Oz $(WASM) -o $(WASM)

test: setup fmt clippy unit enigma end2end

fmt:
	cargo fmt --all -- --check

clippy:
	$(CARGO) clippy $(NATIVE_PACKAGES) --all-targets -- -D warnings
	$(CARGO) clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

unit:
	$(CARGO) test $(NATIVE_PACKAGES)

# A real Qlik client (enigma.js, pinned) against the simulator.
enigma:
	./crates/qlik-sim/enigma-test/run.sh

end2end:
	./scripts/end2end.sh

# The README's performance figures: the load test (tools/loadtest) against the
# release server and its embedded qlik-sim, then the crates' benches. Loopback
# only; each load phase is bounded (LOADTEST_ARGS: --seconds per phase,
# --max-requests per phase, --users in all), each step by `timeout`.
LOADTEST_ARGS ?= --users 1000 --seconds 10
bench: release
	$(CARGO) build --release -p loadtest -p qlik-sim
	timeout 15m ./target/release/loadtest $(LOADTEST_ARGS)
	timeout 15m ./target/release/loadtest --memory-only --users 1000 --separate-sim target/release/qlik-sim
	HUB_BENCH_USERS=1000 timeout 15m $(CARGO) bench -p hub --bench held_sessions
	timeout 10m $(CARGO) bench -p store --bench lookup
	timeout 10m $(CARGO) bench -p qlik --bench round_trips
