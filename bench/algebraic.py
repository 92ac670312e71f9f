"""Real algebraic arithmetic: the kernel's Q(theta) vs sympy's algebraic fields.

    python bench/algebraic.py                 # degrees 2 5 10 20 50 (a few minutes)
    python bench/algebraic.py --quick         # degrees 2 5, few samples

theta is the real root in (1, 2) of t^n - t - 1 (irreducible for every n, Selmer 1956).
Elements are dense: every coordinate a random p/q with |p| <= 2^10, 1 <= q <= 2^10 (seeded).

  declare   the kernel's `AlgebraicField.declare` (irreducibility by factoring, exactly one root
            in the interval by Descartes' rule with bisection) for t^n - t - 1 and t^n - 2 on
            (1, 2); sympy: `QQ.alg_field_from_poly(m, root_index=k)` (checks irreducibility,
            isolates the real roots; k = the root in (1, 2)).
  mul       kernel `F.mul` (fmpq_poly product, remainder mod m) vs sympy's `ANP` product in
            `QQ.alg_field_from_poly` (sympy 1.14, ground types as printed).
  sign      kernel `F.sign` on (i) random dense elements, (ii) r - theta with r one of --near-samples
            dyadics within 2^-k of theta (both signs), (iii) a - c with a dense random and c a dyadic within 2^-k of a(theta);
            k = 64 and 1024 -- values of size about 2^-k.  Warm: the field's isolating interval
            is kept between calls (so the first call that needs a narrow interval pays for the
            bisection; that cost is shown separately as "first near-zero sign, fresh field").
            sympy, two ways:
            * exact (correct): refine sympy's isolating interval of the CRootOf
              (`RealInterval.refine`) until `Poly(a).count_roots(lo, hi) == 0` (Sturm), then the
              sign of a(lo); the interval is kept between calls, as the kernel does.
            * `sympy.sign(expr)`, expr = sum c_i * CRootOf(m, k)**i (cache cleared before each
              call): evalf-based, answers wrongly or not at all near zero -- counted; a call
              still running after --expr-timeout seconds is stopped and counted as undecided
              (its time then shown as a lower bound, '>').
            The ratio vs sympy uses the exact method; the target is >= 100x at degree 10.
"""
from __future__ import annotations

import argparse
import random
import signal
import sys
import time

import _common as C
import sympy
from flint import arb, arb_poly, ctx, fmpq, fmpq_poly, fmpz
from sympy import QQ, Poly, Rational
from sympy.core.cache import clear_cache

from checker.kernel.base.budget import Budget
from checker.kernel.base.fields import AlgebraicField

T_SYM = sympy.symbols("t")


def big_budget() -> Budget:
    return Budget(max_steps=10**15, max_seconds=1e9).start()


def selmer(n: int) -> list[int]:
    return [-1, -1] + [0] * (n - 2) + [1] if n > 2 else [-1, -1, 1]


def root2(n: int) -> list[int]:
    return [-2] + [0] * (n - 1) + [1]


def theta_interval(coeffs: list[int], bits: int) -> tuple[fmpq, fmpq]:
    """Bisect (1, 2) to width 2^-bits around the root (setup, exact)."""
    m = fmpq_poly(coeffs)
    lo, hi = fmpq(1), fmpq(2)
    slo = m(lo) > 0
    width = fmpq(1, fmpz(2) ** bits)
    while hi - lo > width:
        mid = (lo + hi) / 2
        if (m(mid) > 0) == slo:
            lo = mid
        else:
            hi = mid
    return lo, hi


def dyadic_near(a: fmpq_poly, lo: fmpq, hi: fmpq, k: int) -> fmpq:
    """A dyadic c with |a(theta) - c| < 2^-k, theta in [lo, hi] narrow enough (setup)."""
    old = ctx.prec
    try:
        ctx.prec = 4 * k + 200
        v = arb_poly(a)(arb(lo).union(arb(hi)))
        assert v.rad() < arb(2) ** (-k - 4), "interval too wide for this element"
        man, exp = v.mid().man_exp()
        q = fmpq(man) * fmpq(2) ** int(exp)
        scale = fmpz(2) ** (k + 8)
        return fmpq((q * scale).floor(), scale)
    finally:
        ctx.prec = old


