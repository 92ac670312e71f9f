#!/usr/bin/env bash
# Run every benchmark in sequence (never in parallel: they time themselves) and keep the output.
#   bash bench/run_all.sh            # full sizes (about 20-30 minutes on 2 cores)
#   bash bench/run_all.sh --quick    # small sizes, a smoke run (about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-bench/results}"
mkdir -p "$out"
for b in network_eval algebraic parse l2_growth; do
    echo "== python bench/$b.py $*" >&2
    python "bench/$b.py" "$@" | tee "$out/$b.txt"
done
echo "results in $out/" >&2
