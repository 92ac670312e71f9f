"""The untrusted D-NNT solvers (checker/solvers): the exhaustive search and the dynamic program
of 002 Thm 1.6 agree on generated two-layer instances, and every certificate they emit is
accepted by the kernel (witnesses by evaluation, refutations by the kernel's own replay of the
enumeration).  As a control, the opposite claim is rejected on every instance.

Instances come from a seeded generator (deterministic, no shrinking needed): 1-2 inputs, 0-3
hidden neurons (identity / relu / threshold / custom activations), an output with weights,
skip edges and bias terms, several losses (built-in and custom), 1-4 data points with targets
planted from a random assignment (then kept, perturbed or replaced by `?`), γ = 0 or small,
parameter spaces of at most 1024 assignments, domains of 1-4 values.
"""
from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

import checker
from checker.solvers import (SolverError, certificate, dp, exhaustive, read_instance,
                             solve_text)

ROOT = Path(__file__).resolve().parents[1]
COUNT = 500
MAX_SPACE = 1024

VALUES = [Fraction(v) for v in (-2, -1, 0, 1, 2, 3, "1/2", "-1/2")]
INPUTS = [Fraction(v) for v in (-2, -1, 0, 1, 2, 3, "1/2")]
ACTS = {
    "identity": (None, lambda t: t),
    "relu": (None, lambda t: max(t, Fraction(0))),
    "threshold": (None, lambda t: Fraction(1 if t > 0 else 0)),
    "sq": ("activation sq(t) = t*t;", lambda t: t * t),
    "lrelu": ("activation lrelu(t) = max(t, t/2);", lambda t: max(t, t / 2)),
}
LOSSES = {
    "squared": ("loss squared;", lambda y, p: (y - p) ** 2),
    "absolute": ("loss absolute;", lambda y, p: abs(y - p)),
    "mse": ("loss mse;", lambda y, p: (y - p) ** 2),
    "lp3": ("loss lp 3;", lambda y, p: abs(y - p) ** 3),
    "l0": ("loss l0;", lambda y, p: Fraction(y != p)),
    "zero_one": ("loss zero_one;", lambda y, p: Fraction(y != p)),
    "custom": ("loss = if known(1) then abs(y(1) - p(1)) else 0;", lambda y, p: abs(y - p)),
}


