"""Numerals in coarse tokens, comments inside row blocks, and the one meaning of "undefined".

Every accepting document here has a rejecting twin that differs in the one point tested.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
from checker.kernel.base.budget import Budget


def verdict(text: str):
    return checker.check(checker.load(text), Budget(max_seconds=30))


# ---- numerals read whole ---------------------------------------------------------------------
SLP = "nncert 1;\ninstance P : slp {{\n{rows}\n}}\nwitness W for P {{ }}\nclaims {{ {claim}; }}\nend\n"


@pytest.mark.parametrize("rows, positive", [
    ("0 + 0\n0000000000001 - 0", True),          # a2 = a1 - a0 = 1
    ("0 + 0\n1 - 0000000000001", False),         # a2 = a1 - a1 = 0
    ("00 + 000\n001 * 0001", True),
])
def test_slp_rows_with_leading_zeros_are_read_exactly(rows: str, positive: bool) -> None:
    solves = verdict(SLP.format(rows=rows, claim="solves(P, W)")).status
    refutes = verdict(SLP.format(rows=rows, claim="refutes(P)")).status
    assert (solves, refutes) == (("ACCEPT", "REJECT") if positive else ("REJECT", "ACCEPT"))


def test_slp_row_index_beyond_the_rows_is_out_of_range_not_truncated() -> None:
    v = verdict(SLP.format(rows="0 + 0\n1" + "0" * 40 + " * 1", claim="solves(P, W)"))
    assert v.status == "REJECT" and "not defined before it" in v.reason


LP = """nncert 1;
instance t : training {{
  input x; param a real; output y identity = a*x;
  loss lp {p}; gamma 4; data {{ 1 -> 3 }}
}}
witness w for t {{ a = 1; }}
claims {{ solves(t, w); }}
end
"""


@pytest.mark.parametrize("p, status", [("2", "ACCEPT"), ("0002", "ACCEPT"),
                                       ("0000000000024", "REJECT"), ("000000000002000", "REJECT"),
                                       ("0" * 30 + "2", "ACCEPT"), ("65", "REJECT")])
def test_loss_exponent_is_read_exactly(p: str, status: str) -> None:
    assert verdict(LP.format(p=p)).status == status


def test_group_size_with_leading_zeros_is_its_value() -> None:
    doc = ("nncert 1;\ninstance t : training {{ input x[{k}]; param a, b real;\n"
           "output y identity = a*x[1] + b*x[2]; loss squared; gamma 0; data {{ 1 1 -> 2 }} }}\n"
           "witness w for t {{ a = 1; b = 1; }}\nclaims {{ solves(t, w); }}\nend\n")
    assert verdict(doc.format(k="0000000002")).status == "ACCEPT"
    assert verdict(doc.format(k="0000000003")).status == "REJECT"     # rows need 3 inputs


def test_header_version_is_read_exactly() -> None:
    doc = "nncert {v};\ninstance P : slp {{ 0 + 0 }}\nwitness W for P {{ }}\n" \
          "claims {{ solves(P, W); }}\nend\n"
    assert verdict(doc.format(v="0001")).status == "ACCEPT"
    assert verdict(doc.format(v="0000000000011")).status == "REJECT"
    assert "version" in verdict(doc.format(v="1" + "0" * 5000)).reason


# ---- comments everywhere ------------------------------------------------------------------
def test_comments_between_and_after_slp_rows() -> None:
    rows = "# first\n0 + 0   # a1 = 2\n\n  # between rows\n1 * 1 # a2 = 4\n2 - 0\n# last"
    assert verdict(SLP.format(rows=rows, claim="solves(P, W)")).status == "ACCEPT"
    assert verdict(SLP.format(rows=rows, claim="refutes(P)")).status == "REJECT"


def test_a_comment_does_not_join_two_rows_on_one_line() -> None:
    v = verdict(SLP.format(rows="0 + 0 1 * 1 # two rows on a line", claim="solves(P, W)"))
    assert v.status == "REJECT" and "one row per line" in v.reason


def test_slp_row_location_after_a_comment() -> None:
    v = verdict(SLP.format(rows="0 + 0\n# c\n0 + 7", claim="solves(P, W)"))
    assert v.status == "REJECT" and v.loc == (5, 1)


DATA = """nncert 1;
instance t : training {{
  input x[2]; param a, b real;
  output y identity = a*x[1] + b*x[2];
  loss squared; gamma 0;
  data {{   # the rows
    # a comment line
    1 0 -> {t}   # a dense row
    # another
    {{2: 1}} -> 2 # a sparse row
    {{1: 1, 2: 1}} -> 3
  }}
}}
witness w for t {{
  a = 1;
  b = 2;
}}
witness m for t {{
  matrix W {{   # a matrix block
    1 2   # a matrix row
    # a comment line
    3 4
  }}
}}
claims {{ solves(t, w); }}
end
"""


@pytest.mark.parametrize("target, status", [("1", "ACCEPT"), ("5", "REJECT")])
def test_comments_in_data_and_matrix_rows(target: str, status: str) -> None:
    v = verdict(DATA.format(t=target))
    assert v.status == status, v.reason


# ---- one meaning of "undefined" ---------------------------------------------------------------
INV = """nncert 1;
instance t : training {{
  input x;
  param a {{{dom}}};
  hidden h inv = a*x;
  output y identity = h;
  activation inv(z) = 1/z;
  loss squared;
  gamma 0;
  data {{ 1 -> 1 }}
}}
claims {{ refutes(t); }}
end
"""


def test_refutation_skips_undefined_points() -> None:
    # a = 0 makes 1/z undefined (no solution there); a = 2 gives 1/2, loss 1/4 > 0
    assert verdict(INV.format(dom="0, 2")).status == "ACCEPT"
    assert verdict(INV.format(dom="0")).status == "ACCEPT"
    # ... but an undefined point does not hide a real solution (a = 1: 1/1 = 1)
    assert verdict(INV.format(dom="0, 1")).status == "REJECT"
    assert verdict(INV.format(dom="1, 0")).status == "REJECT"


CORR = """nncert 1;
instance S : etr {{ var s in {{0, 1}}; formula s = 1; }}
instance T : training {{
  input x;
  param a {{0, 1}};
  hidden h inv = a*x;
  output y identity = h;
  activation inv(z) = 1/z;
  loss squared;
  gamma 0;
  data {{ 1 -> 1 }}
}}
reduction R : S -> T {{
  encode {{ a = s; }}
  decode {{ s = {decode}; }}
}}
claims {{ corresponds(R); }}
end
"""


def test_correspondence_counts_undefined_points_as_non_solutions() -> None:
    # T's only solution is a = 1 (a = 0 is undefined, hence no solution): R corresponds
    assert verdict(CORR.format(decode="a")).status == "ACCEPT"
    # a decode map undefined at T's solution decodes to no point: the backward direction fails
    assert verdict(CORR.format(decode="1/(a - 1)")).status == "REJECT"


def test_solves_rejects_an_undefined_witness_saying_so() -> None:
    doc = INV.format(dom="0, 1").replace("claims { refutes(t); }",
                                         "witness w for t { a = 0; }\nclaims { solves(t, w); }")
    v = verdict(doc)
    assert v.status == "REJECT" and "undefined" in v.reason and "division by zero" in v.reason
    assert verdict(doc.replace("a = 0;", "a = 1;")).status == "ACCEPT"


def test_negative_custom_loss_is_undefined_everywhere_alike() -> None:
    doc = """nncert 1;
