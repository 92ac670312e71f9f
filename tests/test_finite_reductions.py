"""The finite reductions of 002 §4 (Theorems 1.3, 1.4, 1.5): SUBSET SUM, 2-CSP and EXACT
COVER → D-NNT.  Every certificate is judged by the kernel (exhaustion of both finite spaces,
witnesses both ways or refutations of both sides), never by the reduction code; the expected
YES/NO answers of the known instances are computed here by hand, independently.
"""
from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker
from checker.audit import REDUCTIONS, audit
from checker.cli import main
from checker.kernel.base.budget import Budget
from checker.kernel.judge.elaborate import elaborate
from checker.kernel.syntax.parser import parse
from checker.reductions import csp2_to_dnnt as CSP
from checker.reductions import exact_cover_to_dnnt as EC
from checker.reductions import subset_sum_to_dnnt as SS

ROOT = Path(__file__).resolve().parents[1]
AUDITS = ROOT / "certificates" / "audits"
EXAMPLES = ROOT / "certificates" / "examples"
SOURCES = ROOT / "certificates" / "sources"

# the variant each module ships as correct
SHIPPED = "corrected"


def verdict(text: str):
    return checker.check(text)


def accepted(text: str) -> bool:
    v = verdict(text)
    assert v.status in ("ACCEPT", "REJECT"), v        # never a DECLINE on these small spaces
    return v.status == "ACCEPT"


def claims(text: str) -> list[str]:
    return re.search(r"claims \{\n(.*?)\n\}", text, re.S).group(1).split()


def elaborated(text: str):
    return elaborate(parse(text), Budget().start())


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, (old, text.count(old))
    return text.replace(old, new)


# ---- known small instances ------------------------------------------------------------------
SUBSET_SUM_KNOWN = [
    # (items, target, YES?)
    ((3, 5, 2), 7, True),
    ((3, 5, 2), 11, False),
    ((3, 5, 2), 0, True),             # the empty subset
    ((0, 0), 0, True),                # zero items: W = {0}
    ((0, 4), 1, False),
    ((4, 4, 4), 8, True),             # repeated items (a multiset)
    ((4, 4, 4), 4 * 4, False),
    ((-3, 5), 2, True),               # negative items (outside the paper's N)
    ((-3, 5), -1, False),
    ((7,), -7, False),
]

EXACT_COVER_KNOWN = [
    # (n elements, sets, K, YES?)
    (2, [{1}, {2}, {1, 2}], 1, True),
    (2, [{1}, {2}, {1, 2}], 2, True),
    (2, [{1}, {2}, {1, 2}], 3, False),
    (3, [{1, 2}, {2, 3}], 1, False),              # overlap: never exactly once
    (2, [{1}, set()], 1, False),                  # u2 lies in no set
    (1, [{1}, set(), set()], 3, True),            # empty sets count towards K
    (0, [set(), {1} - {1}], 0, True),             # empty universe, K = 0
    (0, [set()], 1, True),                        # choose the empty set
    (1, [{1}], 0, False),                         # K = 0, non-empty universe
    (1, [{1}, {1}], 1, True),                     # duplicate sets
]

CSP_KNOWN = [
    # (n, nvars, constraints [(u, v, pairs)], g, YES?)
    (2, 2, [(1, 2, {(1, 2)})], (), True),
    (2, 2, [(1, 2, {(1, 2)}), (2, 1, {(1, 2)})], (), False),     # (u, v) and (v, u)
    (2, 2, [(1, 2, {(1, 1), (2, 2)}), (1, 2, {(1, 2), (2, 2)})], (2, 1), True),  # same pair twice
    (3, 3, [(1, 2, {(1, 2), (2, 3)}), (2, 3, {(3, 3)})], (3, 1, 2), True),
    (3, 3, [(1, 2, {(1, 2)}), (2, 3, {(3, 3)})], (), False),
    (2, 1, [(1, 1, {(1, 2)})], (), False),                       # self-loop, unequal pair
    (2, 1, [(1, 1, {(2, 2)})], (2, 1), True),                    # self-loop
    (1, 3, [(1, 2, {(1, 1)})], (), True),                        # x3 in no constraint
    (3, 2, [(1, 2, {(a, b) for a in (1, 2, 3) for b in (1, 2, 3)})], (2, 3, 1), True),
]


def ss(items, target):
    return SS.SubsetSum(tuple(items), target)


