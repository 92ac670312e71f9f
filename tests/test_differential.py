"""Differential tests: the kernel against the slow, independent reference evaluator.

Random training instances (tests/gen.py) are rendered to nncert text and checked by
`checker.check`; the same instance, as a Python description, is evaluated by
`tests/reference/evaluator.py` (Fractions, and a from-scratch real algebraic field).  The kernel
must ACCEPT exactly when the reference says the witness solves the instance, and a REJECT must
come from the judgment of the claim (not from a malformed document): for the reason the
reference found (total loss over gamma, or an invalid witness).

Example counts (sum 760) are tuned to run in well under a minute on 2 cores.
"""
from __future__ import annotations

import ast as pyast
import pathlib
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import note as _note
from hypothesis.errors import InvalidArgument

import checker
import gen
from reference.evaluator import (
    Coef, Instance, Neuron, Param, Point, RealField, evaluate, sign,
)

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])


def note(text: str) -> None:
    """hypothesis.note inside a generated test; nothing in a plain one."""
    try:
        _note(text)
    except InvalidArgument:
        pass


def kernel(text: str):
    return checker.check(checker.load(text))


def describe(text: str, ref, verdict) -> str:
    return (f"\n--- document ---\n{text}\n--- reference: solves={ref.solves} total={ref.total!r} "
            f"{ref.reason}\n--- kernel: {verdict.status} {verdict.loc} {verdict.reason}")


def assert_agrees(text: str, inst: Instance, assignment: dict):
    """The kernel's verdict on `text` equals the reference's decision on (inst, assignment)."""
    ref = evaluate(inst, assignment)
    verdict = kernel(text)
    info = describe(text, ref, verdict)
    note(info)
    assert verdict.status in ("ACCEPT", "REJECT"), info
    assert verdict.status == ("ACCEPT" if ref.solves else "REJECT"), info
    if verdict.status == "REJECT":
        # The document was well formed and the claim was judged: the reject is the claim's.
        assert len(verdict.claims) == 1 and verdict.claims[0].kind == "solves", info
        assert verdict.reason.startswith("solves(I, W)"), info
        if ref.total is not None:                  # the reference: total loss > gamma
            assert "gamma" in verdict.reason, info
        else:                                      # the reference: an invalid witness
            assert "gamma" not in verdict.reason, info
    return ref, verdict


def check_case(case: gen.Case):
    note(f"gamma: {case.gamma_mode}; {', '.join(case.notes)}")
    return assert_agrees(case.text, case.instance, case.assignment)


# ---------------------------------------------------------------- generated instances
@settings(max_examples=300, **SETTINGS)
@given(gen.cases())
def test_rational_witnesses(case):
    check_case(case)


@settings(max_examples=150, **SETTINGS)
@given(gen.cases("phi"))
def test_golden_ratio_witnesses(case):
    check_case(case)


@settings(max_examples=150, **SETTINGS)
@given(gen.cases("cr"))
def test_cube_root_witnesses(case):
    check_case(case)


@settings(max_examples=80, **SETTINGS)
@given(gen.planted())
def test_planted_witness_is_accepted(case):
    ref, verdict = check_case(case)
    assert ref.total == 0 and ref.solves            # the generator's promise
    assert verdict.status == "ACCEPT"


@settings(max_examples=80, **SETTINGS)
@given(gen.planted_pairs())
def test_perturbed_twin_is_rejected_unless_it_still_fits(pair):
    case, twin = pair
    _, verdict = check_case(case)
    assert verdict.status == "ACCEPT"
    ref, verdict = check_case(twin)
    if not ref.solves:
        assert verdict.status == "REJECT"


# ---------------------------------------------------------------- named cases
PHI = gen.FIELDS["phi"]
CR = gen.FIELDS["cr"]


def _doc(field_decl: str, body: str, witness: str) -> str:
    return (f"nncert 1;\n{field_decl}\ninstance I : training {{\n{body}\n}}\n"
            f"witness W for I {{\n{witness}\n}}\nclaims {{\n  solves(I, W);\n}}\nend\n")


def _relu_instance(gamma: Fraction, loss: str = "absolute") -> Instance:
    """o = relu(w * x); one point x = 1 with target 0: the loss is |relu(w)|."""
    return Instance(["x"], [Neuron("o", "output", "relu", [("x", Coef(param="w"))], [])],
                    [Param("w")], [Point([Fraction(1)], [Fraction(0)])], loss, gamma)


@pytest.mark.parametrize("gamma, expected", [("1.3819", "REJECT"), ("1.3821", "ACCEPT")])
def test_relu_of_three_minus_phi(gamma, expected):
    """3 - phi = 1.3819...: sympy's AlgebraicField calls it 'not positive'; a relu that
    believed that would output 0 and accept every gamma >= 0."""
    text = _doc(PHI.declaration(), "  input x;\n  param w real;\n  output o relu = w*x;\n"
                f"  loss absolute;\n  gamma {gamma};\n  data {{\n    1 -> 0\n  }}",
                "  w = 3 - phi;")
    inst = _relu_instance(Fraction(gamma))
    ref, verdict = assert_agrees(text, inst, {"w": PHI(3, -1)})
    assert verdict.status == expected


