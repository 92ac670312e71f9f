"""Shared helpers of the benchmarks: timing, seeded random numbers, table printing.

Benchmarks print tables and ratios measured in one run.  They are never unit tests: a
timing assertion would make the test suite depend on the machine.
"""
from __future__ import annotations

import os
import platform
import random
import sys
import time
from contextlib import contextmanager
from fractions import Fraction

# `python bench/NAME.py` from the repository root puts bench/ first on sys.path; make the
# checker importable even when the package is not installed.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


# Every time measured here is CPU time of this process (single-threaded Python and FLINT): the
# machine may be shared, and CPU time is much less disturbed by other processes than wall time.
clock = time.process_time


def load() -> str:
    """The 1/5/15-minute load averages: other processes on the machine, if above ~1."""
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    import flint
    import lark
    import sympy
    return (f"Python {platform.python_version()}, python-flint {flint.__version__}, "
            f"sympy {sympy.__version__}, lark {lark.__version__}, {os.cpu_count()} cores, "
            f"{platform.machine()}; checker sources sha256 {checker_digest()}\n"
            f"times are CPU seconds of this process (time.process_time); at the start: {load()}")


def checker_digest() -> str:
    """sha256 (first 12 hex digits) of checker/**/*.py and the grammar: which kernel was timed."""
    import hashlib
    h = hashlib.sha256()
    for sub in ("checker", "grammar"):
        for dirpath, dirnames, filenames in sorted(os.walk(os.path.join(ROOT, sub))):
            dirnames.sort()
            for f in sorted(filenames):
                if f.endswith((".py", ".lark")):
                    path = os.path.join(dirpath, f)
                    h.update(os.path.relpath(path, ROOT).encode())
                    with open(path, "rb") as fh:
                        h.update(fh.read())
    return h.hexdigest()[:12]


class Timer:
    """`with T("name"): ...` records the wall time of the block under that name."""

    def __init__(self):
        self.t: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        with quiet_heap():
            start = clock()
            try:
                yield
            finally:
                self.t[name] = clock() - start


@contextmanager
def quiet_heap():
    """Collect, then freeze the objects alive now (the benchmark's own data: generated
    networks, baselines' results) so that the garbage collector does not traverse them during
    the timed block; objects the timed code creates are collected as usual.  A real
    `nncert check` has no such foreign objects in its heap."""
    import gc
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def best_of(fn, repeat: int = 3, min_time: float = 0.2) -> float:
    """Seconds per call of fn(): the best of `repeat` batches, each at least `min_time` long."""
    n, best = 1, float("inf")
    while True:                                  # calibrate the batch size
        t0 = clock()
        for _ in range(n):
            fn()
        dt = clock() - t0
        if dt >= min_time or n >= 1 << 20:
            break
        n *= 4 if dt < min_time / 8 else 2
    best = dt / n
    for _ in range(repeat - 1):
        t0 = clock()
        for _ in range(n):
            fn()
        best = min(best, (clock() - t0) / n)
    return best


def small_fraction(rng: random.Random, num: int = 10, den: int = 10) -> Fraction:
    """p/q with |p| <= num, 1 <= q <= den."""
    return Fraction(rng.randint(-num, num), rng.randint(1, den))


def fmt_q(q: Fraction) -> str:
    """A row numeral: `3`, `-3`, `3/4`, `-3/4`."""
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def fmt_expr_q(q: Fraction) -> str:
    """A rational as an expression of the language (no '-' inside a fraction literal)."""
    return fmt_q(q)          # `-3/4` parses as -(3/4) in an expression


def secs(x: float) -> str:
    if x >= 100:
        return f"{x:.0f} s"
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 1e-3:
        return f"{x * 1e3:.1f} ms"
    return f"{x * 1e6:.1f} us"


def table(headers: list[str], rows: list[list]) -> str:
    """A GitHub-markdown table."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    return "\n".join(out)


def ratio(x: float) -> str:
    """A speed ratio: 3 significant digits at most, never shown as 0x."""
    if x >= 100:
        return f"{x:.0f}x"
    if x >= 10:
        return f"{x:.1f}x" if x < 20 else f"{x:.0f}x"
    return f"{x:.2f}x"


def profile(fn, top: int = 12, title: str = "") -> None:
    """Run fn() under cProfile and print the `top` entries by own time (paths shortened)."""
    import cProfile
    import io
    import pstats
    pr = cProfile.Profile()
    pr.enable()
    fn()
    pr.disable()
    s = io.StringIO()
    st = pstats.Stats(pr, stream=s)
    st.sort_stats("tottime").print_stats(top)
    text = s.getvalue().replace(ROOT + os.sep, "")
    text = "\n".join(l for l in text.splitlines()
                     if l.strip() and not l.lstrip().startswith(("Ordered by", "List reduced")))
    text = text.replace(os.path.dirname(os.__file__) + os.sep, "")
    import site
    for p in site.getsitepackages():
        text = text.replace(p + os.sep, "")
    print(f"\nprofile{': ' + title if title else ''} (cProfile, sorted by own time; "
          f"profiling slows Python code down)\n```")
    print(text)
    print("```")
