#!/usr/bin/env bash
# Where the first load's bytes are: builds the release wasm as Trunk does (cargo, wasm-bindgen,
# wasm-opt with index.html's flags) but keeps the function names (wasm-opt -g), then prints
# twiggy's top items and monomorphizations and the bytes grouped by crate and module.
# Needs twiggy (`cargo install twiggy`, not part of scripts/setup.sh: only this script uses it).
#
#   scripts/size-profile.sh [OUT_DIR]        default: target/size-profile
#   ORDINAL_SIZE_BIN=ordinal-engine scripts/size-profile.sh   the engine's worker (default: the page)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
out="${1:-$ROOT/target/size-profile}"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
command -v twiggy >/dev/null || { echo "twiggy is missing: cargo install twiggy" >&2; exit 1; }
mkdir -p "$out"
cd "$ROOT"
bin="${ORDINAL_SIZE_BIN:-ordinal-web}"
cargo build --release --target wasm32-unknown-unknown --manifest-path web/Cargo.toml --bin "$bin" --locked
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ordinal-web \
  "$target/wasm32-unknown-unknown/release/$bin.wasm"
# index.html's data-wasm-opt and data-wasm-opt-params, as Trunk passes them, plus -g (names).
params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html | head -1)
level=$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' index.html | head -1)
# shellcheck disable=SC2086
wasm-opt "$out/ordinal-web_bg.wasm" -o "$out/named.wasm" "-O$level" $params -g
# shellcheck disable=SC2086
wasm-opt "$out/ordinal-web_bg.wasm" -o "$out/opt.wasm" "-O$level" $params
printf 'wasm %s bytes, gzip -9 %s bytes; js gzip -9 %s bytes\n' "$(stat -c %s "$out/opt.wasm")" \
  "$(gzip -9 -c "$out/opt.wasm" | wc -c)" "$(gzip -9 -c "$out/ordinal-web.js" | wc -c)"
twiggy top -n 40 "$out/named.wasm" >"$out/top.txt"
twiggy monos -m 40 -n 0 "$out/named.wasm" >"$out/monos.txt"
twiggy dominators -d 3 -r 60 "$out/named.wasm" >"$out/dominators.txt"
twiggy top -n 1000000 -f csv "$out/named.wasm" >"$out/top.csv"
python3 - "$out/top.csv" <<'PY' | tee "$out/groups.txt"
import csv, re, sys
parts = [
    ("data (strings, tables)", r"^data"),
    ("serde: derived Deserialize of API types", r"impl serde_core::de::Deserialize for ordinal"),
    ("serde: ordinal_sim::api::decode", r"ordinal_sim::api::decode"),
    ("serde_json", r"^<?serde_json"),
    ("serde_core generic impls", r"^<?serde_core"),
    ("YAML (serde_norway, libyaml)", r"serde_norway|libyaml"),
    ("core::slice::sort", r"core::slice::sort"),
    ("alloc::collections::btree", r"alloc::collections::btree"),
    ("yew", r"yew::"),
    ("kubectl printers", r"^<?ordinal_kubectl::printers"),
    ("kubectl describe", r"^<?ordinal_kubectl::describe"),
    ("kubectl other", r"^<?ordinal_kubectl"),
    ("sim controllers", r"^<?ordinal_sim::controllers"),
    ("sim container tools", r"^<?ordinal_sim::container"),
    ("sim other", r"^<?ordinal_sim"),
    ("shell", r"^<?ordinal_shell"),
    ("web", r"^<?ordinal_web"),
    ("core other", r"^<?core::"),
    ("alloc other", r"^<?alloc::"),
]
sizes, total = {p: 0 for p, _ in parts}, 0
sizes["other"] = 0
for row in csv.DictReader(open(sys.argv[1])):
    name, size = row["Name"], int(row["ShallowSize"])
    if name.startswith(('"function names"', "custom section", "Σ", "...")):
        continue
    total += size
    sizes[next((p for p, rx in parts if re.search(rx, name)), "other")] += size
for p, s in sorted(sizes.items(), key=lambda x: -x[1]):
    print(f"{s / 1024:8.1f} KiB {100 * s / total:5.1f}%  {p}")
print(f"{total / 1024:8.1f} KiB         total (code and data, before gzip)")
PY
echo "twiggy reports in $out (top.txt, monos.txt, dominators.txt, top.csv, groups.txt)"
