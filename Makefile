# The two commands of the README: `make serve` and `make test`.
# Plain cargo commands get the RUSTFLAGS and the tracked LEPTOS_OUTPUT_NAME that
# cargo-leptos sets for debug builds, so they reuse its build artefacts instead
# of rebuilding Leptos (or the world) at every step.
CARGO := RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=qlik-mashup cargo
LEPTOS := env -u RUSTFLAGS cargo leptos
NATIVE_PACKAGES := -p app -p qlik-mashup

.PHONY: setup serve test fmt clippy unit end2end

setup:
	./scripts/setup.sh

serve: setup
	$(LEPTOS) serve

test: setup fmt clippy unit end2end

fmt:
	cargo fmt --all -- --check

clippy:
	$(CARGO) clippy $(NATIVE_PACKAGES) --all-targets -- -D warnings
	$(CARGO) clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

unit:
	$(CARGO) test $(NATIVE_PACKAGES)

end2end:
	$(LEPTOS) end-to-end
