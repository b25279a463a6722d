#!/usr/bin/env bash
# Explorer benchmarks: fixed models at 1 and 2 workers, release build.
# Prints distinct states/s, generated states/s, store bytes per state,
# peak resident memory, and peak resident memory per distinct state.
# Usage: benches/explore.sh [--quick] [--repeat N]
#   --quick     skips two-phase commit with 9 RMs (~10 million states);
#   --repeat N  runs each model N times at each worker count, alternating,
#               and prints the fastest run (the one least disturbed by the
#               rest of the machine) and the median time.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
repeat=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --repeat) repeat=$2; shift ;;
    *) echo "usage: benches/explore.sh [--quick] [--repeat N]" >&2; exit 2 ;;
  esac
  shift
done
cargo build --release --quiet
bin=target/release/kripke
runs=(
  "2pc-7rm|tests/data/2pc_safety.dsl --const RM=7 --symmetry off"
  "paxos_commit|tests/conformance/paxos_commit.dsl"
  "lamport_mutex|tests/conformance/lamport_mutex.dsl"
)
if [[ $quick == 0 ]]; then
  runs+=("2pc-9rm|tests/data/2pc_safety.dsl --const RM=9 --symmetry off")
fi
report=$(cat <<'PY'
import json, statistics, sys
name = sys.argv[1]
runs = {}
for line in sys.stdin:
    w, peak, j = line.split(" ", 2)
    runs.setdefault(int(w), []).append((json.loads(j), int(peak)))
for w in sorted(runs):
    times = [j["elapsed_ms"] / 1000 for j, _ in runs[w]]
    j, peak = min(runs[w], key=lambda r: r[0]["elapsed_ms"])
    s = j["elapsed_ms"] / 1000 or 1e-9
    d, g = j["distinct_states"], j["generated_states"]
    print(f'{name:<14} {w:>7} {d:>11} {g:>12} {s:>9.2f} {statistics.median(times):>9.2f} '
          f'{d/s:>12.0f} {g/s:>14.0f} {j["bytes_per_state"]:>9.1f} {peak/1024:>9.1f} '
          f'{peak*1024/d:>9.1f}')
PY
)
printf '%-14s %7s %11s %12s %9s %9s %12s %14s %9s %9s %9s\n' model workers distinct generated seconds median distinct/s generated/s B/state peak_MiB RSS_B/st
for run in "${runs[@]}"; do
  name=${run%%|*}
  args=${run#*|}
  results=()
  for ((i = 0; i < repeat; i++)); do
    for w in 1 2; do
      out=$( { /usr/bin/time -f 'PEAK %M' $bin check $args --workers $w --format json; } 2>&1 )
      json=$(grep '^{' <<<"$out")
      peak=$(sed -n 's/^PEAK //p' <<<"$out")
      results+=("$w $peak $json")
    done
  done
  printf '%s\n' "${results[@]}" | python3 -c "$report" "$name"
done
