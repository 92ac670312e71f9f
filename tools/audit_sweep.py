"""A longer fuzz sweep of every audit driver (docs/AUDIT.md records its figures): for each
reduction and variant, `--seeds` seeds of `--count` instances each; prints one line per
(reduction, variant) with instances, failing, crashes (internal errors of the producer: must be
0) and seconds.  Run from the repository root:

    python tools/audit_sweep.py --seeds 10 --count 20
"""
from __future__ import annotations

import argparse
import time

from checker.audit import REDUCTIONS, AuditCrash, audit

# the chain to NN-TRAINING is ~1 s per instance: a tenth of the count
COSTLY = {"etr-inv-to-nnt": 10, "restricted-to-nnt": 10}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--first-seed", type=int, default=1000)
    p.add_argument("--only", nargs="*", default=None)
    args = p.parse_args()
    for name in sorted(args.only or REDUCTIONS):
        count = max(1, args.count // COSTLY.get(name, 1))
        for variant in REDUCTIONS[name].VARIANTS:
            start, failing, crashes = time.time(), 0, []
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                try:
                    failing += audit(name, count, seed, variant, None)
                except AuditCrash as e:
                    crashes.append(f"seed {seed} {e.where}: {e.__cause__!r}"[:200])
            print(f"{name:22} {variant:9} instances={count * args.seeds:5} "
                  f"failing={failing:5} crashes={len(crashes)} "
                  f"seconds={time.time() - start:7.1f}", flush=True)
            for c in crashes:
                print("   CRASH", c, flush=True)


if __name__ == "__main__":
    main()
