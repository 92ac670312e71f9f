"""Sparse data rows and the local-ring Level-2 checker (issue 3, item 9).

A sparse row `{i: v, ...}` must mean exactly the dense row it abbreviates (same verdicts, accept
and reject), malformed sparse rows reject with a location, the producer writes sparse rows
only for wide networks, and the identity checker's small rings and variable-indexed facts keep
the old semantics (same normalisation, same greedy "shown non-zero" test).
"""
from __future__ import annotations

import re

import pytest
from flint import fmpq, fmpq_mpoly_ctx

import checker
from checker.kernel.base.budget import Budget, KernelError
from checker.kernel.syntax import ast
from checker.kernel.problems import identities
from checker.reductions import eq_to_restricted, etr_inv_to_eq, twolayer

DOC = """nncert 1;
instance T : training {
  input a, b, c;
  param w1, w2 real;
  output o identity = w1*a + w2*c;
  loss squared;
  gamma 0;
  data {
    ROW -> 2
    0 0 0 -> 0
  }
}
witness W for T { w1 = W1; w2 = 0; }
claims { solves(T, W); }
end
"""


def doc(row: str, w1: str) -> str:
    return DOC.replace("ROW", row).replace("W1", w1)


@pytest.mark.parametrize("w1, status", [("2", "ACCEPT"), ("3", "REJECT")])
def test_sparse_row_means_the_dense_row(w1, status):
    dense = checker.check(doc("1 0 -1/2", w1))
    sparse = checker.check(doc("{1: 1, 3: -1/2}", w1))
    reordered = checker.check(doc("{3: -1/2, 1: 1}", w1))
    assert dense.status == sparse.status == reordered.status == status
    assert dense.reason == sparse.reason == reordered.reason


def test_empty_sparse_row_is_all_zeros():
    text = doc("1 0 0", "2").replace("0 0 0 -> 0", "{} -> 0")
    assert checker.check(text).status == "ACCEPT"
    assert checker.check(text.replace("{} -> 0", "{} -> 1")).status == "REJECT"


@pytest.mark.parametrize("row, loc, reason", [
    ("{0: 1}", (9, 6), "out of range"),
    ("{4: 1}", (9, 5), "names input 4; the network has 3"),
    ("{1: 1, 1: 2}", (9, 12), "given twice"),
    ("{2: 0}", (9, 6), "only non-zero inputs"),
    ("{1: 1,}", (9, 6), "a sparse data row is"),
    ("{1 1}", (9, 6), "a sparse data row is"),
    ("{1: 1, 3: 1/0}", (9, 15), "zero denominator"),
    ("{1: 1 ?}", (9, 5), "unexpected '{'"),
])
def test_malformed_sparse_rows_reject_with_location(row, loc, reason):
    v = checker.check(doc(row, "2"))
    assert v.status == "REJECT", v
    assert reason in v.reason and v.loc == loc, v


def test_sparse_row_is_a_read_only_list():
    row = ast.SparseRow({0: fmpq(1), 2: fmpq(-1, 2)}).sized(4)
    assert len(row) == 4 and list(row) == [1, 0, fmpq(-1, 2), 0]
    assert row[-1] == 0 and row[1:3] == [0, fmpq(-1, 2)] and row == [1, 0, fmpq(-1, 2), 0]
    assert row.nonzero() == [(0, fmpq(1)), (2, fmpq(-1, 2))]
    with pytest.raises(IndexError):
        row[4]


gen_etr_inv = etr_inv_to_eq.sized_source


def stage2(n: int) -> str:
    eq, _ = etr_inv_to_eq.reduce(gen_etr_inv(n, n), "corrected")
    return eq_to_restricted.certificate(eq, "corrected")


SPARSE = re.compile(r"\{([^}\n]*)\}(?= ->)")


def densify(text: str) -> str:
    """Every sparse row of `text` written densely (width from the instance's inputs line)."""
    out, width = [], 0
    for line in text.split("\n"):
        m = re.match(r"\s*input (.*);", line)
        if m:
            width = len(m.group(1).split(","))
        def dense(match: re.Match) -> str:
            row = ["0"] * width
            for entry in filter(None, match.group(1).split(",")):
                i, v = entry.split(":")
                row[int(i) - 1] = v.strip()
            return " ".join(row)
        out.append(SPARSE.sub(dense, line))
    return "\n".join(out)


