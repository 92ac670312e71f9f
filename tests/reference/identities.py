"""A semantic reference for `corresponds(R)` claims between polynomial systems.

Independent of the kernel: the document is read by `reader.py` (not the kernel's parser or
elaboration), the proof steps are ignored, and each direction "every real solution of the
premise maps (defined, divisors as written non-zero) to a solution of the conclusion" is
decided from the instances and maps alone:

(i)  the premise's equations (numerators; finite domains as polynomials; `nonzero` variables
     by 1 - t*v) have finitely many complex zeros: the real ones are computed exactly (a lex
     Groebner basis in shape position after a random linear change t = c.x; the univariate
     polynomial factored over Q; each real root of an irreducible factor is an element of a
     from-scratch real algebraic field, `evaluator.RealField`).  Every point that satisfies
     the premise as written is mapped and the conclusion is evaluated there exactly.  Verdict
     True or False, exact.
(ii) otherwise, True if every map divisor and every image of a conclusion `nonzero` variable
     has no complex zero on the premise variety (1 in I + <d>) and every composed goal's
     numerator lies in the radical of I (1 in I + <1 - s*N>); False if a real point of the
     premise (some variables fixed to random rationals, the rest solved as in (i)) maps to a
     non-solution -- an exact counterexample; otherwise None ("unknown").

sympy is used for Groebner bases, factorisation and root isolation (untrusted test code).
A wall-clock limit and a size limit turn anything larger into None.
"""
from __future__ import annotations

import random
import signal
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Optional

import sympy

from . import evaluator as R
from .reader import Etr, Training, Unknown, read

MAX_UNKNOWNS = 24          # premise unknowns (plus one per nonzero variable) for Groebner bases
BUILTIN = {"squared", "mse", "absolute", "lp", "l0", "zero_one"}


class _Timeout(Exception):
    pass


@contextmanager
def deadline(seconds: float):
    """Raise Unknown after `seconds` of wall-clock time (main thread only, and only when no
    other timer is pending; else no limit)."""
    def handler(signum, frame):
        raise _Timeout()
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:      # someone else's timer: leave it be
        yield
        return
    try:
        old = signal.signal(signal.SIGALRM, handler)
    except ValueError:               # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise Unknown("out of time")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---- exact values at a point (Fraction or evaluator.Alg) -----------------------------------
class Undefined(Exception):
    """An evaluation error at a point (division by zero): the value is not defined."""


def _pow(base, k: int):
    if k < 0:
        base, k = _inverse(base), -k
    acc: Any = Fraction(1)
    for _ in range(k):
        acc = base * acc
    return acc


def _inverse(x):
    if R.sign(x) == 0:
        raise Undefined("division by zero")
    return x.inverse() if isinstance(x, R.Alg) else 1 / Fraction(x)


def _rational(x) -> Fraction:
    if not R.is_rational_value(x):
        raise Unknown("an irrational argument to a rational-only operation")
    return R.rational_value(x)


def _number(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, (Fraction, R.Alg)):
        raise Unknown("a truth value where a number is expected")
    return v


def _truth(v: Any) -> bool:
    if not isinstance(v, bool):
        raise Unknown("a number where a truth value is expected")
    return v


