#!/usr/bin/env bash
# Builds Ordinal with Trunk and serves it on http://127.0.0.1:${PORT:-8080}/ (rebuilding on change).
# Installs what is missing first (scripts/setup.sh). Extra arguments go to `trunk serve`,
# e.g. `scripts/serve.sh --release` for the optimised build.

set -euo pipefail

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ORDINAL_ROOT"

PORT="${PORT:-8080}"
ADDRESS="${ADDRESS:-127.0.0.1}"

setup_build

cat <<BANNER

  Ordinal: building, then serving at

      http://$ADDRESS:$PORT/

  (the page appears once Trunk prints "server listening"; Ctrl-C stops it)

BANNER

exec trunk serve --address "$ADDRESS" --port "$PORT" --disable-address-lookup "$@"