def ec(n, sets, k):
    return EC.ExactCover(n, tuple(frozenset(s) for s in sets), k)


def csp(n, nvars, constraints, g):
    return CSP.Csp(n, nvars, tuple((u, v, frozenset(c)) for u, v, c in constraints), tuple(g))


KNOWN = ([pytest.param(SS, ss(i, t), yes, id=f"subset-sum-{i}-{t}") for i, t, yes in
          SUBSET_SUM_KNOWN]
         + [pytest.param(EC, ec(n, s, k), yes, id=f"exact-cover-{n}-{k}-{j}") for j, (n, s, k, yes)
            in enumerate(EXACT_COVER_KNOWN)]
         + [pytest.param(CSP, csp(*c[:4]), c[4], id=f"csp2-{j}") for j, c in enumerate(CSP_KNOWN)])


@pytest.mark.parametrize("module,src,yes", KNOWN)
def test_known_instances(module, src, yes):
    text = module.certificate(src, SHIPPED)
    expected = (["corresponds(R);", "solves(S,", "ws);", "solves(T,", "wt);"] if yes
                else ["corresponds(R);", "refutes(S);", "refutes(T);"])
    assert claims(text) == expected
    v = verdict(text)
    assert (v.status, v.reason) == ("ACCEPT", "")


def test_known_instances_cover_both_answers():
    for rows, k in ((SUBSET_SUM_KNOWN, 2), (EXACT_COVER_KNOWN, 3), (CSP_KNOWN, 4)):
        assert {r[k] for r in rows} == {True, False}


# ---- hypothesis: every certificate of the shipped variant is accepted, mutations rejected --
@st.composite
def subset_sums(draw):
    n = draw(st.integers(1, 6))
    value = st.one_of(st.integers(-9, 9), st.just(0), st.integers(10, 10**5))
    items = draw(st.lists(value, min_size=n, max_size=n))
    if draw(st.booleans()):
        items[-1] = items[0]                           # a repeated item
    if draw(st.booleans()):
        target = sum(a for a, take in zip(items, draw(st.lists(st.booleans(), min_size=n,
                                                               max_size=n))) if take)
    else:
        target = draw(st.integers(-12, 30))
    return ss(items, target)


@st.composite
def exact_covers(draw):
    n = draw(st.integers(0, 4))
    m = draw(st.integers(1, 6))
    sets = [draw(st.frozensets(st.integers(1, n), max_size=n)) if n else frozenset()
            for _ in range(m)]
    k = draw(st.integers(0, m + 1))
    return ec(n, sets, k)


@st.composite
def csps(draw):
    n = draw(st.integers(1, 3))
    nvars = draw(st.integers(1, 4))
    cons = []
    for _ in range(draw(st.integers(1, 3))):
        u, v = draw(st.integers(1, nvars)), draw(st.integers(1, nvars))
        pairs = draw(st.frozensets(st.tuples(st.integers(1, n), st.integers(1, n)),
                                   min_size=1, max_size=3))
        cons.append((u, v, pairs))
    g = draw(st.permutations(list(range(1, n + 1))))
    return csp(n, nvars, cons, g)


STRATEGIES = {"subset-sum-to-dnnt": subset_sums(), "exact-cover-to-dnnt": exact_covers(),
              "csp2-to-dnnt": csps()}


def mutations(name: str, src, text: str) -> list[tuple[str, str]]:
    """(what, mutated text) pairs that must be REJECTED: each breaks a claim for certain.

    YES-instances (witnesses both ways): an encode value outside its target domain breaks the
    forward direction; a decode value outside the source domain breaks the backward direction
    (the target has a solution); a changed target data point breaks solves(T, wt) (where the
    loss reads the targets).  NO-instances (both sides refuted): a data point or gamma changed
    so that the target gets a solution breaks refutes(T) and the backward direction."""
    yes = "solves(S, ws);" in text
    out = []
    if yes:
        enc = re.search(r"^    (w1) = (.+);$", text, re.M)
        out.append(("encode", replace_once(text, enc.group(0), "    w1 = 1/2;")))
        dec = re.search(r"^    (x1) = (.+);$", text, re.M)
        out.append(("decode", replace_once(text, dec.group(0), "    x1 = 1/2;")))
    if name == "subset-sum-to-dnnt":
        new = src.target + 1 if yes else src.items[0]          # a_1 alone is reachable
        out.append(("data", replace_once(text, f"    1 -> {src.target}\n", f"    1 -> {new}\n")))
    elif name == "exact-cover-to-dnnt":
        row = "  data {\n    " + " ".join(["1"] * len(src.sets)) + " -> "   # x_0 comes first
        if yes:
            out.append(("data", replace_once(text, f"{row}{src.k}\n", f"{row}{src.k + 1}\n")))
        else:
            out.append(("gamma", replace_once(text, "  gamma 0;", "  gamma 1000000;")))
    else:
        if not yes:
            out.append(("gamma", replace_once(text, "  gamma 1;", "  gamma 2;")))
    return out


