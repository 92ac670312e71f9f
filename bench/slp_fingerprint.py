"""Fingerprints of straight-line programs (equal claims) vs exact evaluation, in one run.

For random programs (row i: j, k uniform in [0, i), op uniform in + - *; seed 1) and the
repeated-squaring chain, of 10^4, 10^5 and 10^6 rows: the size recurrence, drawing the prime,
the residue pass, and exact evaluation (gmpy2, the kernel's own loop) where it fits; then a full
`equal(P, Q)` check of a generated document (Q = P with one extra row a_n * a_0), split into
parsing and the rest.

    python bench/slp_fingerprint.py            # 10^4, 10^5, 10^6 rows
    python bench/slp_fingerprint.py --quick    # 10^4 rows only
"""
from __future__ import annotations

import gc
import random
import sys

from _common import clock, machine

import checker
from checker.kernel.base.budget import Budget, Decline
from checker.kernel.syntax.parser import parse
from checker.kernel.problems import fingerprint as FP


def random_rows(n: int, seed: int = 1) -> list[tuple[int, str, int]]:
    rng = random.Random(seed)
    return [(rng.randrange(i), rng.choice("+-*"), rng.randrange(i)) for i in range(1, n + 1)]


def chain_rows(n: int) -> list[tuple[int, str, int]]:
    return [(0, "+", 0)] + [(i, "*", i) for i in range(1, n)]


def timed(f):
    start = clock()
    try:
        out = f()
    except Decline as e:
        out = e
    return out, clock() - start


def document(rows: list) -> str:
    body = "\n".join(f"{j} {op} {k}" for j, op, k in rows)
    n = len(rows)
    return (f"nncert 1;\ninstance P : slp {{\n{body}\n}}\ninstance Q : slp {{\n{body}\n"
            f"{n} * 0\n}}\nclaims {{ equal(P, Q); }}\nend\n")


def row(kind: str, rows: list, seconds: float) -> None:
    budget = Budget(max_seconds=seconds).start()
    c = FP.Circuit([1], rows)
    (sz, t_size) = timed(lambda: FP.sizes(c, budget, None, budget.max_prime_bits))
    if isinstance(sz, Decline):
        print(f"| {kind} | {len(rows)} | - | {t_size:.3f} | DECLINE: {sz.reason} | | | | |")
        return
    s, top, _total = sz
    plan = FP.choose(s + 1, 64, budget.max_prime_bits)
    p, t_prime = timed(lambda: FP.random_prime(plan.k, plan.rounds, FP.randomness(1, b""), budget))
    _, t_res = timed(lambda: FP.residue(c, p, budget, None))
    if top <= budget.max_bits:
        _, t_exact = timed(lambda: FP.residue(c, None, budget, None))
        exact = f"{t_exact:.3f}"
        ratio = f"{t_exact / (t_size + t_prime + t_res):.1f}"
    else:
        exact, ratio = f"infeasible (2^{top.bit_length() - 1}+ bits)", "-"
    shown = top if top < 10 ** 9 else f"2^{top.bit_length() - 1}+"
    print(f"| {kind} | {len(rows)} | {shown} | {t_size:.3f} | k = {plan.k}, r = {plan.rounds}: "
          f"{t_prime:.3f} | {t_res:.3f} | {t_size + t_prime + t_res:.3f} | {exact} | {ratio} |",
          flush=True)


def full(kind: str, rows: list, seconds: float) -> None:
    text = document(rows)
    parse(document([(0, "+", 0)]), Budget().start())       # warm up: the grammar is loaded once
    gc.disable()                                             # as checker.check does
    _, t_parse = timed(lambda: parse(text, Budget(max_seconds=seconds).start()))
    gc.enable()
    v, t_all = timed(lambda: checker.check(text, Budget(max_seconds=seconds, seed=1)))
    print(f"| {kind} | {len(rows)} | {v.status} ({v.guarantee() if v.status == 'ACCEPT' else v.reason[:60]}) "
          f"| {t_all:.2f} | {t_parse:.2f} ({100 * t_parse / t_all:.0f} %) | "
          f"{t_all - t_parse:.2f} ({100 * (t_all - t_parse) / t_all:.0f} %) |", flush=True)


def main() -> None:
    sizes = [10 ** 4] if "--quick" in sys.argv else [10 ** 4, 10 ** 5, 10 ** 6]
    print(machine())
    print()
    print("| program | rows | largest size bound (bits) | sizes (s) | prime (s) | residue (s) | "
          "fingerprint total (s) | exact evaluation (s) | exact / fingerprint |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        row("random", random_rows(n), 600)
    for n in sizes:
        row("squaring chain", chain_rows(n), 600)
    for n in (1000, 2000, 4000):
        row("squaring chain", chain_rows(n), 600)
    print()
    print("Full check of `equal(P, Q)` (two programs of n and n + 1 rows, seed 1):")
    print()
    print("| program | rows | verdict | total (s) | parsing (s, share) | rest (s, share) |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        full("random", random_rows(n), 600)
    for n in sizes:
        full("squaring chain", chain_rows(n), 600)


if __name__ == "__main__":
    main()