def point_value(e: tuple, env: dict) -> Any:
    """The exact value (number or bool, strictly typed) of an expression at a point."""
    kind = e[0]
    num = lambda x: _number(point_value(x, env))        # noqa: E731
    truth = lambda x: _truth(point_value(x, env))       # noqa: E731
    if kind == "num":
        return e[1]
    if kind == "var":
        if e[1] not in env:
            raise Unknown(f"unbound name {e[1]}")
        return env[e[1]]
    if kind == "neg":
        return -num(e[1])
    if kind == "add":
        acc: Any = Fraction(0)
        for s, t in e[1]:
            v = num(t)
            acc = acc + v if s > 0 else acc - v
        return acc
    if kind == "mul":
        acc = Fraction(1)
        for op, f in e[1]:
            v = num(f)
            acc = v * acc if op == "*" else _inverse(v) * acc
        return acc
    if kind == "pow":
        k = _rational(num(e[2]))
        if k.denominator != 1:
            raise Undefined("a non-integer exponent")
        if abs(k) > 64:
            raise Unknown("a large exponent")
        return _pow(num(e[1]), int(k))
    if kind == "cmp":
        d = R.sign(num(e[2]) - num(e[3]))
        return {"=": d == 0, "!=": d != 0, "<": d < 0, "<=": d <= 0, ">": d > 0,
                ">=": d >= 0}[e[1]]
    if kind in ("and", "or"):
        try:                            # whether and/or short-circuit is not ours to guess
            vals = [truth(a) for a in e[1]]
        except Undefined:
            raise Unknown("an evaluation error inside and/or")
        return all(vals) if kind == "and" else any(vals)
    if kind == "not":
        return not truth(e[1])
    if kind == "if":
        return point_value(e[2] if truth(e[1]) else e[3], env)
    fn, args = e[1], [num(a) for a in e[2]]
    if fn == "abs" and len(args) == 1:
        return -args[0] if R.sign(args[0]) < 0 else args[0]
    if fn == "relu" and len(args) == 1:
        return args[0] if R.sign(args[0]) > 0 else Fraction(0)
    if fn in ("min", "max") and args:
        best = args[0]
        for v in args[1:]:
            if R.sign(v - best) * (1 if fn == "max" else -1) > 0:
                best = v
        return best
    if fn in ("floor", "ceil", "frac") and len(args) == 1:
        q = _rational(args[0])
        f = Fraction(q.__floor__())
        return f if fn == "floor" else Fraction(q.__ceil__()) if fn == "ceil" else q - f
    raise Unknown(f"function {fn}")


# ---- symbolic values (sympy rational functions), recording divisors --------------------------
def sym_value(e: tuple, env: dict, divisors: list) -> Any:
    """The expression as a sympy rational function; every divisor as written goes to
    `divisors`.  Only + - * / and integer powers; anything else is Unknown."""
    kind = e[0]
    if kind == "num":
        return sympy.Rational(e[1].numerator, e[1].denominator)
    if kind == "var":
        if e[1] not in env:
            raise Unknown(f"unbound name {e[1]}")
        return env[e[1]]
    if kind == "neg":
        return -sym_value(e[1], env, divisors)
    if kind == "add":
        acc = sympy.Integer(0)
        for s, t in e[1]:
            acc += s * sym_value(t, env, divisors)
        return acc
    if kind == "mul":
        acc = sympy.Integer(1)
        for op, f in e[1]:
            v = sym_value(f, env, divisors)
            if op == "/":
                divisors.append(v)
                acc = acc / v
            else:
                acc = acc * v
        return acc
    if kind == "pow":
        k = sym_value(e[2], env, divisors)
        if not (k.is_Integer):
            raise Unknown("a non-constant or non-integer exponent")
        if abs(int(k)) > 64:
            raise Unknown("a large exponent")
        base = sym_value(e[1], env, divisors)
        if k < 0:
            divisors.append(base)
        return base ** int(k)
    raise Unknown(f"{kind} in a symbolic value")


def _conjuncts(e: tuple) -> list:
    return [x for a in e[1] for x in _conjuncts(a)] if e[0] == "and" else [e]