def fmt(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


class Gen:
    """One random two-layer instance: text, plus a Fraction evaluator to plant targets."""

    def __init__(self, rng: random.Random, name: str):
        self.rng, self.name = rng, name
        self.params: dict[str, list[Fraction]] = {}

    def coef(self, allow_fixed: bool = True):
        """('param', name, sign) or ('fixed', value)."""
        rng = self.rng
        if allow_fixed and rng.random() < 0.25:
            return ("fixed", rng.choice(VALUES))
        name = f"p{len(self.params) + 1}"
        self.params[name] = rng.sample(VALUES, rng.choice([1, 2, 2, 3, 3, 4]))
        return ("param", name, rng.choice([1, 1, -1]))

    def term_text(self, c, source: str | None, first: bool) -> str:
        if c[0] == "param":
            sign, body = ("-" if c[2] < 0 else "+"), c[1]
        else:
            sign, body = ("-" if c[1] < 0 else "+"), fmt(abs(c[1]))
        body = body if source is None else f"{body}*{source}"
        if first:
            return body if sign == "+" else f"-{body}"
        return f"{sign} {body}"

    def shrink(self) -> None:
        """Drop domain values until the space has at most MAX_SPACE assignments."""
        def size():
            s = 1
            for v in self.params.values():
                s *= len(v)
            return s
        while size() > MAX_SPACE:
            big = max(self.params, key=lambda n: len(self.params[n]))
            self.params[big] = self.params[big][:-1]

    def build(self) -> tuple[str, str]:
        rng = self.rng
        d = rng.choice([1, 1, 2])
        xs = [f"x{i}" for i in range(1, d + 1)]
        k = rng.choice([0, 1, 1, 2, 2, 3, 3, 3])
        acts_used: set[str] = set()
        hidden = []          # (name, act, [(coef, src|None)])
        for j in range(1, k + 1):
            act = rng.choice(["identity", "relu", "relu", "threshold", "sq", "lrelu"])
            acts_used.add(act)
            terms = [(self.coef(), x) for x in xs if rng.random() < 0.85]
            terms += [(self.coef(), None) for _ in range(rng.choice([0, 1, 1, 2]))]
            hidden.append((f"h{j}", act, terms))
        out_terms = [(self.coef(), h) for h, _, _ in hidden if rng.random() < 0.9]
        out_terms += [(self.coef(), x) for x in xs if rng.random() < 0.15 or not hidden]
        out_terms += [(self.coef(), None) for _ in range(rng.choice([0, 0, 1]))]
        out_act = rng.choice(["identity"] * 4 + ["relu"])
        acts_used.add(out_act)
        self.shrink()
        loss_name = rng.choice(list(LOSSES))
        # plant targets from a random assignment
        chosen = {p: rng.choice(v) for p, v in self.params.items()}

        def val(c):
            return chosen[c[1]] * c[2] if c[0] == "param" else c[1]

        npts = rng.randint(1, 4)
        points = [[rng.choice(INPUTS) for _ in xs] for _ in range(npts)]
        targets = []
        for p in points:
            env = dict(zip(xs, p))
            for h, act, terms in hidden:
                env[h] = ACTS[act][1](sum((val(c) * (env[s] if s else 1) for c, s in terms),
                                          Fraction(0)))
            pre = sum((val(c) * (env[s] if s else 1) for c, s in out_terms), Fraction(0))
            targets.append(ACTS[out_act][1](pre))
        mode = rng.random()
        if mode < 0.45:
            i = rng.randrange(npts)
            targets[i] += rng.choice([Fraction(1), Fraction(-1), Fraction(1, 2), Fraction(5)])
        elif mode < 0.55:
            targets = [rng.choice(INPUTS) for _ in targets]
        shown = [fmt(t) for t in targets]
        if rng.random() < 0.15:
            shown[rng.randrange(npts)] = "?"
        gamma = rng.choice([Fraction(0)] * 6 + [Fraction(1, 2), Fraction(1), Fraction(-1)])
        lines = [f"nncert 1;", f"instance {self.name} : training {{",
                 f"  input {', '.join(xs)};"]
        lines += [f"  {ACTS[a][0]}" for a in sorted(acts_used) if ACTS[a][0]]
        for p, v in self.params.items():
            lines.append(f"  param {p} {{{', '.join(fmt(x) for x in v)}}};")
        for h, act, terms in hidden:
            body = " ".join(self.term_text(c, s, i == 0) for i, (c, s) in enumerate(terms))
            lines.append(f"  hidden {h} {act} = {body or '0'};")
        body = " ".join(self.term_text(c, s, i == 0) for i, (c, s) in enumerate(out_terms))
        lines.append(f"  output y {out_act} = {body or '0'};")
        lines += [f"  {LOSSES[loss_name][0]}", f"  gamma {fmt(gamma)};", "  data {"]
        lines += [f"    {' '.join(fmt(x) for x in p)} -> {t}" for p, t in zip(points, shown)]
        lines += ["  }", "}", "claims { }", "end", ""]
        return "\n".join(lines), loss_name


def instances(count: int, seed: int):
    rng = random.Random(seed)
    for i in range(count):
        yield Gen(rng, f"I{i}").build()[0]


def test_solvers_agree_and_every_certificate_is_accepted():
    stats = Counter()
    for text in instances(COUNT, seed=2025):
        block, inst = read_instance(text)
        assert dp.covers(inst) is None, text
        a = exhaustive.solve(inst)
        b = dp.solve(inst)
        assert (a is None) == (b is None), f"solvers disagree (exhaustive {a}, dp {b}):\n{text}"
        stats["yes" if a is not None else "no"] += 1
        for method, sol in (("exhaustive", a), ("dp", b)):
            cert = certificate(block, inst, sol, method)
            v = checker.check(cert)
            assert v.status == "ACCEPT", f"{method}: {v.status} {v.reason}\n{cert}"
            stats["accepted"] += 1
        # control: the opposite claim is rejected (a yes-instance is not refuted; a witness of
        # a no-instance, here every parameter at its first value, does not solve it)
        opposite = certificate(block, inst, None if a is not None else
                               {n: p.values[0] for n, p in inst.params.items()}, "control")
        assert checker.check(opposite).status == "REJECT", opposite
    print(f"\n{COUNT} instances: {stats['yes']} yes, {stats['no']} no; "
          f"{stats['accepted']} certificates accepted")
    assert stats["yes"] >= COUNT // 5 and stats["no"] >= COUNT // 5, stats


def test_unpruned_exhaustive_agrees_with_pruned():
    for text in instances(60, seed=7):
        _, inst = read_instance(text)
        assert (exhaustive.solve(inst, prune=False) is None) == (exhaustive.solve(inst) is None)


# ---- applicability and the text interface ---------------------------------------------------
DEEP = """nncert 1;
instance deep : training {
  input x;
  param a, b {0, 1};
  hidden g relu = a*x;
  hidden h relu = b*g;
  output y identity = h;
  loss squared;
  gamma 0;
  data {
    1 -> 1
  }
}
claims { }
end
"""

TWO_OUT = """nncert 1;
instance two : training {
  input x;
  param a {1, 2};
  param b {0, 1};
  output y1 identity = a*x;
  output y2 identity = b*x;
  loss squared;
  gamma 0;
  data {
    1 -> 2 1
  }
}
end
"""

REAL = DEEP.replace("param a, b {0, 1};", "param a real;\n  param b {0, 1};")

# a yes-instance whose second-layer weights matter: 002's FinalDP as printed (no weight on the
# edge (h, t)) would add +3 and never reach the target -3.
SECOND_LAYER = """nncert 1;
# a comment before the instance
instance neg : training {
  input x;
  param w {1, 3};      # first layer
  param v {-1};        # second layer
  hidden h relu = w*x;
  output y identity = v*h;
  loss absolute;
  gamma 0;
  data {
    1 -> -3
  }
}
witness other for neg { w = 1; v = -1; }
claims { solves(neg, other); }
end
"""


def test_dp_refuses_instances_it_does_not_cover():
    for text, words in ((DEEP, "one hidden layer"), (TWO_OUT, "output dimension 1"),
                        (REAL, "ranges over the reals")):
        _, inst = read_instance(text)
        assert words in dp.covers(inst)
        with pytest.raises(SolverError, match="does not cover"):
            solve_text(text, "dp")


def test_auto_falls_back_to_exhaustive_and_certificates_check():
    for text in (DEEP, TWO_OUT):
        cert = solve_text(text, "auto")
        assert "--method exhaustive" in cert
        assert checker.check(cert).status == "ACCEPT"
    with pytest.raises(SolverError, match="finite domains"):
        solve_text(REAL, "auto")


def test_second_layer_weights_and_text_kept_as_given():
    for method in ("dp", "exhaustive", "auto"):
        cert = solve_text(SECOND_LAYER, method)
        assert "param w {1, 3};      # first layer" in cert      # the instance as given
        assert "w = 3;" in cert and "v = -1;" in cert
        assert "witness other" not in cert
        assert checker.check(cert).status == "ACCEPT"


def test_no_training_instance():
    with pytest.raises(SolverError, match="no training instance"):
        solve_text("nncert 1;\ninstance e : etr { var x; formula x = 1; }\nclaims { }\nend\n")


def test_refutation_over_the_enumeration_budget_says_so_and_is_declined_not_accepted():
    text = """nncert 1;
instance big : training {
  input x;
  hidden h[7] identity from x weights {0, 1, 2, 3, 4, 5, 6, 7} bias {0};
  output y identity = h[1] + h[2] + h[3] + h[4] + h[5] + h[6] + h[7];
  loss squared;
  gamma 0;
  data {
    1 -> 1000
  }
}
end
"""
    cert = solve_text(text, "dp")                    # 8^7 > 10^6 assignments: the DP is fast
    assert "refutes(big)" in cert and "over the default --max-enumeration" in cert
    assert checker.check(cert).status == "DECLINE"


# ---- the command line ----------------------------------------------------------------------
def run(*args):
    proc = subprocess.run([sys.executable, "-m", "checker.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    return proc


def test_cli_solve(tmp_path):
    src = tmp_path / "in.nnc"
    src.write_text(SECOND_LAYER)
    out = tmp_path / "out.nnc"
    proc = run("solve", src, "-o", out, "--method", "dp")
    assert proc.returncode == 0 and "solves" in proc.stdout, proc.stderr
    assert run("check", out).returncode == 0
    proc = run("solve", src)                                     # to standard output
    assert proc.returncode == 0 and proc.stdout.startswith("nncert 1;")
    deep = tmp_path / "deep.nnc"
    deep.write_text(DEEP)
    proc = run("solve", deep, "--method", "dp")
    assert proc.returncode == 1 and "does not cover" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.nnc"
    bad.write_text("nncert 1;\ninstance t : training { input x; \nend\n")
    proc = run("solve", bad)
    assert proc.returncode == 1 and proc.stderr.startswith("nncert: ")
    assert run("solve", tmp_path / "missing.nnc").returncode == 3
    assert run("solve", src, "-o", tmp_path / "no" / "such" / "dir.nnc").returncode == 3
    assert run("solve", src, "--method", "magic").returncode == 3
