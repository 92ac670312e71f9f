"""The reference checker on whole documents: does every claim of a document hold?

It shares only the front end with the kernel (parser and elaboration: names, structure, data
rows, domains); every VALUE is computed here, independently: witness values, field
declarations, network outputs, losses, formulas, SLPs and enumerations, with `Fraction` and the
from-scratch field of `evaluator.py` (irreducibility of a field polynomial by sympy's
factorisation — a factorisation, not a sign oracle).  `reference_solves(text)` returns True if every claim
holds, False if some claim fails or the document is invalid, and None when the reference
cannot decide (a field of degree > 3, an operation it does not implement).

`corresponds(R)` claims with proofs (polynomial identities) are NOT decided through the
kernel's front end: `identities.py` reads the document itself (`reader.py`) and decides the
claim semantically, ignoring the proof steps.
"""
from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import sympy

from checker import Budget
from checker.kernel.base.budget import Decline, Reject
from checker.kernel.syntax import ast
from checker.kernel.judge.elaborate import elaborate
from checker.kernel.syntax.parser import parse

from . import evaluator as R
from .identities import decide_document


class Unknown(Exception):
    """The reference cannot decide this document."""


# ---- values -------------------------------------------------------------------------------
def _rat(x) -> Fraction:
    if not R.is_rational_value(x):
        raise ValueError("not rational")
    return R.rational_value(x)


def _floor(x) -> int:
    if isinstance(x, R.Alg) and not x.is_rational():
        lo, hi = x.F.enclose(x.rep, Fraction(1, 10**6))
        while lo.__floor__() != hi.__floor__():
            lo, hi = x.F.enclose(x.rep, (hi - lo) / 4)
        return lo.__floor__()
    return _rat(x).__floor__()


def _digits(n: int) -> int:
    return 0 if n == 0 else len(str(abs(n)))


def _fracdigits(q: Fraction) -> int:
    d, k = q.denominator, 0
    while d % 10 == 0 or d % 2 == 0 or d % 5 == 0:
        if d % 10 == 0:
            d //= 10
        elif d % 2 == 0:
            d //= 2
        else:
            d //= 5
    if d != 1:
        return -1
    while (q * 10**k).denominator != 1:
        k += 1
    return k


def value(e: ast.Expr, env: dict, point: tuple | None = None) -> Any:
    """Exact value of an expression (numbers: Fraction or Alg; truth values: bool)."""
    t = type(e)
    if t is ast.Num:
        return Fraction(int(e.value.p), int(e.value.q))
    if t is ast.Var:
        if e.name in env:
            return env[e.name]
        if e.name == "T" and point is not None:
            return Fraction(len(point[0]))
        raise ValueError(f"unbound {e.name}")
    if t is ast.Sum:
        acc = value(e.terms[0], env, point)
        for s, term in zip(e.signs[1:], e.terms[1:]):
            v = value(term, env, point)
            acc = acc + v if s > 0 else acc - v
        return acc
    if t is ast.Product:
        acc = value(e.factors[0], env, point)
        for op, f in zip(e.ops[1:], e.factors[1:]):
            v = value(f, env, point)
            if op == "*":
                acc = acc * v
            elif isinstance(v, sympy.Basic) or isinstance(acc, sympy.Basic):
                if sympy.simplify(v) == 0:
                    raise ValueError("division by zero")
                acc = sympy.sympify(acc) / v
            else:
                if R.sign(v) == 0:
                    raise ValueError("division by zero")
                acc = acc * (1 / _rat(v) if R.is_rational_value(v) else v.inverse())
        return acc
    if t is ast.Neg:
        return -value(e.arg, env, point)
    if t is ast.Pow:
        base, k = value(e.base, env, point), _rat(value(e.exp, env, point))
        if isinstance(base, sympy.Basic):
            if k.denominator != 1:
                raise ValueError("non-integer exponent")
            return base ** int(k)
        if k.denominator != 1:
            raise ValueError("non-integer exponent")
        k = int(k)
        if abs(k) > 10_000:
            raise Unknown("huge power")
        if k < 0:
            if R.sign(base) == 0:
                raise ValueError("division by zero")
            if not R.is_rational_value(base):
                base, k = base.inverse(), -k
            else:
                return Fraction(1) / (_rat(base) ** -k)
        acc = Fraction(1)
        for _ in range(k):
            acc = base * acc
        return acc
    if t is ast.Cmp:
        d = R.sign(value(e.left, env, point) - value(e.right, env, point))
        return {"=": d == 0, "!=": d != 0, "<": d < 0, "<=": d <= 0, ">": d > 0,
                ">=": d >= 0}[e.op]
    if t is ast.BoolOp:
        vals = [value(a, env, point) for a in e.args]
        return (not vals[0]) if e.op == "not" else all(vals) if e.op == "and" else any(vals)
    if t is ast.Ite:
        return value(e.then if value(e.cond, env, point) else e.other, env, point)
    return _call(e, env, point)


