#!/bin/sh
# Runs each target for SECS seconds (default 300), one worker at a time, on stable Rust.
# Fork mode with ignore_* keeps going past a crash or timeout; each one is saved in artifacts/.
# Usage: fuzz/run.sh [SECS] [TARGET...]; logs in fuzz/work/TARGET.log.
set -u
cd "$(dirname "$0")"
secs=${1:-300}
[ $# -gt 0 ] && shift
targets=${*:-shell_parse apply_yaml kubectl_line container_shell printers explain_path get_output}
for t in $targets; do
    mkdir -p work/$t
    dirs="work/$t corpus/$t"
    [ -d regressions/$t ] && dirs="$dirs regressions/$t"
    # shellcheck disable=SC2086
    RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --debug-assertions "$t" $dirs -- \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$secs" -timeout=10 -max_len=2048 -print_final_stats=1 >work/$t.log 2>&1
    echo "$t: exit $?; last: $(grep -E '^#[0-9]+' work/$t.log | tail -1)"
done
