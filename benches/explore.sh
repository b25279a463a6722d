#!/usr/bin/env bash
# Explorer benchmarks: fixed models at 1 and 2 workers, release build.
# Prints distinct states/s, generated states/s, store bytes per state,
# peak resident memory, and peak resident memory per distinct state. Usage: benches/explore.sh [--quick]
# (--quick skips two-phase commit with 9 RMs, ~10 million states).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/kripke
runs=(
  "2pc-7rm|tests/data/2pc_safety.dsl --const RM=7 --symmetry off"
  "paxos_commit|tests/conformance/paxos_commit.dsl"
  "lamport_mutex|tests/conformance/lamport_mutex.dsl"
)
if [[ "${1:-}" != "--quick" ]]; then
  runs+=("2pc-9rm|tests/data/2pc_safety.dsl --const RM=9 --symmetry off")
fi
printf '%-14s %7s %11s %12s %9s %12s %14s %9s %9s %9s\n' model workers distinct generated seconds distinct/s generated/s B/state peak_MiB RSS_B/st
for run in "${runs[@]}"; do
  name=${run%%|*}
  args=${run#*|}
  for w in 1 2; do
    out=$( { /usr/bin/time -f 'PEAK %M' $bin check $args --workers $w --format json; } 2>&1 )
    json=$(grep '^{' <<<"$out")
    peak=$(sed -n 's/^PEAK //p' <<<"$out")
    python3 - "$name" "$w" "$peak" "$json" <<'PY'
import json, sys
name, w, peak, j = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
s = j["elapsed_ms"] / 1000 or 1e-9
print(f'{name:<14} {w:>7} {j["distinct_states"]:>11} {j["generated_states"]:>12} {s:>9.2f} '
      f'{j["distinct_states"]/s:>12.0f} {j["generated_states"]/s:>14.0f} {j["bytes_per_state"]:>9.1f} {peak/1024:>9.1f} '
      f'{peak*1024/j["distinct_states"]:>9.1f}')
PY
  done
done
