"""SUBSET SUM → D-NNT (002, Theorem 1.3), as printed; the audit found no deviation, so
`corrected` is the same construction.

The SOURCE is written as a finite-domain ETR instance, one 0/1 variable per item:

    instance S : etr {
      var x1, x2, x3 in {0, 1};          # x_i = 1 iff a_i is taken
      formula 3*x1 + 5*x2 + 2*x3 = 7;    # sum of a_i * x_i = target
    }

Every item keeps its term, also when a_i = 0 (`0*x2`), so that the i-th variable is the i-th
item.  `read_source` reads the first etr instance of a document in this shape: one linear
equation with integer coefficients over variables with domain {0, 1} (any arrangement of the
terms is accepted; the variables' declaration order is the items' order).

The TARGET is the paper's network: input s; one hidden neuron h_i per item with the edge
(s, h_i) of weight w_i in {0, a_i} and bias b_i in {0}; the edge (h_i, t) of weight v_i in {1}
and bias c_i in {0}; every activation the identity; the squared loss; one data point (1; T);
γ = 0.  The paper gives each edge its own bias (z^v = σ(Σ_e w_e·z^u + b_e)), so every edge
carries its own bias parameter here too.

Maps: encode w_i = a_i·x_i (the proof's first direction), the fixed parameters their one
value; decode x_i = [w_i ≠ 0] (the proof's S = {a_i | w_(s,h_i) ≠ 0}, by index).

Details the paper leaves open, designed here (docs/AUDIT.md):
- the activation of the output t is not given (σ^v is listed for v ∉ {s, t}); the proof's
  computation f_θ(1) = Σ w_i uses the identity, so t is an identity neuron;
- the loss is printed as "(α y)^2"; a minus sign was lost in the text: (α − y)², `loss squared`;
- W = {0, a_i} is a set: for a_i = 0 it is {0} (the language rejects a value listed twice);
- A is a set of naturals in the paper; repeated items, zero and negative numbers and a zero or
  negative target are generated anyway: decoding by index (not by value, as the proof's
  S ⊆ A does) makes the construction correct for all of them.

Also the shared helpers of the three finite reductions of 002 §4 (reading the linear
equations of a source document, rendering the certificate).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from . import shrink

VARIANTS = ("printed", "corrected")


# ---- shared helpers (also used by csp2_to_dnnt and exact_cover_to_dnnt) ---------------------
def check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")


def first_etr(doc):
    """The first etr instance of an elaborated document."""
    from checker.kernel.problems.etr import EtrInstance
    for inst in doc.instances.values():
        if isinstance(inst, EtrInstance):
            return inst
    raise ValueError("the document contains no etr instance")


def _q(v) -> Fraction:
    return Fraction(int(v.p), int(v.q))


def domain_of(inst, name: str) -> list[Fraction]:
    values = inst.domains[name]
    if values is None:
        raise ValueError(f"variable {name!r} must have a finite domain")
    return sorted(_q(v) for v in values)


def linear_form(e) -> tuple[Fraction, dict[str, Fraction]]:
    """(c, {x: a}) with e = c + Σ a·x, for an affine expression; ValueError otherwise."""
    from checker.kernel.syntax import ast
    t = type(e)
    if t is ast.Num:
        return _q(e.value), {}
    if t is ast.Var:
        return Fraction(0), {e.name: Fraction(1)}
    if t is ast.Neg:
        c, a = linear_form(e.arg)
        return -c, {k: -v for k, v in a.items()}
    if t is ast.Sum:
        c, a = Fraction(0), {}
        for sign, term in zip(e.signs, e.terms):
            tc, ta = linear_form(term)
            c += sign * tc
            for k, v in ta.items():
                a[k] = a.get(k, Fraction(0)) + sign * v
        return c, a
    if t is ast.Product:
        c, a = Fraction(1), {}
        for op, factor in zip(e.ops, e.factors):
            fc, fa = linear_form(factor)
            if op == "/":
                if fa or fc == 0:
                    raise ValueError("a source equation divides by a variable or by zero")
                c, a = c / fc, {k: v / fc for k, v in a.items()}
            elif fa and a:
                raise ValueError("a source equation is not linear (a product of variables)")
            else:                       # (c + a.x)(fc + fa.x) with a or fa empty
                keys = set(a) | set(fa)
                a = {k: c * fa.get(k, Fraction(0)) + fc * a.get(k, Fraction(0)) for k in keys}
                c = c * fc
        return c, a
    if t is ast.Pow and type(e.exp) is ast.Num and e.exp.value == 1:
        return linear_form(e.base)
    raise ValueError(f"a source equation must be linear: {t.__name__.lower()} is not allowed")


def conjuncts(e) -> list:
    """The conjuncts of a formula, nested `and`s flattened, in order."""
    from checker.kernel.syntax import ast
    if type(e) is ast.BoolOp and e.op == "and":
        return [c for a in e.args for c in conjuncts(a)]
    return [e]


def equation(e) -> tuple[dict[str, Fraction], Fraction]:
    """({x: a}, r) for an equation Σ a·x = r (terms may be on both sides)."""
    from checker.kernel.syntax import ast
    if type(e) is not ast.Cmp or e.op != "=":
        raise ValueError("each source formula must be an equation `... = ...`")
    lc, la = linear_form(e.left)
    rc, ra = linear_form(e.right)
    coeffs = dict(la)
    for k, v in ra.items():
        coeffs[k] = coeffs.get(k, Fraction(0)) - v
    return coeffs, rc - lc


def integer(v: Fraction, what: str) -> int:
    if v.denominator != 1:
        raise ValueError(f"{what} must be an integer, not {v}")
    return int(v)


def linear_text(coeffs: list[tuple[int, str]]) -> str:
    """`3*x1 - 5*x2 + 0*x3`; `0` for no terms."""
    out = ""
    for a, x in coeffs:
        if not out:
            out = f"{a}*{x}" if a >= 0 else f"-{-a}*{x}"
        else:
            out += f" + {a}*{x}" if a >= 0 else f" - {-a}*{x}"
    return out or "0"


def num(v: int) -> str:
    """A number in an expression (unary minus for negatives)."""
    return str(v) if v >= 0 else f"-{-v}"


def render(header: str, comments: list[str], source: str, target: str,
           encode: list[tuple[str, str]], decode: list[tuple[str, str]],
           witness: tuple[list[tuple[str, str]], list[tuple[str, str]]] | None) -> str:
    """The certificate: source S, target T, reduction R, claims.  With a source solution
    (`witness` = (its values, their encoding)) the witnesses travel both ways (L1); without
    one, both sides are refuted (L3 by exhaustion)."""
    lines = ["nncert 1;"]
    if header.strip():
        lines.append(header.rstrip())
    lines += [f"# {c}" if c else "#" for c in comments]
    lines += [source, target, "reduction R : S -> T {", "  encode {"]
    lines += [f"    {n} = {v};" for n, v in encode]
    lines += ["  }", "  decode {"]
    lines += [f"    {n} = {v};" for n, v in decode]
    lines += ["  }", "}"]
    if witness is not None:
        xs, ws = witness
        lines.append("witness ws for S { " + " ".join(f"{n} = {v};" for n, v in xs) + " }")
        lines.append("witness wt for T {")
        lines += [f"  {n} = {v};" for n, v in ws]
        lines.append("}")
        claims = ["corresponds(R);", "solves(S, ws);", "solves(T, wt);"]
    else:
        claims = ["corresponds(R);", "refutes(S);", "refutes(T);"]
    lines += ["claims {", *[f"  {c}" for c in claims], "}", "end"]
    return "\n".join(lines) + "\n"


# ---- SUBSET SUM -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SubsetSum:
    items: tuple[int, ...]
    target: int

    def __len__(self) -> int:          # the size `nncert audit` minimizes
        return 4 * len(self.items) + sum(abs(a).bit_length() for a in self.items) \
            + abs(self.target).bit_length()


def solution(src: SubsetSum) -> tuple[int, ...] | None:
    """A 0/1 choice of items summing to the target, by brute force (producer side)."""
    for xs in itertools.product((0, 1), repeat=len(src.items)):
        if sum(a * x for a, x in zip(src.items, xs)) == src.target:
            return xs
    return None


def source_text(src: SubsetSum) -> str:
    n = len(src.items)
    xs = [f"x{i}" for i in range(1, n + 1)]
    return "\n".join([
        "instance S : etr {",
        f"  var {', '.join(xs)} in {{0, 1}};",
        f"  formula {linear_text(list(zip(src.items, xs)))} = {num(src.target)};",
        "}"])


def certificate(src: SubsetSum, variant: str, header: str = "") -> str:
    check_variant(variant)
    n = len(src.items)
    if n == 0:
        raise ValueError("SUBSET SUM needs at least one item (the network needs an edge)")
    params, hidden, out_terms = [], [], []
    for i, a in enumerate(src.items, start=1):
        dom = "{0}" if a == 0 else f"{{0, {num(a)}}}"
        params += [f"  param w{i} {dom};", f"  param b{i} {{0}};",
                   f"  param v{i} {{1}};", f"  param c{i} {{0}};"]
        hidden.append(f"  hidden h{i} identity = w{i}*s + b{i};")
        out_terms += [f"v{i}*h{i}", f"c{i}"]
    target = "\n".join([
        "instance T : training {",
        "  input s;",
        *params, *hidden,
        f"  output t identity = {' + '.join(out_terms)};",
        "  loss squared;",
        "  gamma 0;",
        "  data {",
        f"    1 -> {src.target}",
        "  }",
        "}"])
    encode, decode = [], []
    for i, a in enumerate(src.items, start=1):
        encode += [(f"w{i}", f"{num(a)}*x{i}"), (f"b{i}", "0"), (f"v{i}", "1"), (f"c{i}", "0")]
        decode.append((f"x{i}", f"if w{i} != 0 then 1 else 0"))
    xs = solution(src)
    witness = None
    if xs is not None:
        witness = ([(f"x{i}", str(x)) for i, x in enumerate(xs, start=1)],
                   [(n_, v) for i, (a, x) in enumerate(zip(src.items, xs), start=1)
                    for n_, v in ((f"w{i}", num(a * x)), (f"b{i}", "0"), (f"v{i}", "1"),
                                  (f"c{i}", "0"))])
    comments = [
        f"002 Theorem 1.3 ({variant}): SUBSET SUM {list(src.items)} with target {src.target}",
        "as a D-NNT instance: edge s -> h_i with weight in {0, a_i}, edge h_i -> t of weight 1,",
        "every edge bias in {0}, identity activations, squared loss, one data point (1; T),",
        "gamma 0.  encode w_i = a_i * x_i; decode x_i = [w_i != 0].",
        "The source " + ("has a solution: witnesses both ways." if xs is not None
                         else "has no solution: both sides refuted."),
    ]
    return render(header, comments, source_text(src), target, encode, decode, witness)


def read_source(doc) -> SubsetSum:
    """The items and target of the first etr instance (one equation Σ a_i·x_i = T)."""
    inst = first_etr(doc)
    for x in inst.variables:
        if domain_of(inst, x) != [0, 1]:
            raise ValueError(f"variable {x!r} must have the domain {{0, 1}}")
    parts = conjuncts(inst.formula)
    if len(parts) != 1:
        raise ValueError("a SUBSET SUM source has exactly one equation")
    coeffs, rhs = equation(parts[0])
    extra = sorted(set(coeffs) - set(inst.variables))
    if extra:
        raise ValueError(f"the equation mentions {extra[0]!r}, which is not a variable")
    items = tuple(integer(coeffs.get(x, Fraction(0)), f"the coefficient of {x}")
                  for x in inst.variables)
    return SubsetSum(items, integer(rhs, "the target"))


def random_source(rng) -> SubsetSum:
    """Small instances (at most 9 items) biased towards what the proof passes over: zero items,
    negative items, repeated items, target 0, negative targets, planted solutions."""
    n = rng.randint(1, 9 if rng.random() < 0.2 else 6)
    items: list[int] = []
    for _ in range(n):
        r = rng.random()
        if items and r < 0.2:
            items.append(rng.choice(items))                  # a repeated item
        elif r < 0.35:
            items.append(0)
        elif r < 0.5:
            items.append(-rng.randint(1, 9))
        elif r < 0.55:
            items.append(rng.randint(10, 10**6))
        else:
            items.append(rng.randint(1, 9))
    r = rng.random()
    if r < 0.45:                                             # planted: a YES-instance
        target = sum(a for a in items if rng.random() < 0.5)
    elif r < 0.6:
        target = 0
    elif r < 0.7:
        target = -rng.randint(1, 12)
    else:
        target = rng.randint(1, 30)
    return SubsetSum(tuple(items), target)


def minimize(src: SubsetSum, fails) -> SubsetSum:
    """Greedily drop items (adjusting nothing else), then shrink numbers towards 0."""
    def candidates_of(src):
        candidates = []
        for i in range(len(src.items)):
            if len(src.items) > 1:
                candidates.append(SubsetSum(src.items[:i] + src.items[i + 1:], src.target))
                candidates.append(SubsetSum(src.items[:i] + src.items[i + 1:],
                                            src.target - src.items[i]))
            for smaller in {0, src.items[i] // 2, src.items[i] - (1 if src.items[i] > 0 else -1)}:
                if abs(smaller) < abs(src.items[i]):
                    candidates.append(SubsetSum(src.items[:i] + (smaller,) + src.items[i + 1:],
                                                src.target))
        for t in {0, src.target // 2}:
            if abs(t) < abs(src.target):
                candidates.append(SubsetSum(src.items, t))
        return candidates

    return shrink(src, fails, candidates_of)