def _call(e: ast.Call, env: dict, point) -> Any:
    fn = e.fn
    if fn in ("y", "p", "known"):
        i = int(_rat(value(e.args[0], env, point))) - 1
        target, predicted = point
        if fn == "known":
            return target[i] is not None
        seq = target if fn == "y" else predicted
        return Fraction(0) if seq[i] is None else seq[i]
    if fn in ("sumover", "maxover", "minover", "forall", "exists"):
        name = e.args[0].name
        vals = [value(e.args[1], {**env, name: Fraction(i)}, point)
                for i in range(1, len(point[0]) + 1)]
        if fn == "forall":
            return all(vals)
        if fn == "exists":
            return any(vals)
        if fn == "sumover":
            return sum(vals, Fraction(0))
        if not vals:
            return Fraction(0)
        best = vals[0]
        for v in vals[1:]:
            if (R.sign(v - best) > 0) == (fn == "maxover") and R.sign(v - best) != 0:
                best = v
        return best
    args = [value(a, env, point) for a in e.args]
    x = args[0]
    if fn in ("min", "max"):
        best = x
        for v in args[1:]:
            if (R.sign(v - best) > 0) == (fn == "max") and R.sign(v - best) != 0:
                best = v
        return best
    if fn == "relu":
        return x if R.sign(x) > 0 else Fraction(0)
    if fn == "abs":
        return -x if R.sign(x) < 0 else x
    if fn == "floor":
        return Fraction(_floor(x))
    if fn == "ceil":
        return Fraction(-_floor(-x))
    if fn == "frac":
        return x - _floor(x)
    if fn == "mod":
        m = args[1]
        if R.sign(m) == 0:
            raise ValueError("mod by zero")
        return x - m * _floor(Fraction(_rat(x)) / _rat(m))
    if fn == "ndigits":
        return Fraction(_digits(_floor(x if R.sign(x) >= 0 else -x)))
    if fn == "fracdigits":
        return Fraction(_fracdigits(_rat(x)) if R.is_rational_value(x) else -1)
    raise Unknown(f"function {fn}")


# ---- problems -----------------------------------------------------------------------------
def _field(doc: ast.Document):
    decls = [it for it in doc.items if isinstance(it, ast.FieldDecl)]
    if not decls:
        return None
    d = decls[0]
    poly = value(d.poly, {d.name: _PolyVar()})
    coeffs = poly.coeffs if isinstance(poly, _PolyVar) else [poly]
    if any(Fraction(c).denominator != 1 for c in coeffs):
        raise ValueError("non-integer coefficients")
    ints = [int(c) for c in coeffs]
    if len(ints) > 60:
        raise Unknown("field degree too high for the reference")
    factors = sympy.factor_list(sympy.Poly(list(reversed(ints)), sympy.Symbol("t")))[1]
    if len(factors) != 1 or factors[0][1] != 1 or factors[0][0].degree() != len(ints) - 1:
        raise ValueError("reducible field polynomial")
    return R.RealField(d.name, ints, value(d.lo, {}), value(d.hi, {}), irreducible=True)


class _PolyVar:
    """A polynomial in the field's generator, for reading the field declaration."""

    def __init__(self, coeffs=None):
        self.coeffs = R.p_norm(coeffs if coeffs is not None else [0, 1])

    @staticmethod
    def _c(o):
        return o.coeffs if isinstance(o, _PolyVar) else R.p_norm([o])

    def __add__(self, o):
        return _PolyVar(R.p_add(self.coeffs, self._c(o)))

    __radd__ = __add__

    def __sub__(self, o):
        return _PolyVar(R.p_sub(self.coeffs, self._c(o)))

    def __rsub__(self, o):
        return _PolyVar(R.p_sub(self._c(o), self.coeffs))

    def __mul__(self, o):
        return _PolyVar(R.p_mul(self.coeffs, self._c(o)))

    __rmul__ = __mul__

    def __neg__(self):
        return _PolyVar(R.p_neg(self.coeffs))


