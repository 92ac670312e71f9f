"""The 003 chain ETR-INV → ETR-INV-EQ → RESTRICTED TRAINING → NN-TRAINING (issue: ∃R end to
end): shipped examples are what `nncert reduce` writes, every corrected stage is accepted on
generated sources, and changing one data point, label or map entry of a chain certificate makes
the kernel reject it."""
from __future__ import annotations

import random
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker
from checker.reductions import eq_to_restricted, etr_inv_to_eq, etr_inv_to_nnt, restricted_to_nnt
from checker.reductions.etr_inv_to_eq import EtrInv, EtrInvEq
from checker.reductions.twolayer import Net, Point

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"golden": "003_golden_etr_inv.nnc", "degree4": "003_degree4_etr_inv.nnc",
           "refuted": "003_refuted_etr_inv.nnc"}


def reduce(source: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker.cli", "reduce", "etr-inv-to-nnt",
                           str(source), "-o", str(out)], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_shipped_example_is_what_reduce_writes(name, tmp_path):
    proc = reduce(ROOT / "certificates" / "sources" / SOURCES[name], tmp_path / "out.nnc")
    assert proc.returncode == 0, proc.stderr
    shipped = (ROOT / "certificates" / "examples" / f"003_thm2_{name}.nnc").read_text()
    assert (tmp_path / "out.nnc").read_text() == shipped
    assert checker.check(shipped).status == "ACCEPT"


def test_reduce_refuses_a_formula_that_is_not_etr_inv(tmp_path):
    src = tmp_path / "bad.nnc"
    src.write_text("nncert 1;\ninstance E : etr { var x; formula x*x = 2; }\n"
                   "witness w for E { x = 1; }\nclaims { solves(E, w); }\nend\n")
    proc = reduce(src, tmp_path / "out.nnc")
    assert proc.returncode == 1 and "x + y = z" in proc.stderr and "Traceback" not in proc.stderr


# ---- single changes of a chain certificate are rejected --------------------------------------
CHAIN = etr_inv_to_nnt.certificate(EtrInv(("x", "y", "w"), (
    ("inv", "x", "y"), ("add", "y", "w", "x"), ("inv", "w", "w"))), "corrected")


def _block(text: str, header: str) -> tuple[int, int]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    end = next(i for i in range(start, len(lines)) if lines[i] == "}")
    return start, end


def _neutral(lines: list[str], start: int, end: int, line: str) -> bool:
    m = re.match(r"    (?:r|B_n)(\d+) = \d;$", line)
    return bool(m) and f"    t{m.group(1)} = -(0);" in lines[start:end]


def _mutants(rng: random.Random):
    lines = CHAIN.splitlines()
    for instance in ("instance S2 ", "instance S3 "):
        start, end = _block(CHAIN, instance)
        rows = [i for i in range(start, end) if "->" in lines[i]]
        for i in rng.sample(rows, 10):
            left, right = lines[i].split("->")
            targets = right.split("#")[0].split()
            k = next(j for j, t in enumerate(targets) if t != "?")
            targets[k] = "1" if targets[k] == "0" else "0"
            yield f"{instance}label of row {i}", i, f"{left}-> {' '.join(targets)}"
            ins = left.split()
            ones = [j for j, x in enumerate(ins) if x == "1"]
            if ones:
                ins[ones[0]] = "0"
                yield f"{instance}input of row {i}", i, f"    {' '.join(ins)} ->{right}"
    for reduction in ("reduction R1 ", "reduction R2 ", "reduction R3 "):
        start, end = _block(CHAIN, reduction)
        # r_k and B_nk of a '?' gadget whose t_k = -(0) only ever meet t_k = 0: skip them
        entries = [i for i in range(start, end) if re.match(r"    \w+ = .*;$", lines[i])
                   and not _neutral(lines, start, end, lines[i])]
        for i in rng.sample(entries, min(8, len(entries))):
            name, value = lines[i].strip().rstrip(";").split(" = ", 1)
            yield f"{reduction}map entry {name}", i, f"    {name} = ({value}) + 1;"


def test_the_chain_is_accepted():
    assert checker.check(CHAIN).status == "ACCEPT"


MUTANTS = list(_mutants(random.Random(3)))


