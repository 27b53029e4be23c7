#!/usr/bin/env bash
# Ordinal's benchmarks (issue 7): the core natively (`cargo bench -p ordinal-sim`), then the
# built app in chromium (tests/bench/bench.mjs). Prints tables; asserts nothing (timings vary by
# machine). Installs what is missing first, like the test command.
#   scripts/bench.sh [--pods 1000] [--big 10000] [--cap 120]   (arguments go to the browser part)
set -euo pipefail
ORDINAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup.sh
source "$ORDINAL_ROOT/scripts/setup.sh"
cd "$ORDINAL_ROOT"

echo "==> native (cargo bench -p ordinal-sim)"
cargo bench -p ordinal-sim --bench sim -- --bench

echo
echo "==> browser (trunk build --release, chromium)"
trunk build --release
PORT=8182
node tests/serve-dist.mjs dist "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
sleep 1
(cd tests && node bench/bench.mjs --port "$PORT" "$@")