# ---- the instances as systems ---------------------------------------------------------------
class System:
    """An instance read as a polynomial system: unknowns, nonzero unknowns, `holds(point)`
    (exact, as written) and `equations(env)` (sympy, numerators = 0 describe the solutions
    together with the nonzero conditions)."""

    def __init__(self, inst: Any):
        if isinstance(inst, Etr):
            self.unknowns = list(inst.variables)
            self.nonzero = [v for v in inst.variables if v in inst.nonzero]
            self.domains = {v: [self._const(d) for d in dom] for v, dom in inst.domains.items()}
            self.atoms = [a for f in inst.formulas for a in _conjuncts(f)]
            if not self.atoms:
                raise Unknown("an ETR instance without a formula")
            self.eq_atoms = [a for a in self.atoms if a[0] == "cmp" and a[1] == "="]
            if any(a[0] in ("or", "not", "if") for a in self.atoms):
                raise Unknown("a formula that is not a conjunction of atoms")
            self.only_equations = len(self.eq_atoms) == len(self.atoms)
        elif isinstance(inst, Training):
            if inst.loss is None or inst.loss[0] not in BUILTIN or inst.gamma is None:
                raise Unknown("a training instance without a built-in loss and gamma")
            if inst.loss[0] == "lp" and not (inst.loss[1] or 0) >= 1:
                raise Unknown("an lp loss with exponent < 1")
            if self._const(inst.gamma) != 0:
                raise Unknown("gamma is not 0")
            if any(n.act != "identity" for n in inst.neurons):
                raise Unknown("a non-identity activation")
            self.unknowns = list(inst.params)
            self.nonzero = []
            self.only_equations = True
            self.domains = {p: [self._const(d) for d in dom]
                            for p, dom in inst.params.items() if dom is not None}
        else:
            raise Unknown("not an ETR or training instance")
        self.inst = inst

    @staticmethod
    def _const(e: tuple) -> Fraction:
        v = point_value(e, {})
        if not isinstance(v, Fraction):
            raise Unknown("a non-rational constant")
        return v

    # exact, at a point
    def holds(self, point: dict) -> bool:
        """Does the point (all unknowns, exact values) solve the instance, as written?"""
        for v in self.nonzero:
            if R.sign(point[v]) == 0:
                return False
        for v, dom in self.domains.items():
            if not any(R.sign(point[v] - d) == 0 for d in dom):
                return False
        try:
            if isinstance(self.inst, Etr):
                return all([_truth(point_value(a, point)) for a in self.atoms])
            return all(R.sign(p - y) == 0 for p, y in self._network(point, lambda q: q))
        except Undefined:
            return False

    def _network(self, env: dict, lift) -> list:
        """(prediction, target) for every known target, in order."""
        inst = self.inst
        out = []

        def coef(c):
            if c[0] == "num":
                return lift(c[1])
            return env[c[1]] if c[2] > 0 else -env[c[1]]

        for inputs, targets in inst.points:
            vals = {n: lift(x) for n, x in zip(inst.inputs, inputs)}
            for n in inst.neurons:
                acc = lift(Fraction(0))
                for src, c in n.edges:
                    acc = acc + coef(c) * vals[src]
                for c in n.biases:
                    acc = acc + coef(c)
                vals[n.name] = acc
            for o, y in zip(inst.outputs, targets):
                if y is not None:
                    out.append((vals[o], lift(y)))
        return out

    # symbolic
    def equations(self, env: dict) -> tuple[list, list]:
        """(numerators of the equations incl. finite domains, divisors as written)."""
        divisors: list = []
        eqs = []
        if isinstance(self.inst, Etr):
            for a in self.eq_atoms:
                eqs.append(sym_value(a[2], env, divisors) - sym_value(a[3], env, divisors))
        else:
            lift = lambda q: sympy.Rational(q.numerator, q.denominator)   # noqa: E731
            eqs = [p - y for p, y in self._network(env, lift)]
        for v, dom in self.domains.items():
            poly = sympy.Integer(1)
            for d in dom:
                poly *= env[v] - sympy.Rational(d.numerator, d.denominator)
            eqs.append(poly)
        nums = [sympy.numer(sympy.together(sympy.expand(q))) for q in eqs]
        return [sympy.expand(n) for n in nums if sympy.expand(n) != 0], divisors


# ---- real solutions of a zero-dimensional system --------------------------------------------
def _shape(eqs: list, gens: list, rng: random.Random) -> Optional[tuple]:
    """(p(t), {gen: g(t)}) with V(eqs) = {g(t0) : p(t0) = 0}, or None if not found."""
    t = sympy.Symbol("t_shape")
    for _ in range(4):
        c = [rng.randint(-7, 7) for _ in gens]
        G = sympy.groebner(eqs + [t - sum(ci * g for ci, g in zip(c, gens))], *gens, t,
                           order="lex")
        exprs = list(G.exprs)
        if exprs == [1]:
            return sympy.Integer(1), {}
        if len(exprs) != len(gens) + 1:
            continue
        sol, ok = {}, True
        for g, q in zip(gens, exprs[:-1]):
            a = sympy.expand(q).coeff(g, 1)
            rest = sympy.expand(q - a * g)
            if not a.is_Number or a == 0 or rest.free_symbols - {t}:
                ok = False
                break
            sol[g] = -rest / a
        p = exprs[-1]
        if ok and p.free_symbols <= {t}:
            return sympy.Poly(p, t), {g: sympy.Poly(v, t) for g, v in sol.items()}
    return None