def _property(name: str, src) -> None:
    module = REDUCTIONS[name]
    text = module.certificate(src, SHIPPED)
    v = verdict(text)
    assert v.status == "ACCEPT", (src, v.reason)
    for what, mutated in mutations(name, src, text):
        assert mutated != text
        mv = verdict(mutated)
        assert mv.status == "REJECT", (what, src)


@settings(max_examples=60, deadline=None)
@given(subset_sums())
def test_subset_sum_certificates(src):
    _property("subset-sum-to-dnnt", src)


@settings(max_examples=60, deadline=None)
@given(exact_covers())
def test_exact_cover_certificates(src):
    _property("exact-cover-to-dnnt", src)


@settings(max_examples=60, deadline=None)
@given(csps())
def test_csp2_certificates(src):
    _property("csp2-to-dnnt", src)


@settings(max_examples=30, deadline=None)
@given(csps())
def test_csp2_printed_is_correct_for_the_identity_g(src):
    """The printed construction fails only through g: with g = identity it is accepted."""
    src = dataclasses.replace(src, g=())
    assert accepted(CSP.certificate(src, "printed"))


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_mutations_exist_for_yes_and_no(name):
    """The mutation table is not vacuous: both kinds of instance get at least one mutation."""
    module = REDUCTIONS[name]
    rng = random.Random(1)
    kinds = set()
    for _ in range(60):
        src = module.random_source(rng)
        text = module.certificate(src, SHIPPED)
        yes = "solves(S, ws);" in text
        if mutations(name, src, text):
            kinds.add(yes)
    assert kinds == {True, False}


# ---- sources are read back exactly -----------------------------------------------------------
@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_read_source_inverts_the_source_text(name):
    module = REDUCTIONS[name]
    rng = random.Random(7)
    for _ in range(40):
        src = module.random_source(rng)
        got = module.read_source(elaborated(module.certificate(src, SHIPPED)))
        if name == "csp2-to-dnnt":
            src = dataclasses.replace(src, g=())          # g is the reduction's choice
        assert got == src


def test_read_source_accepts_other_arrangements():
    doc = elaborated("nncert 1;\ninstance S : etr { var a, b, c in {0, 1};\n"
                     "formula 10 - 2*a = 3*(b - c) + 4 - c*2 + 6; }\nclaims { refutes(S); }\nend\n")
    assert SS.read_source(doc) == ss((-2, -3, 5), 0)
    doc = elaborated("nncert 1;\ninstance S : etr { var p, q in {1, 2};\n"
                     "formula q = 2 and p = 1; }\nclaims { refutes(S); }\nend\n")
    assert CSP.read_source(doc) == csp(2, 2, [(2, 1, {(2, 1)})], ())
    doc = elaborated("nncert 1;\ninstance S : etr { var p, q in {1, 2};\n"
                     "formula (q = 2 and p = 1) or (p = 2 and q = 2);\n"
                     "formula (p = 1 and q = 1); }\nclaims { refutes(S); }\nend\n")
    assert CSP.read_source(doc) == csp(2, 2, [(2, 1, {(2, 1), (2, 2)}), (1, 2, {(1, 1)})], ())