@pytest.mark.parametrize("w, expected", [("cr - 5/4", "ACCEPT"), ("cr - 126/100", "REJECT")])
def test_threshold_near_cube_root_of_two(w, expected):
    """cr = 1.25992...: threshold(cr - 5/4) = 1 fits target 1; threshold(cr - 1.26) = 0 not."""
    text = _doc(CR.declaration(), "  input x;\n  param w real;\n  output o threshold = w*x;\n"
                "  loss squared;\n  gamma 0;\n  data {\n    1 -> 1\n  }", f"  w = {w};")
    c0 = Fraction(-5, 4) if "5/4" in w else Fraction(-126, 100)
    inst = Instance(["x"], [Neuron("o", "output", "threshold", [("x", Coef(param="w"))], [])],
                    [Param("w")], [Point([Fraction(1)], [Fraction(1)])], "squared", Fraction(0))
    ref, verdict = assert_agrees(text, inst, {"w": CR(c0, 1)})
    assert verdict.status == expected


@pytest.mark.parametrize("act, value", [("relu", 0), ("threshold", 0), ("identity", 0)])
def test_exact_kink_with_irrational_bias(act, value):
    """w*x + b with w = phi, b = -phi at x = 1: exactly 0, so relu and threshold give 0."""
    text = _doc(PHI.declaration(), f"  input x;\n  param w, b real;\n  output o {act} = w*x + b;\n"
                "  loss squared;\n  gamma 0;\n  data {\n    1 -> 0\n  }", "  w = phi;\n  b = -phi;")
    inst = Instance(["x"], [Neuron("o", "output", act, [("x", Coef(param="w"))],
                                   [Coef(param="b")])],
                    [Param("w"), Param("b")], [Point([Fraction(1)], [Fraction(value)])],
                    "squared", Fraction(0))
    _, verdict = assert_agrees(text, inst, {"w": PHI(0, 1), "b": PHI(0, -1)})
    assert verdict.status == "ACCEPT"


def test_golden_ratio_example():
    """certificates/examples/golden_ratio.nnc, described by hand, agrees with the kernel."""
    path = pathlib.Path(__file__).resolve().parents[1] / "certificates/examples/golden_ratio.nnc"
    one, zero = Fraction(1), Fraction(0)
    inst = Instance(
        ["x", "z"],
        [Neuron("h", "hidden", "identity", [("x", Coef(param="a")), ("z", Coef(value=one))], []),
         Neuron("k", "hidden", "identity", [("z", Coef(param="b2"))], []),
         Neuron("o1", "output", "identity", [("h", Coef(param="b")), ("k", Coef(value=-one))],
                []),
         Neuron("o3", "output", "identity", [("h", Coef(value=one)), ("k", Coef(value=-one))],
                [])],
        [Param("a"), Param("b"), Param("b2")],
        [Point([one, zero], [one, None]), Point([zero, one], [zero, None]),
         Point([one, one], [None, Fraction(2)])],
        "squared", Fraction(0))
    F = RealField("phi", [-1, -1, 1], 1, 2)
    good = {"a": F(0, 1), "b": F(-1, 1), "b2": F(-1, 1)}
    assert evaluate(inst, good).solves and evaluate(inst, good).total.rep == []
    assert kernel(path.read_text()).status == "ACCEPT"
    bad = dict(good, a=F(1, 1))
    assert not evaluate(inst, bad).solves


def test_zero_data_points():
    text = _doc("", "  input x;\n  param w {1};\n  output o relu = w*x;\n  loss l0;\n  gamma 0;\n"
                "  data {\n  }", "  w = 1;")
    inst = Instance(["x"], [Neuron("o", "output", "relu", [("x", Coef(param="w"))], [])],
                    [Param("w", (Fraction(1),))], [], "l0", Fraction(0))
    _, verdict = assert_agrees(text, inst, {"w": Fraction(1)})
    assert verdict.status == "ACCEPT"


# ---------------------------------------------------------------- the reference itself
def test_reference_signs():
    assert sign(PHI(3, -1)) == 1                     # 3 - phi > 0 (sympy gets this wrong)
    assert sign(PHI(-1, 1) * PHI(0, 1) - 1) == 0     # (phi - 1) * phi = 1
    assert sign(PHI(1, -1) + PHI(0, 1) - 1) == 0
    assert sign(CR(0, 1) * CR(0, 1) * CR(0, 1) - 2) == 0
    assert sign(CR(Fraction(-5, 4), 1)) == 1 and sign(CR(Fraction(-126, 100), 1)) == -1
    # phi - 1/phi = 1 exactly; phi^20 is F(20) phi + F(19) = 6765 phi + 4181
    p = PHI(0, 1)
    acc = PHI(1)
    for _ in range(20):
        acc = acc * p
    assert acc.rep == [Fraction(4181), Fraction(6765)]
    # 6765 phi + 4181 vs its best rational neighbours
    assert sign(acc - 15127) == -1 and sign(acc - 15126) == 1
    with pytest.raises(ValueError):
        RealField("bad", [-1, 0, 1], 0, 2)           # t^2 - 1 is reducible
    with pytest.raises(ValueError):
        RealField("two", [-2, 0, 1], -2, 2)          # two roots in (-2, 2)


def test_reference_is_independent_of_the_kernel():
    """The reference evaluator and the generator import nothing from `checker`, flint or sympy.
    (tests/reference/document.py, the whole-document reference, shares the kernel's front end
    by design and is not checked here.)"""
    here = pathlib.Path(__file__).resolve().parent
    for path in [here / "reference" / "evaluator.py", here / "gen.py"]:
        tree = pyast.parse(path.read_text())
        for node in pyast.walk(tree):
            names = []
            if isinstance(node, pyast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, pyast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in ("checker", "flint", "sympy", "gmpy2"), \
                    f"{path.name} imports {name}"