def _squarefree_eliminants(eqs: list, gens: list) -> list:
    """For a zero-dimensional ideal I: the square-free parts of the generators of I meet
    Q[g], one per unknown g; I plus these is the radical of I (Seidenberg's lemma)."""
    out = []
    for g in gens:
        G = sympy.groebner(eqs, *[h for h in gens if h != g], g, order="lex")
        last = G.exprs[-1]
        if not last.free_symbols <= {g}:
            raise Unknown("no univariate eliminant: not zero-dimensional")
        out.append(sympy.sqf_part(last))
    return out


def real_points(eqs: list, gens: list, rng: random.Random) -> list:
    """Every real zero of a zero-dimensional system, as {gen: Fraction | Alg}."""
    if not gens:
        return [] if any(e != 0 for e in eqs) else [{}]
    if not eqs:
        raise Unknown("not zero-dimensional")
    shape = _shape(eqs, gens, rng)
    if shape is None:                   # not radical?  Seidenberg: add square-free eliminants
        shape = _shape(eqs + _squarefree_eliminants(eqs, gens), gens, rng)
    if shape is None:
        raise Unknown("no shape-position basis found")
    p, sol = shape
    if p == 1:
        return []
    points = []
    for q, _mult in sympy.factor_list(p.as_expr())[1]:
        q = sympy.Poly(q, p.gens[0])
        coeffs = [int(c) for c in reversed(q.clear_denoms()[1].all_coeffs())]
        if q.degree() == 1:
            root = Fraction(-coeffs[0], coeffs[1])
            points.append({g: _eval_rational(v, root) for g, v in sol.items()})
            continue
        if q.degree() > 40:
            raise Unknown("a root of high degree")
        for (lo, hi), _m in q.intervals():
            F = R.RealField("t", coeffs, Fraction(int(lo.p), int(lo.q)),
                            Fraction(int(hi.p), int(hi.q)), irreducible=True)
            points.append({g: F(*[Fraction(int(c.p), int(c.q))
                                  for c in reversed(v.all_coeffs())]) for g, v in sol.items()})
    return points


def _eval_rational(v: Any, x: Fraction) -> Fraction:
    acc = Fraction(0)
    for c in v.all_coeffs():
        acc = acc * x + Fraction(int(c.p), int(c.q))
    return acc