def test_producer_writes_sparse_rows_only_for_wide_networks():
    wide = stage2(8)                         # 5n inputs > 16
    assert SPARSE.search(wide)
    net = twolayer.Net(inputs=["a", "b"], outputs=["o"], edges={("a", "o"): "w"})
    net.points = [twolayer.Point({"a": 1}, {"o": None})]
    assert "    1 0 -> ?" in net.render("T")


def test_level2_with_sparse_rows_equals_dense_rows():
    sparse = stage2(8)
    dense = densify(sparse)
    assert dense != sparse and not SPARSE.search(dense)
    assert checker.check(sparse).status == checker.check(dense).status == "ACCEPT"
    # reject twin: one input of one data point changed, in both spellings
    m = SPARSE.search(sparse)
    entry = re.match(r"(\d+): (-?\d+)", m.group(1))
    bad = sparse[:m.start(1)] + f"{entry.group(1)}: {int(entry.group(2)) + 1}" + \
        sparse[m.start(1) + entry.end():]
    vs, vd = checker.check(bad), checker.check(densify(bad))
    assert vs.status == vd.status == "REJECT" and vs.reason == vd.reason


def test_stage1_at_a_few_hundred_variables_accepts_and_its_mutant_rejects():
    text = etr_inv_to_eq.certificate(gen_etr_inv(300, 300), "corrected")
    assert checker.check(text).status == "ACCEPT"
    bad = text.replace("goal 1 by hyp[1];", "goal 1 by 2*hyp[1];", 1)
    assert bad != text and checker.check(bad).status == "REJECT"


def ctx(*names: str):
    return fmpq_mpoly_ctx.get(names, "degrevlex")


def test_facts_keep_the_greedy_semantics():
    rings = identities.Rings(["x", "y", "z"])
    x, y, z = ctx("x", "y", "z").gens()
    facts = identities.Facts()
    facts.add(x, rings)
    facts.add(x * y, rings)
    assert facts.shown_nonzero(3 * x**2, Budget())
    assert not facts.shown_nonzero(x * y, Budget())      # x is tried first and leaves y: as before
    assert not facts.shown_nonzero(x * z, Budget())       # z is not a fact
    assert not facts.shown_nonzero(0 * x, Budget())
    facts.add(y, rings)
    assert facts.shown_nonzero(-x**3 * y**2, Budget())


def test_small_rings_keep_the_premise_order_and_refuse_lost_variables():
    many = ["b", "a", "c"] + [f"v{i}" for i in range(40)]
    rings = identities.Rings(many, one_ring=0)
    assert identities.Rings(["b", "a", "c"]).poly({"a"}).ctx.names() == ("b", "a", "c")
    assert len(rings.poly(many[:10]).ctx.names()) == len(many)        # a wide set: one ring
    assert rings.poly({"a", "b"}).ctx.names() == ("b", "a")
    a, b = ctx("a", "b").gens()
    assert identities.support(a * b + 1) == {"a", "b"} and identities.support(0 * a) == set()
    assert identities.move(a + b, rings.poly({"a", "b", "c"}).ctx).context().names() == \
        ("b", "a", "c")
    with pytest.raises(KernelError):
        identities.move(a * b, rings.poly({"a"}).ctx)


@pytest.mark.parametrize("one_ring", [0, 10**9])
def test_one_ring_and_small_rings_give_the_same_verdicts(one_ring, monkeypatch):
    """The ring policy is an optimisation: small rings everywhere and one ring everywhere
    accept and reject the same certificates, for the same reason."""
    from checker.reductions import etr_inv_to_nnt
    from checker.reductions.etr_inv_to_eq import EtrInv
    monkeypatch.setattr(identities, "ONE_RING", one_ring)
    text = etr_inv_to_nnt.certificate(EtrInv(("x", "y", "w"), (
        ("inv", "x", "y"), ("add", "y", "w", "x"), ("inv", "w", "w"))), "corrected")
    assert checker.check(text).status == "ACCEPT"
    bad = checker.check(text.replace("goal 1 by", "goal 1 by 2*", 1))
    assert bad.status == "REJECT" and "goal 1" in bad.reason
