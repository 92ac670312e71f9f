"""Level-2 identity checking at scale: the 003 chain (issue 3, item 9).

    python bench/l2_growth.py            # n = 10^2, 10^3, 10^4; chain n = 10, 20, 30
    python bench/l2_growth.py --quick    # n = 10^2, 10^3;       chain n = 10

For each n a seeded random ETR-INV system with n variables and n constraints (about 30 %
inversions x·y = 1, the rest additions x + y = z) is reduced by the producers; stage 1 is the
etr-inv-to-eq certificate (ETR-INV -> ETR-INV-EQ), stage 2 the eq-to-restricted certificate
(ETR-INV-EQ -> a two-layer identity training instance with `?` targets, 5n inputs, sparse data
rows).  Each certificate is checked once by `checker.check`; printed per n: certificate size,
parse time (`checker.kernel.syntax.parser.parse` alone), identity-check time (the two
`identities.check_direction` calls, timed by a wrapper), the full check, and the growth
exponents: least-squares slopes of log(time) against log(n) and against log(size).
The full chain etr-inv-to-nnt is measured for small n only: its final instance (NN-TRAINING)
is inherently Theta(n^2), since every equation of the last stage contains every free bias, and
its identity check grows about like n^3 (n = 30 takes about a minute; n = 100 is not run).
Times are CPU seconds of this process (one run each; no repetition at these sizes).
"""
from __future__ import annotations

import argparse
import gc
import math
import random

import _common as C

import checker
from checker.kernel.base.budget import Budget
from checker.kernel.syntax.parser import parse
from checker.kernel.problems import identities
from checker.reductions import eq_to_restricted, etr_inv_to_eq, etr_inv_to_nnt

IDENTITY_TIME = [0.0]
_check_direction = identities.check_direction


def _timed_check_direction(*args, **kwargs):
    t0 = C.clock()
    try:
        return _check_direction(*args, **kwargs)
    finally:
        IDENTITY_TIME[0] += C.clock() - t0


identities.check_direction = _timed_check_direction


gen = etr_inv_to_eq.sized_source


def certificate(stage: str, n: int) -> str:
    src = gen(n, n)
    if stage == "stage 1":
        return etr_inv_to_eq.certificate(src, "corrected")
    if stage == "stage 2":
        eq, _ = etr_inv_to_eq.reduce(src, "corrected")
        return eq_to_restricted.certificate(eq, "corrected")
    return etr_inv_to_nnt.certificate(src, "corrected")


def measure(text: str) -> tuple[float, float, float, str]:
    budget = Budget(max_seconds=10**5)
    gc.collect()
    t0 = C.clock()
    parse(text, budget)
    parse_time = C.clock() - t0
    gc.collect()
    IDENTITY_TIME[0] = 0.0
    t0 = C.clock()
    verdict = checker.check(text, Budget(max_seconds=10**5))
    total = C.clock() - t0
    return parse_time, IDENTITY_TIME[0], total, verdict.status


def slope(xs: list[float], ys: list[float]) -> float:
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return (sum((a - mx) * (b - my) for a, b in zip(lx, ly))
            / sum((a - mx) ** 2 for a in lx))


def run(stage: str, sizes: list[int]) -> None:
    print(f"\n## {stage}\n")
    print("| n | certificate bytes | parse s | identity check s | full check s | parse share "
          "| identity share | verdict |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    rows = []
    for n in sizes:
        text = certificate(stage, n)
        p, i, t, status = measure(text)
        rows.append((n, len(text), t))
        print(f"| {n} | {len(text)} | {p:.2f} | {i:.2f} | {t:.2f} | {100 * p / t:.0f} % "
              f"| {100 * i / t:.0f} % | {status} |", flush=True)
    if len(rows) > 1:
        ns, sizes_, ts = zip(*rows)
        print(f"\ngrowth exponent of the full check: {slope(ns, ts):.2f} in n, "
              f"{slope(sizes_, ts):.2f} in the certificate size "
              f"(size grows with exponent {slope(ns, sizes_):.2f} in n)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="n up to 10^3; chain n = 10 only")
    a = ap.parse_args()
    print("# Level 2 at scale (003 chain)\n")
    print(C.machine())
    checker.check(certificate("stage 1", 5))      # warm-up: compiles the grammar
    sizes = [100, 1000] if a.quick else [100, 1000, 10000]
    run("stage 1", sizes)
    run("stage 2", sizes)
    run("full chain", [10] if a.quick else [10, 20, 30])


if __name__ == "__main__":
    main()