def _witness_values(doc: ast.Document, name: str, F) -> dict:
    block = next(b for b in doc.items if isinstance(b, ast.Block) and b.name == name)
    env = {F.name: F.theta()} if F is not None else {}
    out = {}
    for d in block.decls:
        if d.kind == "assign":
            out[d.data["name"]] = value(d.data["value"], env)
        else:
            for i, row in enumerate(d.data["rows"], start=1):
                for j, v in enumerate(row, start=1):
                    out[f"{d.data['name']}[{i}][{j}]"] = Fraction(int(v.p), int(v.q))
    return out


def _forward(inst, point, coef, lift=lambda q: q, builtin=None) -> dict:
    """Every neuron's value on one data point; `coef` turns a Weight into a number, `lift` a
    rational into one (default: Fractions), `builtin` applies relu/threshold."""
    vals = {n: lift(Fraction(int(x.p), int(x.q))) for n, x in zip(inst.inputs, point.inputs)}
    for n in inst.neurons:
        t = lift(Fraction(0))
        for src, w in n.edges:
            t = t + coef(w) * vals[src]
        for b in n.biases:
            t = t + coef(b)
        if n.act == "identity":
            vals[n.name] = t
        elif isinstance(n.act, str):
            vals[n.name] = (builtin or R._activate)(n.act, t)
        else:
            arg, body = n.act
            vals[n.name] = lift(value(body, {arg: t}))
    return vals


def _training_holds(inst, assignment: dict) -> bool:
    for name, p in inst.params.items():
        if name not in assignment:
            return False
        if p.values is not None:
            v = assignment[name]
            if not (R.is_rational_value(v)
                    and R.rational_value(v) in [Fraction(int(q.p), int(q.q)) for q in p.values]):
                return False
    if set(assignment) - set(inst.params):
        return False

    def coef(w):
        if w.param is None:
            return Fraction(int(w.fixed.p), int(w.fixed.q))
        return assignment[w.param] if w.sign > 0 else -assignment[w.param]

    total = Fraction(0)
    for point in inst.points:
        vals = _forward(inst, point, coef)
        targets = [None if y is None else Fraction(int(y.p), int(y.q)) for y in point.outputs]
        predicted = [vals[o] for o in inst.outputs]
        if inst.loss.name == "custom":
            loss = value(inst.loss.body, {}, (targets, predicted))
            if R.sign(loss) < 0:
                return False
        else:
            loss = R.point_loss(inst.loss.name, inst.loss.p, targets, predicted)
        total = total + loss
    return R.sign(total - Fraction(int(inst.gamma.p), int(inst.gamma.q))) <= 0


def _etr_holds(inst, assignment: dict) -> bool:
    if set(assignment) != set(inst.variables):
        return False
    if any(assignment[v] == 0 for v in inst.nonzero):
        return False
    for v, dom in inst.domains.items():
        if dom is not None and not (R.is_rational_value(assignment[v]) and R.rational_value(
                assignment[v]) in [Fraction(int(q.p), int(q.q)) for q in dom]):
            return False
    return bool(value(inst.formula, assignment))


def _slp_value(inst) -> int:
    a = [1]
    for j, op, k in inst.rows:
        a.append(a[j] + a[k] if op == "+" else a[j] - a[k] if op == "-" else a[j] * a[k])
        if abs(a[-1]).bit_length() > 2_100_000:
            raise Unknown("huge SLP value")
    return a[-1]


def _holds(inst, assignment: dict) -> bool:
    kind = type(inst).__name__
    try:
        if kind == "TrainingInstance":
            return _training_holds(inst, assignment)
        if kind == "EtrInstance":
            return _etr_holds(inst, assignment)
        if kind == "SlpInstance":
            return not assignment and _slp_value(inst) > 0
    except (ValueError, ZeroDivisionError, IndexError):
        return False
    raise Unknown(kind)


def _domains(inst) -> dict:
    kind = type(inst).__name__
    if kind == "TrainingInstance":
        return {n: p.values for n, p in inst.params.items()}
    if kind == "EtrInstance":
        return dict(inst.domains)
    return {}


def _space(domains: dict):
    if any(v is None for v in domains.values()):
        raise Unknown("infinite space")
    names = list(domains)
    size = 1
    for n in names:
        size *= len(domains[n])
    if size > 200_000:
        raise Unknown("space too large for the reference")
    for combo in itertools.product(*(domains[n] for n in names)):
        yield {n: Fraction(int(v.p), int(v.q)) for n, v in zip(names, combo)}