@pytest.mark.parametrize("name,text", [
    ("subset-sum-to-dnnt", "var a, b in {0, 1}; formula a*b = 1;"),          # not linear
    ("subset-sum-to-dnnt", "var a, b in {0, 2}; formula a + b = 2;"),        # not 0/1
    ("subset-sum-to-dnnt", "var a, b in {0, 1}; formula a + b/2 = 1;"),      # not integer
    ("exact-cover-to-dnnt", "var a, b in {0, 1}; formula a = 1; formula a = 1;"),  # no K
    ("exact-cover-to-dnnt", "var a, b in {0, 1}; formula 2*a = 1; formula a + b = 1;"),
    ("csp2-to-dnnt", "var a, b in {0, 1}; formula a = 1 and b = 1;"),        # alphabet 1..n
    ("csp2-to-dnnt", "var a, b in {1, 2}; formula a + b = 3;"),
    ("csp2-to-dnnt", "var a, b, c in {1, 2}; formula (a = 1 and b = 1) or (a = 1 and c = 1);"),
])
def test_read_source_rejects_other_shapes(name, text):
    doc = elaborated(f"nncert 1;\ninstance S : etr {{ {text} }}\nclaims {{ refutes(S); }}\nend\n")
    with pytest.raises(ValueError):
        REDUCTIONS[name].read_source(doc)


# ---- the audit -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_audit_of_the_shipped_variant_passes(name):
    assert audit(name, 25, 3, SHIPPED, None) == 0


@pytest.mark.parametrize("name", ["subset-sum-to-dnnt", "exact-cover-to-dnnt"])
def test_printed_equals_corrected_where_no_deviation_was_found(name):
    module = REDUCTIONS[name]
    rng = random.Random(11)
    for _ in range(20):
        src = module.random_source(rng)
        assert module.certificate(src, "printed").replace("(printed)", "(corrected)") \
            == module.certificate(src, "corrected")
    assert audit(name, 25, 4, "printed", None) == 0


def test_printed_csp2_fails_the_audit_and_writes_a_rejected_counterexample(tmp_path):
    assert audit("csp2-to-dnnt", 60, 0, "printed", tmp_path) > 0
    written = list(tmp_path.glob("*.nnc"))
    assert [p.name for p in written] == ["csp2-to-dnnt-printed-seed0.nnc"]
    v = checker.check(checker.load(written[0]))
    assert v.status == "REJECT" and "backward direction fails" in v.reason


# the shipped counterexample (certificates/audits/csp2-to-dnnt-printed-seed0.nnc): the pair
# (x1, x2) must be (2, 2); g swaps 1 and 2
CSP_COUNTEREXAMPLE = csp(2, 2, [(1, 2, {(2, 2)})], (2, 1))


def test_shipped_csp2_counterexample_is_rejected():
    path = AUDITS / "csp2-to-dnnt-printed-seed0.nnc"
    text = path.read_text("ascii")
    v = checker.check(checker.load(path))
    assert v.status == "REJECT" and "corresponds(R): backward direction fails" in v.reason
    # it is the printed certificate of CSP_COUNTEREXAMPLE under the audit's header ...
    body = "\n".join(line for line in text.splitlines()
                     if not line.startswith(("# AUDIT", "#   ", "# The source and target")))
    assert body + "\n" == CSP.certificate(CSP_COUNTEREXAMPLE, "printed")
    # ... a YES-instance (x1 = x2 = 2), and the corrected decoding g^-1 repairs it
    assert CSP.solution(CSP_COUNTEREXAMPLE) == (2, 2)
    assert accepted(CSP.certificate(CSP_COUNTEREXAMPLE, "corrected"))


def test_printed_csp2_loss_violates_the_models_loss_axiom():
    """002's model demands L(a, b) = 0 iff a = b.  The printed loss of Thm 1.4 is never 0 (it
    is 1 or 2): a network whose outputs equal the targets has loss 2 > 0 = gamma.  The corrected loss is 0
    there (and unchanged elsewhere: the reduction's outputs never equal the targets)."""
    src = csp(2, 2, [(1, 2, {(1, 2)}), (2, 1, {(2, 1)})], ())
    for variant, fits in (("printed", False), ("corrected", True)):
        loss = CSP.loss_text(src, variant)
        doc = "\n".join([
            "nncert 1;", "instance L : training {", "  input s;", "  param a1, a2 {1};",
            "  output t1 identity = a1*s;", "  output t2 identity = a2*s;",
            f"  loss = {loss};", "  gamma 0;", "  data {", "    1 -> 1 1", "  }", "}",
            "witness w for L { a1 = 1; a2 = 1; }", "claims { solves(L, w); }", "end", ""])
        v = verdict(doc)
        assert (v.status == "ACCEPT") == fits, (variant, v.reason)
        if not fits:
            assert "total loss 2 exceeds gamma = 0" in v.reason     # m_e = 0 is no symbol