instance t : training {{ input x; param a {{{dom}}}; output y identity = a*x;
  loss = p(1) - y(1); gamma 0; data {{ 1 -> 1 }} }}
claims {{ refutes(t); }}
end
"""
    assert verdict(doc.format(dom="0")).status == "ACCEPT"       # loss -1: undefined, no solution
    assert verdict(doc.format(dom="0, 1")).status == "REJECT"    # a = 1: loss 0 <= 0


def test_short_circuit_keeps_a_guarded_division_defined() -> None:
    doc = INV.format(dom="0, 2").replace("1/z", "if z = 0 then 1 else 1/z")
    assert verdict(doc).status == "REJECT"                       # a = 0 now gives 1: a solution


# ---- fuzz: no token-level mutation of a small document is an internal error -----------------
SEEDS = [SLP.format(rows="0 + 0\n1 * 1 # c\n2 - 0", claim="refutes(P)"), LP.format(p="2"),
         DATA.format(t="1"), INV.format(dom="0, 1"), CORR.format(decode="a")]
PIECES = ["0", "00", "0000000000001", "1" + "0" * 40, "-1", "1/0", "?", "{", "}", ":", ";", "#c\n",
          "\n", "custom", "lp", "goal", "multiply", "square", "h[0]", "h[00]", "x[1]", "mod",
          "->", "{0: 1}", "{1: 0}", "/", "^", "(", ")", ",", "loss", "matrix"]
_WORD = re.compile(r"\s+|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\])*|[0-9]+(?:[./][0-9]+)?|->|.",
                   re.S)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3),
                                                  st.sampled_from(PIECES)), min_size=1,
                                        max_size=4))
def test_mutations_end_in_a_verdict_never_an_internal_error(seed: str, edits) -> None:
    toks = _WORD.findall(seed)
    for pos, op, piece in edits:
        i = pos % len(toks)
        if op == 0:
            del toks[i]
        elif op == 1:
            toks.insert(i, piece + " ")
        elif op == 2:
            toks[i] = piece
        else:
            toks.insert(i, toks[pos % len(toks)])
    v = checker.check(checker.load("".join(toks)),
                      Budget(max_seconds=3, max_bits=20000, max_steps=100000))
    assert v.status in ("ACCEPT", "REJECT", "DECLINE")
    assert "internal error" not in v.reason and "resources exhausted" not in v.reason, v.reason