# ---- Positivstellensatz certificates, recomputed with sympy
def _symbols(names):
    return {n: sympy.Symbol(f"v{i}") for i, n in enumerate(names)}


def _psatz_holds(inst, cert) -> bool:
    """Recompute -1 = sum c_i f_i + sum lambda q^2 (times g_j) with sympy, from the refutation
    block as parsed (its steps as written, not the kernel's elaborated terms)."""
    if cert.target != inst.name:
        return False
    sym = _symbols(list(inst.variables))
    atoms, stack = [], [inst.formula]
    while stack:
        e = stack.pop(0)
        if type(e) is ast.BoolOp and e.op == "and":
            stack = list(e.args) + stack
        else:
            atoms.append(e)
    total = sympy.Integer(0)
    for d in cert.decls:
        i = d.data["atom"]
        atom = atoms[i - 1] if 0 < i <= len(atoms) else None
        if i > len(atoms) or (atom is not None and type(atom) is not ast.Cmp):
            return False
        if d.kind == "multiply":
            if atom is None or atom.op != "=":
                return False
            total += value(d.data["by"], sym) * (value(atom.left, sym) - value(atom.right, sym))
            continue
        weight = sympy.sympify(value(d.data["weight"], sym))
        if not weight.is_number or weight < 0:
            return False
        term = weight * sympy.sympify(value(d.data["base"], sym)) ** 2
        if atom is not None:
            if atom.op in (">", ">="):
                term *= value(atom.left, sym) - value(atom.right, sym)
            elif atom.op in ("<", "<="):
                term *= value(atom.right, sym) - value(atom.left, sym)
            else:
                return False
        total += term
    return sympy.expand(total) == -1


def _chain_holds(doc: ast.Document, el, claim, F, before: list, identities) -> bool:
    """A derived claim: the chain connects and every premise is an earlier claim that holds."""
    chain = [el.reductions.get(r) for r in claim.via]
    if None in chain or any(a.target != b.source for a, b in zip(chain, chain[1:])) \
            or chain[-1].target != claim.args[0]:
        return False
    earlier = {(c.kind, tuple(c.args), tuple(c.via)): c for c in before}
    for r in claim.via:
        c = earlier.get(("corresponds", (r,), ()))
        if c is None or not _claim_holds(doc, el, c, F, [], identities):
            return False
    start = chain[0].source
    if claim.kind == "solves":
        wit = el.witnesses.get(claim.args[1])
        if wit is None or wit.target != start or ("solves", (start, wit.name), ()) not in earlier:
            return False
        values = _witness_values(doc, wit.name, F)
        if not _holds(el.instances[start], values):
            return False
        for red in chain:                # semantically: carry the witness along the chain
            values = {n: value(e, values) for n, e in red.encode.items()}
        return _holds(el.instances[claim.args[0]], values)
    refutations = [c for k, c in earlier.items() if k[0] == "refutes" and k[1][0] == start]
    return any(_claim_holds(doc, el, c, F, before[:before.index(c)], identities)
               for c in refutations)


# ---- equal claims: exact when small, else residues modulo three fixed Mersenne primes ---------
_PRIMES = (2**61 - 1, 2**89 - 1, 2**127 - 1)


class _Mod:
    """An integer modulo p (exact rationals with other denominators are out of scope)."""

    def __init__(self, v, p: int):
        v = Fraction(v) if not isinstance(v, _Mod) else v.v
        if isinstance(v, Fraction):
            if v.denominator != 1:
                raise Unknown("a rational in a fingerprinted network")
            v = int(v)
        self.v, self.p = v % p, p

    def _o(self, o):
        return o.v if isinstance(o, _Mod) else _Mod(o, self.p).v

    def __add__(self, o):
        return _Mod(self.v + self._o(o), self.p)

    __radd__ = __add__

    def __sub__(self, o):
        return _Mod(self.v - self._o(o), self.p)

    def __rsub__(self, o):
        return _Mod(self._o(o) - self.v, self.p)

    def __mul__(self, o):
        return _Mod(self.v * self._o(o), self.p)

    __rmul__ = __mul__

    def __neg__(self):
        return _Mod(-self.v, self.p)


