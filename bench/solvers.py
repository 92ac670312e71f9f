"""The D-NNT solvers: exhaustive search vs the dynamic program of 002 Thm 1.6, as instances grow.

    python bench/solvers.py            # the full sweeps (a few minutes on 2 cores)
    python bench/solvers.py --quick    # small sizes, a smoke run (seconds)

Instances (seeded): one input x; k hidden relu neurons h_j = relu(w_j*x + b_j) with w_j, b_j in
a domain of D integers centred on 0; output y = sum_j v_j*h_j with v_j in {-1, 1}; n data
points with distinct integer inputs; squared loss; gamma 0.  The parameter space has
(2*D^2)^k assignments.

* "no" rows: the target of one point is unreachable (10^6), so every method must exhaust its
  space (the worst case of the exhaustive search; the DP always builds its full tables).
* "yes" rows: targets planted from a random assignment (time to the first solution).

Columns: the space size; the exhaustive search with its exact pruning (dead neurons, repeated
neuron value vectors; `exhaustive.search(prune=True)`), without it (every assignment, as the
kernel's replay does), the DP, and the DP's table sizes (states of the hidden-neuron tables
summed / states of the final table, which a yes-instance leaves incomplete).  On no-instances a search whose time, predicted from the previous
rows of its sweep, is over --cap seconds is skipped ("-"); any search is stopped after --cap
seconds (wall clock; "> cap").  Every row asserts that all methods that ran agree.  Times are CPU seconds of
this process.  With --kernel, also the kernel's check of the emitted certificate (a refutation is
replayed over the whole space; only for spaces up to --kernel-max).
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import signal
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import checker                                           # noqa: E402
from checker.solvers import certificate, dp, exhaustive, read_instance   # noqa: E402

clock = time.process_time


def instance(k: int, D: int, n: int, yes: bool, rng: random.Random) -> str:
    dom = list(range(-(D // 2), D - D // 2))
    xs = list(range(1, n + 1))
    chosen = [(rng.choice(dom), rng.choice(dom), rng.choice([-1, 1])) for _ in range(k)]
    if yes:
        targets = [sum(v * max(0, w * x + b) for w, b, v in chosen) for x in xs]
    else:
        targets = [10 ** 6] + [0] * (n - 1)
    d = "{" + ", ".join(map(str, dom)) + "}"
    lines = ["nncert 1;", "instance B : training {", "  input x;"]
    for j in range(1, k + 1):
        lines += [f"  param w{j}, b{j} {d};", f"  param v{j} {{-1, 1}};",
                  f"  hidden h{j} relu = w{j}*x + b{j};"]
    body = " + ".join(f"v{j}*h{j}" for j in range(1, k + 1)) or "0"
    lines += [f"  output y identity = {body};", "  loss squared;", "  gamma 0;", "  data {"]
    lines += [f"    {x} -> {t}" for x, t in zip(xs, targets)]
    lines += ["  }", "}", "claims { }", "end", ""]
    return "\n".join(lines)


def timed(fn):
    t = clock()
    r = fn()
    return r, clock() - t


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def row(k, D, n, yes, args, rng, rates, exhaustive_too=True):
    text = instance(k, D, n, yes, rng)
    block, inst = read_instance(text)
    space = (2 * D * D) ** k
    cells = {"k": k, "D": D, "n": n, "space": str(space) if space < 10 ** 7 else f"{space:.2e}"}
    answers = {}

    def maybe(name, fn):
        rate = rates.get(name)
        if name != "dp" and rate is not None and not yes and space * rate > args.cap:
            cells[name] = "-"                          # predicted from earlier rows: too long
            return None
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(max(1, int(args.cap)))
        try:
            sol, t = timed(fn)
        except _Timeout:
            cells[name] = f"> {args.cap:g}"
            return None
        finally:
            signal.alarm(0)
        answers[name] = sol is not None
        cells[name] = f"{t:.3g}"
        if not yes and t > 0.05:
            rates[name] = max(rates.get(name, 0), t / space)   # CPU s per assignment
        return sol

    stats = dp.Stats()
    sol = maybe("dp", lambda: dp.search(inst, stats=stats))
    cells["dp states"] = f"{stats.hidden_states} / {stats.final_states}" if "dp" in answers else "-"
    if exhaustive_too:
        maybe("exh", lambda: exhaustive.search(inst, True)[0])
        maybe("exh naive", lambda: exhaustive.search(inst, False)[0])
    else:
        cells["exh"] = cells["exh naive"] = "n/a"
    assert len(set(answers.values())) <= 1, (answers, text)
    if args.kernel:
        if space <= args.kernel_max or sol is not None:
            v, t = timed(lambda: checker.check(certificate(block, inst, sol, "dp")))
            assert v.status == "ACCEPT", (v.status, v.reason)
            cells["kernel"] = f"{t:.3g}"
        else:
            cells["kernel"] = "-"
    cells["answer"] = ({True: "yes", False: "no"}[answers["dp"]] if "dp" in answers else
                       {True: "yes", False: "no"}[next(iter(answers.values()))] if answers
                       else "?")
    return cells


def table(title, rows, cols):
    print(f"\n### {title}\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    sys.stdout.flush()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cap", type=float, default=30.0,
                   help="skip a search predicted to take longer (CPU s, default %(default)s)")
    p.add_argument("--kernel", action="store_true", help="also time the kernel's check")
    p.add_argument("--kernel-max", type=int, default=50_000,
                   help="largest space whose refutation the kernel replays (default %(default)s)")
    args = p.parse_args(argv)
    import flint
    print(f"Python {platform.python_version()}, python-flint {flint.__version__}, "
          f"{os.cpu_count()} cores; CPU seconds (time.process_time); load "
          f"{os.getloadavg()[0]:.2f}")
    rng = random.Random(args.seed)
    if args.quick:
        sweeps = [("hidden neurons k (D = 3, n = 3)", [(k, 3, 3) for k in range(1, 4)], True),
                  ("domain size D (k = 2, n = 3)", [(2, D, 3) for D in (2, 4, 6)], True),
                  ("data points n (k = 2, D = 3)", [(2, 3, n) for n in (1, 3, 5)], True)]
    else:
        sweeps = [("hidden neurons k (D = 3, n = 3)", [(k, 3, 3) for k in range(1, 9)], True),
                  ("domain size D (k = 3, n = 3)", [(3, D, 3) for D in (2, 3, 4, 5, 6, 8, 10)],
                   True),
                  ("data points n (k = 3, D = 4)", [(3, 4, n) for n in (1, 2, 3, 4, 6, 8)], True),
                  ("k at scale, DP only (D = 4, n = 4)", [(k, 4, 4) for k in (8, 16, 32, 64)],
                   False)]
    cols = ["k", "D", "n", "space", "answer", "exh naive", "exh", "dp", "dp states"]
    if args.kernel:
        cols.append("kernel")
    for yes in (False, True):
        for title, sizes, both in sweeps:
            rates: dict = {}
            rows = [row(k, D, n, yes, args, rng, rates, both) for k, D, n in sizes]
            table(f"{'yes' if yes else 'no'}-instances, growing {title}", rows, cols)
    return 0


if __name__ == "__main__":
    sys.exit(main())
