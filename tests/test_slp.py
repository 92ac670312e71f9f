"""PosSLP: exact evaluation within the bit budget, against plain Python integers."""
from hypothesis import given, settings
from hypothesis import strategies as st

import checker

BIG = checker.Budget(max_bits=1 << 16)


def document(rows, claim="solves(P, none)"):
    body = "".join(f"  {j} {op} {k}\n" for j, op, k in rows)
    return (f"nncert 1;\ninstance P : slp {{\n{body}}}\nwitness none for P {{ }}\n"
            f"claims {{ {claim}; }}\nend\n")


def python_value(rows):
    a = [1]
    for j, op, k in rows:
        a.append(a[j] + a[k] if op == "+" else a[j] - a[k] if op == "-" else a[j] * a[k])
    return a[-1]


@st.composite
def programs(draw):
    n = draw(st.integers(0, 25))
    rows = []
    for i in range(1, n + 1):
        rows.append((draw(st.integers(0, i - 1)), draw(st.sampled_from("+-*")),
                     draw(st.integers(0, i - 1))))
    return rows


@settings(max_examples=200, deadline=None)
@given(programs())
def test_positive_iff_accepted(rows):
    value = python_value(rows)
    if value.bit_length() > 60_000:
        return
    solves = checker.check(document(rows), BIG).status
    refutes = checker.check(document(rows, "refutes(P)"), BIG).status
    assert (solves, refutes) == (("ACCEPT", "REJECT") if value > 0 else ("REJECT", "ACCEPT"))


def test_repeated_squaring_past_the_budget_declines_and_says_how_far():
    rows = [(0, "+", 0)] + [(i, "*", i) for i in range(1, 40)]
    v = checker.check(document(rows), checker.Budget(max_bits=1 << 20))
    assert v.status == "DECLINE" and "a21 may need" in v.reason


def test_huge_value_within_a_raised_budget():
    rows = [(0, "+", 0)] + [(i, "*", i) for i in range(1, 21)]     # 2^(2^20)
    assert checker.check(document(rows), checker.Budget(max_bits=1 << 21)).status == "ACCEPT"


def test_forward_reference_rejected():
    v = checker.check(document([(0, "+", 0), (2, "*", 1)]))
    assert v.status == "REJECT" and "not defined before it" in v.reason and v.loc == (4, 3)


def test_witness_with_values_is_rejected():
    text = document([(0, "+", 0)]).replace("witness none for P { }", "witness none for P { x = 1; }")
    v = checker.check(text)
    assert v.status == "REJECT" and "does not have" in v.reason
