"""Resource budgets and the hard guard (docs/SOUNDNESS.md (Part I)).

* Estimates: a few hundred bytes asking for a huge polynomial power or product are DECLINED
  before the work, naming the budget (--max-terms, --max-bits), under `ulimit -v 4000000`.
* Guard: a document the estimates let through (an allowed but memory-hungry FLINT product)
  is run in a child with a memory limit; the child's abort becomes a DECLINE naming the
  resource, with exit status 2 -- never a crash without a verdict line, never an ACCEPT.
* The estimates are upper bounds: checked against the true sizes on small cases.
* The relay: only a complete, well-formed record from a child that exited 0 is relayed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from flint import fmpq, fmpq_mpoly_ctx

import checker
from checker.kernel.base.budget import Budget, Decline
from checker.kernel.base.polynomials import (PolynomialRing, RationalFunctions, ceil_log2,
                                             height, power_terms, product_terms)
from checker.kernel.judge import guard
from checker.kernel.judge.claims import Statement, Verdict

ROOT = Path(__file__).resolve().parents[1]
NNCERT = Path(sys.executable).parent / "nncert"
GOLDEN = ROOT / "certificates" / "examples" / "golden_ratio.nnc"

SUM8 = "a+b+c+d+e+f+g+h"
VARS8 = "a, b, c, d, e, f, g, h"


def refutation(multiplier: str) -> str:
    """A (false) Positivstellensatz refutation whose multiplier is `multiplier`."""
    return (f"nncert 1;\ninstance inv : etr {{ var {VARS8}; formula a*b = 1 and a + b = 3; }}\n"
            f"refutation nss for inv {{\n  multiply 1 by {multiplier};\n  square 0: 1, a;\n}}\n"
            f"claims {{ refutes(inv, nss); }}\nend\n")


def level2_goal(combination: str) -> str:
    ident = "; ".join(f"{v} = {v}" for v in VARS8.split(", "))
    return (f"nncert 1;\ninstance S : etr {{ var {VARS8}; formula a = 0 and b = 0; }}\n"
            f"instance T : etr {{ var {VARS8}; formula a*b = 1 and b = 0; }}\n"
            f"reduction R : S -> T {{\n  encode {{ {ident}; }}\n  decode {{ {ident}; }}\n"
            f"  forward {{ goal 1 by {combination}; goal 2 by hyp[2]; }}\n"
            f"  backward {{ goal 1 by hyp[1]; goal 2 by hyp[2]; }}\n}}\n"
            f"claims {{ corresponds(R); }}\nend\n")


FIELD_TOWER = ("nncert 1;\nfield t: t^2 - ((((3^400)^400)^400)^400) in (0, 1);\n"
               "instance q : etr { var x; formula x = t; }\nwitness w for q { x = t; }\n"
               "claims { solves(q, w); }\nend\n")

# within --max-terms (125970 terms) and --max-bits (about 1.2 million bits per coefficient),
# but about 19 GB in all: only the guard stops it
MEMORY_HOG = refutation(f"({SUM8}+(2^400)^250)^12")


def run_cli(tmp_path: Path, text: str, *flags: str, ulimit: bool = True):
    doc = tmp_path / "doc.nnc"
    doc.write_text(text)
    assert len(text.encode()) < 600                      # "a document of a few hundred bytes"
    cmd = f"{NNCERT} check {' '.join(flags)} {doc}"
    if ulimit:
        cmd = f"ulimit -v 4000000; {cmd}"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


# ---- the estimate path: DECLINE before the work ---------------------------------------------
@pytest.mark.parametrize("text, budget", [
    (FIELD_TOWER, "--max-bits"),
    (refutation(f"({SUM8})^150"), "--max-terms"),
    (level2_goal(f"({SUM8})^150*hyp[1]"), "--max-terms"),
    (refutation(" * ".join(f"({SUM8}+{i})^8" for i in range(1, 5))), "--max-terms"),
], ids=["field-tower", "positivstellensatz-power", "level2-goal-power", "product-chain"])
def test_estimate_declines_before_the_work(tmp_path, text, budget):
    proc = run_cli(tmp_path, text)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("DECLINE "), proc.stdout + proc.stderr
    assert budget in lines[0]
    assert proc.returncode == 2


def test_estimates_decline_in_process_too():
    """Without the guard the same documents decline (the estimates alone, no child)."""
    for text in (FIELD_TOWER, refutation(f"({SUM8})^150"), level2_goal(f"({SUM8})^150*hyp[1]")):
        v = checker.check(text)
        assert v.status == "DECLINE" and ("--max-terms" in v.reason or "--max-bits" in v.reason)


def test_smaller_budgets_decline_smaller_products(tmp_path):
    """The flags reach the rings: a modest power passes by default, not under --max-terms 100."""
    text = refutation(f"({SUM8})^3")                     # 120 terms; the identity is false
    assert checker.check(text).status == "REJECT"
    proc = run_cli(tmp_path, text, "--max-terms", "100")
    assert proc.stdout.startswith("DECLINE ") and "--max-terms" in proc.stdout
    assert proc.returncode == 2
    proc = run_cli(tmp_path, refutation(f"(2*a+3)^20"), "--max-bits", "20")
    assert proc.stdout.startswith("DECLINE ") and "--max-bits" in proc.stdout


# ---- the guard path: a child that runs out becomes a DECLINE naming the resource ----------
def test_guard_declines_what_the_estimates_let_through(tmp_path):
    proc = run_cli(tmp_path, MEMORY_HOG, "--max-memory", "400")
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("DECLINE "), proc.stdout + proc.stderr
    assert "400 MiB" in lines[0] or "memory" in lines[0]
    assert "aborted" in lines[0] or "exceeded" in lines[0]
    assert proc.returncode == 2


def test_guard_under_the_shell_limit_with_default_memory(tmp_path):
    """Default --max-memory (4096 MiB) above `ulimit -v`: the child takes the hard limit and
    either runs out of it or is killed by the wall clock (2 x 2 + 10 s) - a DECLINE either way."""
    proc = run_cli(tmp_path, MEMORY_HOG, "--max-seconds", "2")
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("DECLINE "), proc.stdout + proc.stderr
    assert any(w in lines[0] for w in ("wall clock", "memory", "aborted")), lines[0]
    assert proc.returncode == 2


def test_guard_wall_clock_kill():
    """A child that does not finish in time is killed; the verdict says so."""
    v = guard.check_guarded(refutation(f"({SUM8}+1)^12"), Budget(), wall_seconds=0.05)
    if v.status != "REJECT":        # a very fast machine may finish (the identity is false)
        assert v.status == "DECLINE" and "wall clock" in v.reason, v


def test_guard_relays_verdicts_and_api():
    assert checker.check(checker.load(GOLDEN), guard=True).status == "ACCEPT"
    v = checker.check_guarded(checker.load(GOLDEN))
    assert v == checker.check(checker.load(GOLDEN))
    assert checker.check_guarded(refutation(f"({SUM8})^2")).status == "REJECT"
    assert checker.check_guarded(MEMORY_HOG, max_memory_mib=400).status == "DECLINE"


def test_no_guard_flag_checks_in_process(tmp_path):
    proc = run_cli(tmp_path, refutation(f"({SUM8})^150"), "--no-guard")
    assert proc.stdout.startswith("DECLINE ") and proc.returncode == 2


# ---- the relay never makes an ACCEPT out of a failure ---------------------------------------
ACCEPT = Verdict("ACCEPT", "", None, (Statement("solves", ("ab" * 32,), "solves(I, W)"),),
                 fmpq(1, 2 ** 64), "seed 1")


def test_record_round_trip_and_malformed_records():
    data = guard.encode(ACCEPT)
    assert guard.decode(data) == ACCEPT
    for bad in (data[:-1], data[:len(data) // 2], b"", data + b" ", b"ACCEPT", data[1:],
                data.replace(b'"ACCEPT"', b'"ACCEPTED"'),
                data.replace(b'"status"', b'"state"')):
        assert guard.decode(bad) is None


def _fork_and_relay(monkeypatch, child) -> Verdict:
    """Run check_guarded with the child replaced by `child(w)`."""
    def fake_child(text, budget, memory, w):
        try:
            child(w)
        finally:
            os._exit(0)
    monkeypatch.setattr(guard, "_child", fake_child)
    return guard.check_guarded("", Budget(), wall_seconds=20)


def test_accept_record_then_abort_is_a_decline(monkeypatch):
    def child(w):
        os.write(w, guard.encode(ACCEPT))
        os.kill(os.getpid(), signal.SIGABRT)
    v = _fork_and_relay(monkeypatch, child)
    assert v.status == "DECLINE" and "signal 6" in v.reason


def test_accept_record_then_non_zero_exit_is_a_decline(monkeypatch):
    def child(w):
        os.write(w, guard.encode(ACCEPT))
        os._exit(1)
    assert _fork_and_relay(monkeypatch, child).status == "DECLINE"


def test_truncated_accept_is_a_decline(monkeypatch):
    v = _fork_and_relay(monkeypatch, lambda w: os.write(w, guard.encode(ACCEPT)[:-3]))
    assert v.status == "DECLINE" and "well-formed" in v.reason
    v = _fork_and_relay(monkeypatch, lambda w: None)
    assert v.status == "DECLINE" and "well-formed" in v.reason


def test_complete_accept_from_a_normal_exit_is_relayed(monkeypatch):
    """The twin: the relay does pass a good record (the tests above can fail)."""
    assert _fork_and_relay(monkeypatch, lambda w: os.write(w, guard.encode(ACCEPT))) == ACCEPT


# ---- the estimates are upper bounds ---------------------------------------------------------
CTX = fmpq_mpoly_ctx.get(("x", "y", "z"), "degrevlex")
X, Y, Z = CTX.gens()
SAMPLES = [X + Y + 1, X * Y - fmpq(3, 7) * Z + 2, (X + fmpq(1, 3)) * (Y - fmpq(5, 2)),
           X ** 3 + fmpq(1, 6) * Y ** 2 * Z - 12345678901234567890, Z - 1, 3 * X,
           (X + Y + Z) ** 2 - fmpq(1, 9)]


BIG = 10 ** 9       # the estimators stop counting once past their cap: ask with a high one


def coefficient_bits(p) -> int:
    return max(max(c.p.bit_length(), c.q.bit_length()) for c in p.coeffs())


def test_product_estimates_bound_the_truth():
    for a in SAMPLES:
        for b in SAMPLES:
            p = a * b
            da, db = list(a.degrees()), list(b.degrees())
            assert len(p) <= product_terms(len(a), len(b), da, db, BIG)
            assert coefficient_bits(p) <= height(a)[0] + height(b)[0] + ceil_log2(
                min(len(a), len(b)))


def test_power_estimates_bound_the_truth():
    for a in SAMPLES:
        for k in (2, 3, 5):
            p = a ** k
            assert len(p) <= power_terms(len(a), k, list(a.degrees()), a.total_degree(), BIG)
            assert coefficient_bits(p) <= k * (height(a)[0] + ceil_log2(len(a)))


def test_ring_operations_stay_exact():
    ring = PolynomialRing(["x", "y", "z"], Budget())
    a, b = SAMPLES[1], SAMPLES[3]
    assert ring.mul(a, b) == a * b and ring.power(a, 4, ring.budget) == a ** 4
    assert ring.divides(a * b, a) == b and ring.divides(a * b + 1, a) is None
    assert ring.divmod(a * b + 1, a) == divmod(a * b + 1, a)
    F = RationalFunctions(["x", "y", "z"], Budget())
    u, v = F.make(a * b, a * Z), F.lift(b)
    assert u == (b / b.leading_coefficient(), Z / b.leading_coefficient()) or F.is_zero(
        F.sub(F.mul(u, F.lift(Z)), v))
    assert F.power(F.div(v, F.lift(Z)), -2, F.budget) == F.make(Z ** 2, b ** 2)


def test_ring_budget_declines_before_flint():
    ring = PolynomialRing(["x", "y", "z"], Budget(max_terms=50))
    with pytest.raises(Decline, match="--max-terms"):
        ring.power(X + Y + Z + 1, 10, ring.budget)
    with pytest.raises(Decline, match="--max-terms"):
        ring.mul((X + Y + Z + 1) ** 3, (X - Y + Z + 2) ** 3)
    small = PolynomialRing(["x", "y", "z"], Budget(max_bits=64))
    with pytest.raises(Decline, match="--max-bits"):
        small.power(X + 2 ** 40, 3, small.budget)
