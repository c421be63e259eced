#!/usr/bin/env bash
# Runs the browser suite (`cargo leptos end-to-end`) against a fresh server:
# its embedded qlik-sim listens on free loopback ports that the tests know
# (they read the simulator's own figures), and its store lives in a temporary
# directory removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() {
  node -e 'const s = require("net").createServer();
           s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MASHUP_QLIK__EMBEDDED_QPS="127.0.0.1:$(free_port)"
export MASHUP_QLIK__EMBEDDED_PROXY="127.0.0.1:$(free_port)"
export MASHUP_SESSION__STORE_PATH="$work/mashup.sqlite"
export MASHUP_SESSION__KEY_FILE="$work/store.key"
export MASHUP_CONFIG="$PWD/end2end/mashup.toml"
# REAL_APP=/path/to/apps: the opt-in run against a real app unbuilt there
# (end2end/tests/realapp.spec.ts), served by the embedded qlik-sim.
if [[ -n "${REAL_APP:-}" ]]; then
  export MASHUP_QLIK__EMBEDDED_APPS="$REAL_APP"
  export MASHUP_CONFIG="$PWD/end2end/real-app.toml"
fi
cargo leptos end-to-end "$@"
