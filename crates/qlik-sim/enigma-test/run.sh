#!/usr/bin/env bash
# Runs the enigma.js test against the qlik-sim binary (built here if needed).
set -euo pipefail
cd "$(dirname "$0")"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
cargo build --quiet -p qlik-sim --bin qlik-sim
node --test
