"""Parse rate: data points per second on a training instance with 10^5 data rows.

    python bench/parse.py             # 10^5 rows (about a minute)
    python bench/parse.py --quick     # 10^4 rows

The instance: 10 inputs -> 10 relu -> 10 relu -> 1 output, squared loss, gamma = the exact total
loss (the certificate must ACCEPT).  Data rows hold 11 numbers each, in two variants:
`p/q` (|p| <= 10, 1 <= q <= 10, as `-3/7`) and decimals (as `-0.375`, 1 to 3 places).
Measured: `checker.kernel.syntax.parser.parse` alone (grammar already compiled; best of --repeat),
`elaborate`, the kernel's `total_loss`, and the full `checker.check` (parse + elaborate + judge;
also once with the cyclic garbage collector disabled, to show what it costs a real check).
Every timed block starts with the heap collected and frozen (`gc.freeze`), so the garbage
collector does not traverse the benchmark's own data during it.
"""
from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from fractions import Fraction

import _common as C
import network_eval as NE

import checker
from checker.kernel.base.budget import Budget
from checker.kernel.judge.elaborate import elaborate
from checker.kernel.syntax.parser import parse
from checker.kernel.problems.training import total_loss


def decimal_fraction(rng: random.Random) -> Fraction:
    places = rng.randint(1, 3)
    return Fraction(rng.randint(-10 ** places * 9, 10 ** places * 9), 10 ** places)


def fmt_decimal(q: Fraction) -> str:
    """A finite decimal as an exact decimal numeral (q has denominator 10^k, k <= 3)."""
    sign = "-" if q < 0 else ""
    q = abs(q)
    for k in range(4):
        if (q * 10 ** k).denominator == 1:
            s = str((q * 10 ** k).numerator).rjust(k + 1, "0")
            return sign + (s[:-k] + "." + s[-k:] if k else s)
    raise ValueError(q)


def instance(rows: int, variant: str, seed: int) -> tuple[str, NE.Net]:
    rng = random.Random(seed)
    net = NE.random_net(rng, 10, 10, 1, rows)
    if variant == "decimal":
        net.X = [[decimal_fraction(rng) for _ in range(10)] for _ in range(rows)]
        net.Y = [[decimal_fraction(rng)] for _ in range(rows)]
    L = NE.floor_fmpq(NE.floor_prepare_q(net), {})
    text = NE.certificate(net, f"{L.p}/{L.q}")
    if variant == "decimal":                 # rewrite the data rows with decimal numerals
        lines = text.split("\n")
        start = lines.index("  data {") + 1
        for d, (x, y) in enumerate(zip(net.X, net.Y)):
            lines[start + d] = ("    " + " ".join(map(fmt_decimal, x)) + " -> "
                                + " ".join(map(fmt_decimal, y)))
        text = "\n".join(lines)
    return text, net


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--profile", action="store_true", help="also profile one parse (cProfile)")
    a = p.parse_args(argv)
    if a.quick:
        a.rows, a.repeat = 10_000, 2
    print(f"# bench/parse.py — {C.machine()}")
    print(f"command: python bench/parse.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"grammar compilation (first parse, not counted below): {C.secs(NE.warm_parser())}\n")
    rows = []
    for variant in ("p/q", "decimal"):
        text, net = instance(a.rows, variant, a.seed)
        size = len(text) / 1e6
        nums = a.rows * 11
        T = C.Timer()
        tp, doc = [], None
        for _ in range(a.repeat):
            doc = None
            with T("parse"):
                doc = parse(text, Budget().start())
            tp.append(T.t["parse"])
        with T("elaborate"):
            el = elaborate(doc, Budget().start())
        with T("total_loss"):
            total_loss(el.field, el.instances["net"], el.witnesses["w"].assignment,
                       Budget().start())

        del doc, el, net
        source = checker.load(text)
        with T("check"):
            verdict = checker.check(source)
        with T("check, gc off"):                  # what the cyclic GC costs a real check
            gc.disable()
            try:
                checker.check(source)
            finally:
                gc.enable()
        te, tl, tc = T.t["elaborate"], T.t["total_loss"], T.t["check"]
        assert verdict.status == "ACCEPT", verdict
        best = min(tp)
        rows.append([variant, f"{a.rows:,}", f"{size:.1f} MB", C.secs(best),
                     f"{a.rows / best:,.0f}", f"{nums / best / 1e6:.2f} M", f"{size / best:.1f}",
                     C.secs(te), C.secs(tl), C.secs(tc), C.secs(T.t["check, gc off"]), f"{a.rows / tc:,.0f}", verdict.status])
    print(C.table(["numerals", "data rows", "file", "parse (best)", "parse: points/s",
                   "numbers/s", "MB/s", "elaborate", "total_loss", "full check",
                   "full check, gc off",
                   "full check: points/s", "verdict"], rows))
    print("\nnetwork 10 -> 10 relu -> 10 relu -> 1 identity; 11 numbers per data row; "
          f"parse timed {a.repeat} times (best shown)")
    if a.profile:
        text, _ = instance(a.rows, "p/q", a.seed)
        C.profile(lambda: parse(text, Budget().start()), 12, f"parse, {a.rows:,} p/q rows")
        el = elaborate(parse(text, Budget().start()), Budget().start())
        C.profile(lambda: total_loss(el.field, el.instances["net"], el.witnesses["w"].assignment,
                                     Budget(max_seconds=3600).start()), 12,
                  f"total_loss, {a.rows:,} points, network 10 -> 10 -> 10 -> 1")
    print(f"\nat the end: {C.load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