def _slp_residue(inst, p: int) -> int:
    a = [1]
    for j, op, k in inst.rows:
        a.append((a[j] + a[k] if op == "+" else a[j] - a[k] if op == "-" else a[j] * a[k]) % p)
    return a[-1]


def _network_residue(doc, el, inst, witness: str, p: int) -> int:
    if len(inst.outputs) != 1 or len(inst.points) != 1:
        raise Unknown("equal: one output and one data point")
    values = _witness_values(doc, witness, None)

    def coef(w):
        if w.param is None:
            return _Mod(Fraction(int(w.fixed.p), int(w.fixed.q)), p)
        v = _Mod(values[w.param], p)
        return v if w.sign > 0 else -v

    def non_ring(act, t):
        raise Unknown("equal: a non-ring activation")

    vals = _forward(inst, inst.points[0], coef, lambda q: _Mod(q, p), non_ring)
    return vals[inst.outputs[0]].v


def _equal_holds(doc, el, claim) -> bool:
    left = el.instances[claim.args[0]]
    if type(left).__name__ != "SlpInstance":
        return False
    if len(claim.args) == 2:
        right = el.instances[claim.args[1]]
        if type(right).__name__ != "SlpInstance":
            return False
        return all(_slp_residue(left, p) == _slp_residue(right, p) for p in _PRIMES)
    net, wit = el.instances[claim.args[1]], el.witnesses[claim.args[2]]
    if type(net).__name__ != "TrainingInstance" or wit.target != claim.args[1]:
        return False
    return all(_slp_residue(left, p) == _network_residue(doc, el, net, wit.name, p)
               for p in _PRIMES)


def _claim_holds(doc: ast.Document, el, claim, F, before: list, identities) -> bool:
    if claim.kind == "equal":
        return _equal_holds(doc, el, claim)
    if claim.via:
        return _chain_holds(doc, el, claim, F, before, identities)
    if claim.kind == "solves":
        inst = el.instances[claim.args[0]]
        wit = el.witnesses[claim.args[1]]
        if wit.target != claim.args[0]:
            return False
        return _holds(inst, _witness_values(doc, claim.args[1], F))
    if claim.kind == "refutes" and len(claim.args) == 2:
        block = next((b for b in doc.items if isinstance(b, ast.Block)
                      and b.kind == "refutation" and b.name == claim.args[1]), None)
        return block is not None and _psatz_holds(el.instances[claim.args[0]], block)
    if claim.kind == "refutes":
        inst = el.instances[claim.args[0]]
        if type(inst).__name__ == "SlpInstance":
            return _slp_value(inst) <= 0
        return not any(_holds(inst, a) for a in _space(_domains(inst)))
    if claim.kind == "corresponds":
        red = el.reductions[claim.args[0]]
        S, T = el.instances[red.source], el.instances[red.target]
        if red.proofs:                  # polynomial identities: the semantic reference decides
            verdict = identities(claim.args[0])
            if verdict is None:
                raise Unknown(f"corresponds({claim.args[0]})")
            return verdict
        for x in _space(_domains(S)):
            if _holds(S, x) and not _holds(T, {n: value(e, x) for n, e in red.encode.items()}):
                return False
        for w in _space(_domains(T)):
            if _holds(T, w) and not _holds(S, {n: value(e, w) for n, e in red.decode.items()}):
                return False
        return True
    raise Unknown(claim.kind)


def _identities(text: str):
    """corresponds(R) with proofs, decided by the semantic reference (identities.py), which
    reads the text itself and ignores the proof steps: name -> True | False | None."""
    cache: dict = {}

    def decide(name: str):
        if not cache:
            cache.update(decide_document(text))
        return cache.get(name, (None, ""))[0]
    return decide


def reference_solves(text: str) -> bool | None:
    """True iff the document is well formed and every claim holds; None if undecidable here."""
    try:
        doc = parse(text, Budget(max_bits=100_000))
        el = elaborate(doc, Budget(max_bits=100_000).start())
    except (Reject, Decline):
        return False
    try:
        F = _field(doc)
        if not el.claims:
            return False
        keys = [(c.kind, tuple(c.args), tuple(c.via)) for c in el.claims]
        if len(set(keys)) != len(keys):
            return False
        return all(_claim_holds(doc, el, c, F, el.claims[:i], _identities(text))
                   for i, c in enumerate(el.claims))
    except Unknown:
        return None
    except (ValueError, KeyError, StopIteration, ZeroDivisionError):
        return False
