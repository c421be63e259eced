#!/usr/bin/env bash
# Installs what building, serving and testing qlik-mashup needs, skipping what
# is already there. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
APT_PACKAGES=(chromium slapd ldap-utils postgresql nodejs npm)

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------
missing=()
for package in "${APT_PACKAGES[@]}"; do
  # node/npm may come from elsewhere than Debian; the commands are what count.
  case "$package" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  line="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    say "missing Debian packages: ${missing[*]}. Run as root:"
    echo "  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections"
    echo "  echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf"
    echo "  apt-get update && $line"
    exit 1
  fi
  say "installing ${missing[*]}"
  # The tests start their own slapd; keep the package from configuring or
  # starting a system-wide one.
  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
  mkdir -p /etc/ldap && touch /etc/ldap/noslapd
  # Likewise PostgreSQL: the tests run their own throwaway servers; the
  # package must not create (and start) a cluster of its own.
  mkdir -p /etc/postgresql-common
  grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf ||
    echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
  apt-get update -qq
  eval "$line"
fi
# Never leave the package's own directory service running.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet slapd 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then systemctl disable --now slapd; else say "a system slapd is running: run 'systemctl disable --now slapd' as root"; fi
fi

# --- Rust toolchain pieces -------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if ! cargo leptos --version 2>/dev/null | grep -q " ${CARGO_LEPTOS_VERSION}\$"; then
  say "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (this takes ~20 minutes once)"
  cargo install cargo-leptos --locked --version "${CARGO_LEPTOS_VERSION}" --features no_downloads
fi
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${bindgen_version}\$"; then
  say "installing wasm-bindgen-cli ${bindgen_version}"
  cargo install wasm-bindgen-cli --version "${bindgen_version}" --force
fi

# --- Playwright (npm only; the browser is Debian's chromium) ---------------
stamp=end2end/node_modules/.package-lock.json
if [[ ! -f $stamp || end2end/package-lock.json -nt $stamp ]]; then
  say "installing the end-to-end test dependencies"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
# --- Build tools from npm: wasm-opt for release builds ----------------------
# (Debian's binaryen 108 points wasm-bindgen's externref export at the wrong
# table; the Makefile puts tools/node_modules/.bin first on PATH.)
stamp=tools/node_modules/.package-lock.json
if [[ ! -f $stamp || tools/package-lock.json -nt $stamp ]]; then
  say "installing the build tools (binaryen's wasm-opt)"
  (cd tools && npm ci --no-audit --no-fund)
fi
say "ready"