def test_printed_csp2_weights_are_not_in_0_1():
    """The proof's last paragraph places the targets in the family with weights and biases only
    in {0, 1}; the construction's first-layer weights range over {1..n} and the second layer's
    fixed weight is 2n (docs/AUDIT.md)."""
    for n in (1, 2, 3):
        src = csp(n, 2, [(1, 2, {(1, 1)})], ())
        doc = elaborated(CSP.certificate(src, "printed"))
        values = {int(v.p) for p in doc.instances["T"].params.values() for v in p.values}
        assert values == set(range(0, n + 1)) | {2 * n}
        assert not values <= {0, 1}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_random_sources_exercise_the_glossed_cases(name):
    rng = random.Random(0)
    module = REDUCTIONS[name]
    srcs = [module.random_source(rng) for _ in range(200)]
    answers = [module.solution(s) is not None for s in srcs]
    assert 40 <= sum(answers) <= 160                   # both YES and NO, in quantity
    if name == "subset-sum-to-dnnt":
        assert any(0 in s.items for s in srcs)
        assert any(a < 0 for s in srcs for a in s.items)
        assert any(len(set(s.items)) < len(s.items) for s in srcs)
        assert any(s.target == 0 for s in srcs) and any(s.target < 0 for s in srcs)
    elif name == "exact-cover-to-dnnt":
        assert any(s.k == 0 for s in srcs) and any(s.n == 0 for s in srcs)
        assert any(frozenset() in s.sets for s in srcs)
        assert any(len(set(s.sets)) < len(s.sets) for s in srcs)
        assert any(s.k > len(s.sets) for s in srcs)
        assert any(all(u not in t for t in s.sets) for s in srcs for u in range(1, s.n + 1))
    else:
        pairs = [[(u, v) for u, v, _ in s.constraints] for s in srcs]
        assert any(u == v for p in pairs for u, v in p)                       # self-loops
        assert any(len(set(p)) < len(p) for p in pairs)                       # same pair twice
        assert any((v, u) in p for p in pairs for u, v in p if u != v)        # both directions
        assert any(len({x for uv in p for x in uv}) < s.nvars for p, s in zip(pairs, srcs))
        assert any(s.gmap() != tuple(range(1, s.n + 1)) for s in srcs)
        assert any(s.n == 1 for s in srcs)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_minimize_shrinks_while_the_predicate_holds(name):
    module = REDUCTIONS[name]
    rng = random.Random(2)
    for _ in range(20):
        src = module.random_source(rng)
        yes = module.solution(src) is not None
        small = module.minimize(src, lambda s: (module.solution(s) is not None) == yes)
        assert len(small) <= len(src)
        assert (module.solution(small) is not None) == yes
        assert accepted(module.certificate(small, SHIPPED))


# ---- examples, sources and the command line -----------------------------------------------------
EXAMPLE_FILES = {"subset-sum-to-dnnt": "002_thm13_subset_sum.nnc",
                 "csp2-to-dnnt": "002_thm14_csp2.nnc",
                 "exact-cover-to-dnnt": "002_thm15_exact_cover.nnc"}


@pytest.mark.parametrize("name", sorted(EXAMPLE_FILES))
def test_shipped_example_is_what_reduce_writes(name, tmp_path, capsys):
    src, example = SOURCES / EXAMPLE_FILES[name], EXAMPLES / EXAMPLE_FILES[name]
    assert checker.check(checker.load(src)).status == "ACCEPT"
    assert checker.check(checker.load(example)).status == "ACCEPT"
    out = tmp_path / "out.nnc"
    assert main(["reduce", name, str(src), "-o", str(out)]) == 0
    assert out.read_text() == example.read_text()
    assert "solves(T, wt);" in out.read_text()            # all three examples are YES-instances
    capsys.readouterr()


@pytest.mark.parametrize("name", sorted(EXAMPLE_FILES))
def test_reduce_refuses_a_source_of_another_shape(name, tmp_path, capsys):
    bad = tmp_path / "bad.nnc"
    bad.write_text("nncert 1;\ninstance S : etr { var x; formula x^2 = 2; }\n"
                   "claims { refutes(S); }\nend\n")
    assert main(["reduce", name, str(bad), "-o", str(tmp_path / "out.nnc")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("nncert: ")


def test_audit_command_line(capsys):
    assert main(["audit", "exact-cover-to-dnnt", "--count", "20", "--seed", "5"]) == 0
    assert "OK exact-cover-to-dnnt variant=corrected count=20" in capsys.readouterr().out
