"""002 Theorem 1.2 (D-NNT -> C-NNT): the corrected construction's certificates are accepted, and
the kernel rejects each one-place mutation of them (a probe point, a parameter value, gamma');
the printed construction fails the audit in both directions."""
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

import checker
from checker.audit import audit, reduce_file
from checker.reductions import dnnt_to_cnnt as R

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "certificates" / "examples" / "002_thm12_dnnt_to_cnnt.nnc"
SOURCE = ROOT / "certificates" / "sources" / "002_thm12_dnnt.nnc"


def status(text: str) -> str:
    return checker.check(text).status


def test_example_is_what_reduce_writes_and_is_accepted():
    text = reduce_file("dnnt-to-cnnt", SOURCE, "corrected")
    assert status(text) == "ACCEPT"
    assert EXAMPLE.read_text().split("instance I", 1)[1] == text.split("instance I", 1)[1]


def _instance_j(text: str) -> tuple[int, int]:
    start = text.index("instance J :")
    return start, text.index("\n}\n", start)


def test_mutating_a_probe_point_rejects():
    text = EXAMPLE.read_text()
    start, end = _instance_j(text)
    body = text[start:end]
    row = re.search(r"\n    0 0 (\d+) -> (\d+)", body)          # a lighting probe
    bad = body.replace(row.group(0), f"\n    0 0 {row.group(1)}1 -> {row.group(2)}", 1)
    assert status(text) == "ACCEPT"
    assert status(text[:start] + bad + text[end:]) == "REJECT"


def test_mutating_a_parameter_value_rejects():
    text = EXAMPLE.read_text()
    for name in ("w_h1_x1", "b_h1", "w_o1_h1", "b_o1"):
        witness = re.search(r"witness thj for J \{[^}]*\}", text).group(0)
        value = re.search(rf"{name} = ([^;]*);", witness).group(1)
        bad = witness.replace(f"{name} = {value};", f"{name} = {value} + 1/2;")
        assert status(text.replace(witness, bad)) == "REJECT", name


def test_lowering_gamma_prime_rejects():
    text = EXAMPLE.read_text()
    start, end = _instance_j(text)
    gamma = int(re.search(r"gamma (\d+);", text[start:end]).group(1))
    lowered = text[start:end].replace(f"gamma {gamma};", f"gamma {gamma - 1};")
    assert status(text[:start] + lowered + text[end:]) == "REJECT"


def test_dropping_the_lighting_weight_rejects():
    text = EXAMPLE.read_text().replace("l_h1 = 1;", "l_h1 = 2;")
    assert status(text) == "REJECT"


def test_printed_head_is_dark_on_a_single_edge():
    src = R.Dnnt(1, (R.Neuron("t", "identity", ("x1",), ((1,),), (0,)),), "squared", 0,
                 (((Fraction(1),), (Fraction(1),)),))
    printed = checker.check(R.certificate(src, "printed"))
    assert printed.status == "REJECT" and "solves(J, thj)" in printed.reason
    assert status(R.certificate(src, "corrected")) == "ACCEPT"


def test_read_source_round_trip():
    doc = checker.load(SOURCE)
    from checker.kernel.judge.elaborate import elaborate
    from checker.kernel.syntax.parser import parse
    from checker.kernel.base.budget import Budget
    src = R.read_source(elaborate(parse(SOURCE.read_text()), Budget().start()))
    assert [n.name for n in src.neurons] == ["h1", "o1"] and src.d == 1 and doc is not None


def test_deeper_networks_are_refused():
    deep = R.Dnnt(1, (R.Neuron("a", "relu", ("x1",), ((1,),), (0,)),
                      R.Neuron("b", "relu", ("a",), ((1,),), (0,)),
                      R.Neuron("c", "relu", ("b",), ((1,),), (0,))), "squared", 0,
                  (((Fraction(1),), (Fraction(1),)),))
    with pytest.raises(ValueError, match="depth <= 2"):
        R.certificate(deep, "corrected")


@pytest.mark.parametrize("variant,expect_fail", [("printed", True), ("corrected", False)])
def test_audit_small(variant, expect_fail):
    failures = audit("dnnt-to-cnnt", 25, 3, variant, None)
    assert (failures > 0) == expect_fail


def test_corrected_backward_search_finds_nothing_off_the_sets():
    rng = random.Random(7)
    for _ in range(15):
        text = R.certificate(R.random_source(rng), "corrected")
        assert "bj1" not in text and status(text) == "ACCEPT"