@pytest.mark.parametrize("what,line,replacement", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_a_single_change_is_rejected(what, line, replacement):
    lines = CHAIN.splitlines()
    assert lines[line] != replacement
    lines[line] = replacement
    verdict = checker.check("\n".join(lines) + "\n")
    assert verdict.status == "REJECT", (what, verdict.status, verdict.reason)


# ---- generated sources: every corrected stage is accepted -------------------------------------
NAMES = ("x1", "x2", "x3", "x4")
addition = st.tuples(st.just("add"), *[st.sampled_from(NAMES)] * 3)
inversion = st.tuples(st.just("inv"), st.sampled_from(NAMES), st.sampled_from(NAMES))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(addition, inversion), min_size=1, max_size=6))
def test_etr_inv_to_eq_corrected_corresponds(constraints):
    src = EtrInv(NAMES, tuple(constraints))
    verdict = checker.check(etr_inv_to_eq.certificate(src, "corrected"))
    assert verdict.status == "ACCEPT", verdict.reason


term = st.tuples(st.sampled_from(NAMES[:3]), st.sampled_from((1, -1)))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(term, term, term), min_size=1, max_size=4))
def test_eq_to_restricted_corrected_corresponds(constraints):
    nonzero = frozenset(v for c in constraints for v, e in c if e == -1)
    src = EtrInvEq(NAMES[:3], nonzero, tuple(constraints))
    verdict = checker.check(eq_to_restricted.certificate(src, "corrected"))
    assert verdict.status == "ACCEPT", verdict.reason


def test_restricted_to_nnt_on_a_built_instance_and_theorem2_claims():
    src = EtrInvEq(("x", "z"), frozenset({"x"}), ((("x", -1), ("z", 1), ("x", 1)),))
    net, _ = eq_to_restricted.reduce(src, "corrected")
    assert checker.check(restricted_to_nnt.certificate(net, "corrected")).status == "ACCEPT"
    final, _ = restricted_to_nnt.reduce(net, "corrected")
    assert restricted_to_nnt.theorem2_violations(final, 3) == []


def test_theorem2_check_sees_a_prescribed_minus_one():
    """A prescribed weight −1 on an outgoing edge makes §3.9's fixing point carry target −1."""
    net = Net(["u"], ["m"], ["a"], {("u", "m"): "w", ("m", "a"): -1},
              points=[Point({"u": 1}, {"a": 0})])
    final, _ = restricted_to_nnt.reduce(net, "corrected")
    assert any("outside {0, 1}" in p for p in restricted_to_nnt.theorem2_violations(final, 1))


def test_a_shared_input_cannot_fix_an_incoming_edge():
    net = Net(["u"], ["m", "k"], ["a"], {("u", "m"): 1, ("u", "k"): "w", ("m", "a"): "v",
                                         ("k", "a"): "t"},
              points=[Point({"u": 1}, {"a": 0})])
    with pytest.raises(ValueError, match="feeds several neurons"):
        restricted_to_nnt.reduce(net, "corrected")


@pytest.mark.parametrize("name", ["etr-inv-to-eq", "eq-to-restricted", "etr-inv-to-nnt"])
def test_audit_printed_fails_and_corrected_is_clean(name, tmp_path):
    from checker.audit import audit
    assert audit(name, 8, 1, "corrected", tmp_path) == 0
    assert audit(name, 8, 1, "printed", tmp_path) > 0
    assert list(tmp_path.glob("*-printed-seed1.nnc"))


def test_the_stages_chain_on_the_command_line(tmp_path):
    """Each stage reads the previous stage's output: its first instance of the right shape."""
    src = ROOT / "certificates" / "sources" / "003_refuted_etr_inv.nnc"
    for stage, out in (("etr-inv-to-eq", "r1.nnc"), ("eq-to-restricted", "r2.nnc"),
                       ("restricted-to-nnt", "r3.nnc")):
        proc = subprocess.run([sys.executable, "-m", "checker.cli", "reduce", stage, str(src),
                               "-o", str(tmp_path / out)], capture_output=True, text=True,
                              cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        src = tmp_path / out
        assert checker.check(checker.load(src)).status == "ACCEPT"


def test_audit_count_must_be_positive():
    proc = subprocess.run([sys.executable, "-m", "checker.cli", "audit", "etr-inv-to-nnt",
                           "--count", "0"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 3 and "--count" in proc.stderr


def test_parameter_names_of_the_source_do_not_decide_roles():
    """A free weight named like a new parameter (r1, z1_m) keeps its own value; a clash with a
    name the construction needs is refused."""
    with pytest.raises(ValueError, match="already used"):
        restricted_to_nnt.reduce(Net(["u"], ["m"], ["a"], {("u", "m"): "z1_m", ("m", "a"): 1},
                                     points=[Point({"u": 1}, {"a": Fraction(1)})]), "corrected")
    renamed = Net(["u"], ["m"], ["a"], {("u", "m"): "rate", ("m", "a"): 1},
                  points=[Point({"u": 1}, {"a": Fraction(1)})])
    assert checker.check(restricted_to_nnt.certificate(renamed, "corrected")).status == "ACCEPT"