def rand_coords(rng, n) -> list[fmpq]:
    return [fmpq(rng.randint(-1024, 1024), rng.randint(1, 1024)) for _ in range(n)]


class SympyExactSign:
    """Exact sign of a(theta) with sympy: Sturm counts on a refined interval (kept)."""

    def __init__(self, m: Poly, index: int):
        self.interval = sympy.CRootOf(m.as_expr(), index)._get_interval()

    def sign(self, coords: list[fmpq]) -> int:
        a = Poly([Rational(int(c.p), int(c.q)) for c in reversed(coords)], T_SYM, domain=QQ)
        while True:
            lo, hi = self.interval.a, self.interval.b
            if a.count_roots(lo, hi) == 0:
                v = a.eval(lo)
                return 1 if v > 0 else -1 if v < 0 else 0
            self.interval = self.interval.refine()


def sympy_sign_expr(coords: list[fmpq], root) -> object:
    e = sum(Rational(int(c.p), int(c.q)) * root ** i for i, c in enumerate(coords))
    return sympy.sign(e)


class _Timeout(BaseException):
    """Raised by the alarm inside a sympy call (BaseException: sympy catches Exception)."""


def _alarm(signum, frame):
    raise _Timeout()


def with_timeout(fn, seconds: float):
    """fn() or _Timeout after `seconds` of wall time."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def timed_each(fn, items, cap: float) -> tuple[float, int]:
    """Mean seconds per call of fn(item), over the items until `cap` seconds are spent."""
    total, n = 0.0, 0
    for it in items:
        t0 = C.clock()
        fn(it)
        total += C.clock() - t0
        n += 1
        if total > cap:
            break
    return total / n, n


def run_degree(n: int, a, rng) -> dict:
    coeffs = selmer(n)
    res: dict = {"n": n}
    # ---- declare
    res["decl"] = C.best_of(lambda: AlgebraicField.declare("th", coeffs, fmpq(1), fmpq(2),
                                                           big_budget()), repeat=3, min_time=0.1)
    res["decl2"] = C.best_of(lambda: AlgebraicField.declare("th", root2(n), fmpq(1), fmpq(2),
                                                            big_budget()), repeat=3, min_time=0.1)
    m = Poly(list(reversed(coeffs)), T_SYM, domain=QQ)
    nreal = m.count_roots()
    index = nreal - 1                       # real roots come first, ascending: the one in (1, 2)

    def sympy_declare():
        clear_cache()
        return QQ.alg_field_from_poly(m, alias="th", root_index=index)

    res["sdecl"], _ = timed_each(lambda _: sympy_declare(), range(3), a.cap)
    K = QQ.alg_field_from_poly(m, alias="th", root_index=index)
    root = sympy.CRootOf(m.as_expr(), index)
    iv = root._get_interval()
    assert 1 <= iv.a and iv.b <= 2, "the chosen sympy root is not the one in (1, 2)"
    F = AlgebraicField.declare("th", coeffs, fmpq(1), fmpq(2), big_budget())
    budget = big_budget()
    # ---- elements
    pairs = [(rand_coords(rng, n), rand_coords(rng, n)) for _ in range(a.samples)]
    kp = [(F.from_components(x), F.from_components(y)) for x, y in pairs]
    sq = lambda c: QQ(int(c.p), int(c.q))                  # works for every ground type
    sp = [(K([sq(c) for c in reversed(x)]), K([sq(c) for c in reversed(y)])) for x, y in pairs]
    # sanity: the two products agree
    for (x, y), (u, v) in zip(kp[:5], sp[:5]):
        prod = F.components(F.mul(x, y))
        w = (u * v).to_list()
        w = [fmpq(int(QQ.numer(c)), int(QQ.denom(c))) for c in reversed(w)]
        w += [fmpq(0)] * (n - len(w))
        assert prod == w, "kernel and sympy products differ"
    res["mul"] = C.best_of(lambda: [F.mul(x, y) for x, y in kp]) / len(kp)
    res["smul"] = C.best_of(lambda: [u * v for u, v in sp]) / len(sp)
    res["sign"] = {}
    if a.no_sign:
        return res
    # ---- sign: element sets
    lo, hi = theta_interval(coeffs, max(a.ks) * 2 + 200)
    sets = {"random": [x for x, _ in pairs]}
    for k in a.ks:
        r = dyadic_near(fmpq_poly([0, 1]), lo, hi, k)
        step = fmpq(1, fmpz(2) ** (k + 4))       # both signs, all within about 2^-k of theta
        sets[f"r - theta, 2^-{k}"] = [[r + j * step, fmpq(-1)] + [fmpq(0)] * (n - 2)
                                      for j in range(-a.near_samples // 2, a.near_samples // 2)]
        dense = []
        for x, _ in pairs[:a.near_samples]:
            c = dyadic_near(fmpq_poly(x), lo, hi, k)
            dense.append([x[0] - c] + x[1:])
        sets[f"dense, 2^-{k}"] = dense
    # The first near-zero sign in a fresh field pays for refining the isolating interval.
    kmax = max(a.ks)
    G = AlgebraicField.declare("th", coeffs, fmpq(1), fmpq(2), big_budget())
    first = G.from_components(sets[f"r - theta, 2^-{kmax}"][0])
    t0 = C.clock()
    G.sign(first, big_budget())
    res["first"] = C.clock() - t0
    for x in sets[f"r - theta, 2^-{kmax}"]:             # warm F the same way
        F.sign(F.from_components(x), budget)
    exact = SympyExactSign(m, index)
    for name, elems in sets.items():
        kel = [F.from_components(x) for x in elems]
        truth = [F.sign(x, budget) for x in kel]
        tk = C.best_of(lambda: [F.sign(x, budget) for x in kel]) / len(kel)
        # sympy exact: warm its interval on the first element, then time each element once
        exact.sign(elems[0])
        got = []
        ts, ns = timed_each(lambda x: got.append(exact.sign(x)), elems, a.cap)
        assert got == truth[:len(got)], f"sympy exact sign disagrees with the kernel on {name}"
        # sympy.sign of an expression: time, and count wrong / undecided answers
        wrong = undecided = timeouts = 0
        tsum, nsum = 0.0, 0
        for x, s in zip(elems, truth):
            clear_cache()
            t0 = C.clock()
            try:
                v = with_timeout(lambda: sympy_sign_expr(x, root), a.expr_timeout)
            except _Timeout:
                v, timeouts = None, timeouts + 1
            tsum += C.clock() - t0
            nsum += 1
            if v in (-1, 0, 1):
                wrong += int(v) != s
            else:
                undecided += 1
            if tsum > a.cap:
                break
        clear_cache()
        res["sign"][name] = dict(kernel=tk, exact=ts, exact_n=ns, expr=tsum / nsum, expr_n=nsum,
                                 wrong=wrong, undecided=undecided, timeouts=timeouts)
    return res


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--degrees", type=int, nargs="+", default=[2, 5, 10, 20, 50])
    p.add_argument("--samples", type=int, default=200, help="random elements per degree")
    p.add_argument("--near-samples", type=int, default=20, help="dense near-zero elements")
    p.add_argument("--ks", type=int, nargs="+", default=[64, 1024],
                   help="near-zero elements have size about 2^-k")
    p.add_argument("--cap", type=float, default=10.0,
                   help="seconds spent per sympy timing at most (then fewer elements)")
    p.add_argument("--expr-timeout", type=float, default=5.0,
                   help="seconds after which one sympy.sign(expr) call counts as undecided")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-sign", action="store_true", help="only declare and mul")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--profile", action="store_true",
                   help="also profile the kernel's sign at degree 10 (cProfile)")
    a = p.parse_args(argv)
    if a.quick:
        a.degrees, a.samples, a.near_samples, a.ks, a.cap = [2, 10], 20, 4, [64, 256], 2.0
    from sympy.external.gmpy import GROUND_TYPES
    print(f"# bench/algebraic.py — {C.machine()}, sympy ground types {GROUND_TYPES}")
    print(f"command: python bench/algebraic.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    rng = random.Random(a.seed)
    results = []
    for n in a.degrees:
        t0 = C.clock()
        results.append(run_degree(n, a, rng))
        print(f"  degree {n} done in {C.clock() - t0:.1f} s CPU", file=sys.stderr)
    print("\n## Field declaration (verification) and multiplication\n")
    rows = []
    for r in results:
        rows.append([r["n"], C.secs(r["decl"]), C.secs(r["decl2"]), C.secs(r["sdecl"]),
                     C.secs(r["mul"]), C.secs(r["smul"]), C.ratio(r["smul"] / r["mul"])])
    print(C.table(["degree", "kernel declare t^n-t-1", "kernel declare t^n-2",
                   "sympy alg_field_from_poly", "kernel mul", "sympy ANP mul",
                   "mul: sympy / kernel"], rows))
    if a.no_sign:
        print(f"\nat the end: {C.load()}")
        return 0
    print("\n## Sign (per call; sympy exact = interval refinement + Sturm count_roots)\n")
    rows = []
    for r in results:
        for name, s in r["sign"].items():
            rows.append([r["n"], name, C.secs(s["kernel"]),
                         f"{C.secs(s['exact'])} (n={s['exact_n']})",
                         C.ratio(s["exact"] / s["kernel"]),
                         f"{'>' if s['timeouts'] else ''}{C.secs(s['expr'])} (n={s['expr_n']})",
                         ('>' if s['timeouts'] else '') + C.ratio(s["expr"] / s["kernel"]),
                         f"{s['wrong']} / {s['undecided']}"
                         + (f" ({s['timeouts']} timed out)" if s['timeouts'] else "")])
        rows.append([r["n"], f"first near-zero sign (2^-{max(a.ks)}), fresh field",
                     C.secs(r["first"]), "", "", "", "", ""])
    print(C.table(["degree", "elements", "kernel sign", "sympy exact", "exact / kernel",
                   "sympy.sign(expr)", "expr / kernel", "sympy.sign wrong / undecided"], rows))
    for r in results:
        if r["n"] != 10:
            continue
        ex = {name: s["exact"] / s["kernel"] for name, s in r["sign"].items()}
        worst = min(ex, key=ex.get)
        print(f"\ndegree 10, kernel sign vs sympy exact (Sturm): {C.ratio(min(ex.values()))} at "
              f"worst ({worst}), {C.ratio(max(ex.values()))} at best; target >= 100x "
              f"{'met on every set' if min(ex.values()) >= 100 else 'MISSED on: ' + ', '.join(k for k, v in ex.items() if v < 100)}")
        ok = {name: s["expr"] / s["kernel"] for name, s in r["sign"].items()
              if s["undecided"] == 0 and s["wrong"] == 0}
        bad = [name for name, s in r["sign"].items() if s["undecided"] or s["wrong"]]
        if ok:
            print(f"degree 10, kernel sign vs sympy.sign(expr) where it answered correctly: "
                  f"{C.ratio(min(ok.values()))} at worst; target >= 100x "
                  f"{'met' if min(ok.values()) >= 100 else 'MISSED'}; sympy.sign failed "
                  f"(wrong, undecided or timed out) on: {', '.join(bad) or 'none'}")
    print(f"\nat the end: {C.load()}")
    if a.profile:
        profile_sign(a)
    return 0


def profile_sign(a) -> None:
    n, coeffs = 10, selmer(10)
    F = AlgebraicField.declare("th", coeffs, fmpq(1), fmpq(2), big_budget())
    lo, hi = theta_interval(coeffs, 2 * max(a.ks) + 200)
    rng = random.Random(a.seed)
    dense = [F.from_components(rand_coords(rng, n)) for _ in range(200)]
    k = max(a.ks)
    r = dyadic_near(fmpq_poly([0, 1]), lo, hi, k)
    near = [F.from_components([r + j * fmpq(1, fmpz(2) ** (k + 4)), fmpq(-1)] + [fmpq(0)] * (n - 2))
            for j in range(-10, 10)]
    b = big_budget()
    for x in near:
        F.sign(x, b)
    C.profile(lambda: [F.sign(x, b) for _ in range(100) for x in dense], 8,
              "kernel sign, degree 10, 20,000 calls on random dense elements (warm)")
    C.profile(lambda: [F.sign(x, b) for _ in range(1000) for x in near], 8,
              f"kernel sign, degree 10, 20,000 calls on r - theta of size 2^-{k} (warm)")


if __name__ == "__main__":
    sys.exit(main())
