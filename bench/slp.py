"""PosSLP evaluation: the kernel vs a bare gmpy2 loop (the floor), and the posslp-to-dnnt
network vs the SLP itself.  Ratios measured in one run.

    python bench/slp.py            # repeated squaring up to 2^(2^26)
    python bench/slp.py --quick    # up to 2^(2^22)
"""
from __future__ import annotations

import sys
import time

import gmpy2

import checker
from checker.kernel.base.budget import Budget
from checker.kernel.problems.slp import SlpInstance, values
from checker.reductions import posslp_to_dnnt


def squaring(k: int) -> list[tuple[int, str, int]]:
    """a1 = 2, a_{i+1} = a_i^2: the last value is 2^(2^k)."""
    return [(0, "+", 0)] + [(i, "*", i) for i in range(1, k + 1)]


def bare(k: int) -> float:
    start = time.process_time()
    a = [gmpy2.mpz(1), gmpy2.mpz(2)]
    for i in range(1, k + 1):
        a.append(a[i] * a[i])
    return time.process_time() - start


def kernel(rows, bits: int) -> float:
    inst = SlpInstance("P", rows, "", None)
    start = time.process_time()
    values(inst, Budget(max_bits=bits).start())
    return time.process_time() - start


def main() -> None:
    top = 22 if "--quick" in sys.argv else 26
    print("| value | bare gmpy2 loop (s) | kernel slp evaluation (s) | ratio |")
    print("|---|---|---|---|")
    for k in range(18, top + 1, 2):
        b = min(bare(k) for _ in range(3))
        s = min(kernel(squaring(k), (1 << k) + 64) for _ in range(3))
        print(f"| 2^(2^{k}) | {b:.4f} | {s:.4f} | {s / b:.2f} |", flush=True)
    print()
    print("| program | SLP via the kernel (s) | posslp-to-dnnt network, full check (s) | ratio |")
    print("|---|---|---|---|")
    for k in (8, 12, 16, 18, 20):
        rows = squaring(k) + [(k, "-", 0)]
        s = min(kernel(rows, 1 << 22) for _ in range(3))
        text = posslp_to_dnnt.certificate(rows, "corrected")
        start = time.process_time()
        verdict = checker.check(text, Budget(max_bits=1 << 22, max_seconds=600))
        n = time.process_time() - start
        print(f"| 2^(2^{k}) - 1 ({len(rows)} rows) | {s:.5f} | {n:.3f} ({verdict.status}) | "
              f"{n / max(s, 1e-6):.0f} |", flush=True)


if __name__ == "__main__":
    main()