# ---- one direction ---------------------------------------------------------------------------
class Direction:
    def __init__(self, premise: System, conclusion: System, maps: dict, seed: int = 0):
        if set(maps) != set(conclusion.unknowns):
            raise Unknown("the map does not give exactly the conclusion's unknowns")
        self.P, self.C, self.maps = premise, conclusion, maps
        self.rng = random.Random(seed)
        self.sym = {u: sympy.Symbol(f"u{i}") for i, u in enumerate(premise.unknowns)}
        self.inv = {v: sympy.Symbol(f"inv{i}") for i, v in enumerate(premise.nonzero)}
        self.gens = list(self.sym.values()) + list(self.inv.values())
        if len(self.gens) > MAX_UNKNOWNS:
            raise Unknown(f"{len(self.gens)} unknowns is beyond the reference")
        eqs, _div = premise.equations(self.sym)
        self.eqs = eqs + [self.sym[v] * t - 1 for v, t in self.inv.items()]

    def holds_at(self, point: dict) -> bool:
        """The premise point (exact) maps, defined, to a solution of the conclusion."""
        try:
            image = {n: point_value(e, point) for n, e in self.maps.items()}
        except Undefined:
            return False
        for v in image.values():
            _number(v)
        return self.C.holds(image)

    def _premise_points(self, eqs: list, gens: list) -> list:
        out = []
        back = {s: u for u, s in self.sym.items()}
        for pt in real_points(eqs, gens, self.rng):
            point = {back[g]: v for g, v in pt.items() if g in back}
            if self.P.holds(point):
                out.append(point)
        return out

    def decide(self) -> Optional[bool]:
        G = sympy.groebner(self.eqs, *self.gens, order="grevlex") if self.eqs else None
        if G is not None and list(G.exprs) == [1]:
            return True                                   # no solution at all
        if G is not None and G.is_zero_dimensional:
            return all(self.holds_at(p) for p in self._premise_points(self.eqs, self.gens))
        if self._by_membership(G):
            return True
        return False if self._counterexample(G) else None

    # (ii) sufficient for True
    def _by_membership(self, G) -> bool:
        if not self.C.only_equations:
            return False
        divisors: list = []
        try:
            image = {n: sympy.together(sym_value(e, self.sym, divisors))
                     for n, e in self.maps.items()}
            goals, more = self.C.equations(image)
        except Unknown:
            return False
        s = sympy.Symbol("s_rabinowitsch")
        base = list(G.exprs) if G is not None else []

        def no_zero(d) -> bool:           # d has no complex zero on V(I)
            n = sympy.numer(sympy.together(d))
            return sympy.groebner(base + [n], *self.gens, order="grevlex").exprs == [1]

        def vanishes(f) -> bool:          # f in the radical of I
            f = sympy.expand(f)
            if f == 0:
                return True
            if G is not None and G.contains(f):
                return True
            return sympy.groebner(base + [1 - s * f], *self.gens, s,
                                  order="grevlex").exprs == [1]

        for d in divisors + more:
            if not no_zero(d):
                return False
        for v in self.C.nonzero:
            if not no_zero(image[v]):
                return False
        return all(vanishes(g) for g in goals)

    # (ii) evidence for False: an exact real point of the premise that maps to a non-solution
    def _counterexample(self, G, tries: int = 8) -> bool:
        if G is None:
            free = list(self.gens)
        else:
            leads = [set(g for g, k in zip(self.gens, sympy.Poly(q, *self.gens).monoms(
                order="grevlex")[0]) if k) for q in G.exprs]
            free = []
            for g in self.gens:
                if not any(lead <= set(free) | {g} for lead in leads):
                    free.append(g)
        values = [Fraction(k, d) for k in range(-3, 4) for d in (1, 2, 3) if k]
        for _ in range(tries):
            fixed = {g: self.rng.choice(values) for g in free}
            subs = {g: sympy.Rational(v.numerator, v.denominator) for g, v in fixed.items()}
            eqs = [e for e in (sympy.expand(q.subs(subs)) for q in self.eqs) if e != 0]
            rest = [g for g in self.gens if g not in fixed]
            try:
                pts = real_points(eqs, rest, self.rng)
            except Unknown:
                continue
            back = {s: u for u, s in self.sym.items()}
            for pt in pts:
                full = {**fixed, **pt}
                point = {back[g]: v for g, v in full.items() if g in back}
                if self.P.holds(point) and not self.holds_at(point):
                    return True
        return False


def decide_reduction(doc: Any, name: str, seconds: float = 10.0) -> tuple[Optional[bool], str]:
    """(True | False | None, why) for `corresponds(name)`: both directions, semantically."""
    red = doc.reductions.get(name)
    if red is None:
        return False, f"no reduction {name}"
    S, T = doc.instances.get(red.source), doc.instances.get(red.target)
    if S is None or T is None:
        return None, "a source or target that is not an ETR or training instance"
    try:
        with deadline(seconds):
            PS, PT = System(S), System(T)
            verdicts = []
            for what, a, b, maps in (("forward", PS, PT, red.encode),
                                     ("backward", PT, PS, red.decode)):
                v = Direction(a, b, maps).decide()
                if v is False:
                    return False, f"{what}: a solution of {a.inst.name} maps to a non-solution"
                verdicts.append(v)
            if all(verdicts):
                return True, "both directions hold"
            return None, "undecided: neither ideal membership nor a counterexample"
    except Unknown as e:
        return None, str(e)
    except (ArithmeticError, ValueError, NotImplementedError, sympy.polys.polyerrors.PolyError,
            RecursionError) as e:
        return None, f"the reference failed: {type(e).__name__}: {e}"


def decide_document(text: str, seconds: float = 10.0) -> dict:
    """{reduction name: (verdict, why)} for every `corresponds` claim of the document;
    {"*": (None, why)} if the reader does not understand the document."""
    try:
        doc = read(text)
    except Unknown as e:
        return {"*": (None, str(e))}
    return {c[1][0]: decide_reduction(doc, c[1][0], seconds)
            for c in doc.claims if c[0] == "corresponds" and len(c[1]) == 1}
