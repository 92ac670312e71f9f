"""Reference semantics of NN-TRAINING witnesses, written independently of the kernel.

Deliberately slow and simple: every number is a `fractions.Fraction`, or an element of a real
algebraic number field Q(theta) implemented here from scratch:

* polynomials over Q are lists of Fractions (ascending coefficients, no trailing zeros);
* an element of Q(theta) is a polynomial of degree < deg m, reduced modulo m;
* theta is isolated by a Sturm sequence (exactly one root of m in the open interval), and a
  sign is decided by (1) an exact zero test -- a non-zero representative can still vanish at
  theta only if gcd(rep, m) has a root in theta's interval, which a Sturm count decides -- and
  (2) Horner evaluation in rational interval arithmetic on theta's interval, bisected (by exact
  Sturm counts) until the value interval excludes zero.

No floats, no sympy, nothing from `checker`.  The entry point is `evaluate(instance,
assignment, field)`, returning the exact total loss and whether the assignment solves the
instance.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from fractions import Fraction
from typing import Optional, Union

Poly = list  # list[Fraction], ascending, no trailing zeros ([] is the zero polynomial)


# =============================================================================================
# Polynomials over Q
# =============================================================================================
def p_norm(a) -> Poly:
    a = [Fraction(c) for c in a]
    while a and a[-1] == 0:
        a.pop()
    return a


def p_add(a: Poly, b: Poly) -> Poly:
    n = max(len(a), len(b))
    return p_norm([(a[i] if i < len(a) else 0) + (b[i] if i < len(b) else 0) for i in range(n)])


def p_neg(a: Poly) -> Poly:
    return [-c for c in a]


def p_sub(a: Poly, b: Poly) -> Poly:
    return p_add(a, p_neg(b))


def p_scale(a: Poly, c) -> Poly:
    return p_norm([x * c for x in a])


def p_mul(a: Poly, b: Poly) -> Poly:
    if not a or not b:
        return []
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return p_norm(out)


def p_divmod(a: Poly, b: Poly) -> tuple[Poly, Poly]:
    if not b:
        raise ZeroDivisionError("polynomial division by zero")
    r = list(a)
    q = [Fraction(0)] * max(len(a) - len(b) + 1, 0)
    lead = b[-1]
    while len(r) >= len(b) and r:
        shift = len(r) - len(b)
        c = r[-1] / lead
        q[shift] = c
        for i, y in enumerate(b):
            r[shift + i] -= c * y
        r = p_norm(r)
    return p_norm(q), r


def p_rem(a: Poly, b: Poly) -> Poly:
    return p_divmod(a, b)[1]


def p_deriv(a: Poly) -> Poly:
    return p_norm([i * a[i] for i in range(1, len(a))])


def p_gcd(a: Poly, b: Poly) -> Poly:
    """Monic gcd (the zero polynomial if both are zero)."""
    a, b = p_norm(a), p_norm(b)
    while b:
        a, b = b, p_rem(a, b)
    return p_scale(a, 1 / a[-1]) if a else []


def p_eval(a: Poly, x: Fraction) -> Fraction:
    v = Fraction(0)
    for c in reversed(a):
        v = v * x + c
    return v


def _sgn(x) -> int:
    return (x > 0) - (x < 0)


# =============================================================================================
# Sturm sequences and interval arithmetic
# =============================================================================================
def sturm_chain(m: Poly) -> list[Poly]:
    chain = [p_norm(m), p_deriv(m)]
    while chain[-1]:
        r = p_neg(p_rem(chain[-2], chain[-1]))
        if not r:
            break
        chain.append(r)
    return [c for c in chain if c]


def _variations(chain: list[Poly], x: Fraction) -> int:
    signs = [s for s in (_sgn(p_eval(c, x)) for c in chain) if s != 0]
    return sum(1 for s, t in zip(signs, signs[1:]) if s != t)


def count_roots(m: Poly, lo: Fraction, hi: Fraction) -> int:
    """Number of distinct real roots of m in the half-open interval (lo, hi] (Sturm)."""
    if len(m) <= 1:
        return 0
    chain = sturm_chain(m)
    return _variations(chain, lo) - _variations(chain, hi)


def i_add(a, b):
    return (a[0] + b[0], a[1] + b[1])


def i_mul(a, b):
    ps = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return (min(ps), max(ps))


def interval_horner(a: Poly, lo: Fraction, hi: Fraction) -> tuple[Fraction, Fraction]:
    """An enclosure of {a(x) : lo <= x <= hi}, in exact rational interval arithmetic."""
    v = (Fraction(0), Fraction(0))
    x = (lo, hi)
    for c in reversed(a):
        v = i_add(i_mul(v, x), (c, c))
    return v


def _rational_roots(coeffs: list[int]) -> list[Fraction]:
    """All rational roots of an integer polynomial (rational root theorem; small inputs)."""
    coeffs = list(coeffs)
    roots = []
    if coeffs[0] == 0:
        roots.append(Fraction(0))
        while coeffs and coeffs[0] == 0:
            coeffs = coeffs[1:]
    if len(coeffs) <= 1:
        return roots
    a0, an = abs(coeffs[0]), abs(coeffs[-1])
    divs = lambda n: [d for d in range(1, n + 1) if n % d == 0]  # noqa: E731
    poly = p_norm(coeffs)
    for p in divs(a0):
        for q in divs(an):
            for s in (1, -1):
                x = Fraction(s * p, q)
                if p_eval(poly, x) == 0 and x not in roots:
                    roots.append(x)
    return roots


# =============================================================================================
# Real algebraic number fields
# =============================================================================================
class RealField:
    """Q(theta), theta the unique real root of the integer polynomial `coeffs` (ascending) in
    the open interval (lo, hi).  The declaration is verified here, independently."""

    def __init__(self, name: str, coeffs: list[int], lo, hi, irreducible: bool = False):
        """`irreducible=True`: the caller has established irreducibility (needed above degree 3,
        where this reference's rational-root test does not suffice)."""
        self.name = name
        self.coeffs = [int(c) for c in coeffs]
        self.lo0, self.hi0 = Fraction(lo), Fraction(hi)
        m = p_norm(self.coeffs)
        if len(m) < 2:
            raise ValueError("field polynomial of degree < 1")
        if not self.lo0 < self.hi0:
            raise ValueError("empty interval")
        self.m = p_scale(m, 1 / m[-1])            # monic
        self.degree = len(self.m) - 1
        if self.degree > 3 and not irreducible:
            raise NotImplementedError("the reference checks irreducibility for degree <= 3 only")
        if self.degree > 1 and _rational_roots(self.coeffs):
            raise ValueError("reducible field polynomial")
        if p_eval(self.m, self.lo0) == 0 or p_eval(self.m, self.hi0) == 0:
            raise ValueError("an interval end is a root")
        if len(p_gcd(self.m, p_deriv(self.m))) > 1:
            raise ValueError("field polynomial is not square-free")
        if count_roots(self.m, self.lo0, self.hi0) != 1:
            raise ValueError("not exactly one root in the interval")
        self.lo, self.hi = self.lo0, self.hi0

    # ---- elements
    def __call__(self, *coeffs) -> "Alg":
        """The element c0 + c1*theta + c2*theta^2 + ..."""
        return Alg(self, p_rem(p_norm(coeffs), self.m))

    def theta(self) -> "Alg":
        return self(0, 1)

    def _refine(self) -> None:
        mid = (self.lo + self.hi) / 2
        if p_eval(self.m, mid) == 0:               # impossible for irreducible m, degree >= 2
            self.lo = self.hi = mid
        elif count_roots(self.m, self.lo, mid) == 1:
            self.hi = mid
        else:
            self.lo = mid

    def vanishes(self, rep: Poly) -> bool:
        """Is rep(theta) = 0?  Exact: rep = 0, or gcd(rep, m) has its root in theta's interval."""
        if not rep:
            return True
        g = p_gcd(rep, self.m)
        if len(g) <= 1:
            return False
        return count_roots(g, self.lo0, self.hi0) > 0

    def sign_of(self, rep: Poly) -> int:
        if self.vanishes(rep):
            return 0
        while True:
            lo, hi = interval_horner(rep, self.lo, self.hi)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
            self._refine()

    def enclose(self, rep: Poly, width: Fraction) -> tuple[Fraction, Fraction]:
        """Rationals lo <= rep(theta) <= hi with hi - lo <= width (both ends exact if rational)."""
        if len(rep) <= 1:
            v = rep[0] if rep else Fraction(0)
            return v, v
        while True:
            lo, hi = interval_horner(rep, self.lo, self.hi)
            if hi - lo <= width:
                return lo, hi
            self._refine()

    def declaration(self) -> str:
        terms = []
        for k in range(len(self.coeffs) - 1, -1, -1):
            c = self.coeffs[k]
            if c == 0:
                continue
            mag = abs(c)
            if k == 0:
                body = str(mag)
            else:
                power = self.name if k == 1 else f"{self.name}^{k}"
                body = power if mag == 1 else f"{mag}*{power}"
            terms.append(("-" if c < 0 else "+", body))
        text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
        for s, body in terms[1:]:
            text += f" {s} {body}"
        return f"field {self.name}: {text} in ({_frac_text(self.lo0)}, {_frac_text(self.hi0)});"


def _frac_text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


class Alg:
    """An element of a RealField: `rep` is its reduced coefficient list."""

    __slots__ = ("F", "rep")

    def __init__(self, F: RealField, rep: Poly):
        self.F, self.rep = F, rep

    def _lift(self, other) -> "Alg":
        if isinstance(other, Alg):
            if other.F is not self.F:
                raise ValueError("elements of different fields")
            return other
        return Alg(self.F, p_norm([Fraction(other)]))

    def __add__(self, other):
        return Alg(self.F, p_add(self.rep, self._lift(other).rep))

    __radd__ = __add__

    def __neg__(self):
        return Alg(self.F, p_neg(self.rep))

    def __sub__(self, other):
        return Alg(self.F, p_sub(self.rep, self._lift(other).rep))

    def __rsub__(self, other):
        return Alg(self.F, p_sub(self._lift(other).rep, self.rep))

    def __mul__(self, other):
        return Alg(self.F, p_rem(p_mul(self.rep, self._lift(other).rep), self.F.m))

    __rmul__ = __mul__

    def inverse(self) -> "Alg":
        """1/self by the extended Euclidean algorithm on (rep, m): s*rep + t*m = gcd = 1."""
        if not self.rep:
            raise ZeroDivisionError("inverse of 0")
        r0, r1, s0, s1 = self.F.m, self.rep, [], [Fraction(1)]
        while len(r1) > 1:
            q, r = p_divmod(r0, r1)
            r0, r1, s0, s1 = r1, r, s1, p_sub(s0, p_mul(q, s1))
        return Alg(self.F, p_rem(p_scale(s1, 1 / r1[0]), self.F.m))

    def coeffs(self) -> list[Fraction]:
        return list(self.rep) + [Fraction(0)] * (self.F.degree - len(self.rep))

    def is_rational(self) -> bool:
        return len(self.rep) <= 1

    def rational(self) -> Fraction:
        assert self.is_rational()
        return self.rep[0] if self.rep else Fraction(0)

    def __repr__(self):
        return f"Alg({self.F.name}, {[str(c) for c in self.rep]})"


Number = Union[Fraction, Alg]


def sign(x: Number) -> int:
    if isinstance(x, Alg):
        return x.F.sign_of(x.rep)
    return _sgn(x)


def is_rational_value(x: Number) -> bool:
    """Is the value rational?  (In an irreducible field of degree >= 2 the rational elements are
    exactly the constants; degree 1 fields are all rational.)"""
    if isinstance(x, Alg):
        return x.is_rational() or x.F.degree == 1
    return True


def rational_value(x: Number) -> Fraction:
    if isinstance(x, Alg):
        if x.is_rational():
            return x.rational()
        lo, _ = x.F.enclose(x.rep, Fraction(0))    # degree 1: the exact value
        return lo
    return Fraction(x)


# =============================================================================================
# Training instances
# =============================================================================================
@dataclass
class Coef:
    """A coefficient on an edge or a bias term: a fixed rational, or sign * (a parameter)."""

    value: Optional[Fraction] = None
    param: Optional[str] = None
    sign: int = 1


@dataclass
class Neuron:
    name: str
    role: str                           # 'hidden' | 'output'
    act: str                            # 'identity' | 'relu' | 'threshold'
    edges: list                         # [(source name, Coef)]
    bias: list                          # [Coef]


@dataclass
class Param:
    name: str
    domain: Optional[tuple] = None      # None: all reals; else a tuple of distinct Fractions
    fixed: bool = False                 # rendered `param w 3/4;` (a one-value domain)


@dataclass
class Point:
    inputs: list                        # [Fraction]
    targets: list                       # [Fraction | None]   (None: the target `?`)


@dataclass
class Instance:
    inputs: list                        # [str]
    neurons: list                       # [Neuron], a topological order
    params: list                        # [Param]
    points: list                        # [Point]
    loss: str                           # squared | mse | absolute | lp | l0 | zero_one
    gamma: Fraction = Fraction(0)
    p: Optional[int] = None             # the exponent of lp
    name: str = "I"

    @property
    def outputs(self) -> list:
        return [n.name for n in self.neurons if n.role == "output"]


@dataclass
class Result:
    total: Optional[Number]             # None if the witness is invalid before evaluation
    solves: bool
    reason: str = ""
    point_losses: list = dc_field(default_factory=list)


LOSSES = ("squared", "mse", "absolute", "lp", "l0", "zero_one")
ACTIVATIONS = ("identity", "relu", "threshold")


def _activate(act: str, t: Number) -> Number:
    if act == "identity":
        return t
    if act == "relu":
        return t if sign(t) > 0 else Fraction(0)
    if act == "threshold":
        return Fraction(1) if sign(t) > 0 else Fraction(0)
    raise ValueError(f"unknown activation {act!r}")


def _coef(c: Coef, assignment: dict) -> Number:
    if c.param is None:
        return Fraction(c.value)
    v = assignment[c.param]
    return v if c.sign > 0 else -v


def preactivation(n: Neuron, values: dict, assignment: dict) -> Number:
    t: Number = Fraction(0)
    for src, c in n.edges:
        t = t + _coef(c, assignment) * values[src]
    for c in n.bias:
        t = t + _coef(c, assignment)
    return t


def forward(inst: Instance, assignment: dict, point: Point, upto: Optional[str] = None) -> dict:
    """All neuron values on one point (a dict name -> value); stop after neuron `upto`."""
    values: dict = {name: Fraction(x) for name, x in zip(inst.inputs, point.inputs)}
    for n in inst.neurons:
        if upto is not None and n.name == upto:
            values[("pre", n.name)] = preactivation(n, values, assignment)
            return values
        values[n.name] = _activate(n.act, preactivation(n, values, assignment))
    return values


def _abs(d: Number) -> Number:
    return -d if sign(d) < 0 else d


def point_loss(loss: str, p: Optional[int], targets: list, predicted: list) -> Number:
    diffs = [y - q for y, q in zip(targets, predicted) if y is not None]
    if loss == "zero_one":
        return Fraction(0) if all(sign(d) == 0 for d in diffs) else Fraction(1)
    if loss == "l0":
        return Fraction(sum(1 for d in diffs if sign(d) != 0))
    total: Number = Fraction(0)
    for d in diffs:
        if loss in ("squared", "mse"):
            term = d * d
        elif loss == "absolute":
            term = _abs(d)
        elif loss == "lp":
            a = _abs(d)
            term = Fraction(1)
            for _ in range(p):
                term = term * a
        else:
            raise ValueError(f"unknown loss {loss!r}")
        total = total + term
    if loss == "mse":
        total = total * Fraction(1, len(targets))
    return total


def total_loss(inst: Instance, assignment: dict) -> tuple[Number, list]:
    total: Number = Fraction(0)
    per_point = []
    outs = inst.outputs
    for pt in inst.points:
        values = forward(inst, assignment, pt)
        loss = point_loss(inst.loss, inst.p, pt.targets, [values[o] for o in outs])
        per_point.append(loss)
        total = total + loss
    return total, per_point


def evaluate(inst: Instance, assignment: dict) -> Result:
    """The exact total loss of `assignment` on `inst`, and whether it solves the instance:
    every parameter (and nothing else) has a value, each value lies in its domain, and the
    total loss is at most gamma."""
    names = {p.name for p in inst.params}
    missing = sorted(names - set(assignment))
    if missing:
        return Result(None, False, f"no value for parameter {missing[0]!r}")
    extra = sorted(set(assignment) - names)
    if extra:
        return Result(None, False, f"value for {extra[0]!r}, which is not a parameter")
    for prm in inst.params:
        if prm.domain is None:
            continue
        v = assignment[prm.name]
        if not (is_rational_value(v) and rational_value(v) in prm.domain):
            return Result(None, False, f"parameter {prm.name!r} outside its domain")
    total, per_point = total_loss(inst, assignment)
    fits = sign(total - inst.gamma) <= 0
    return Result(total, fits, "" if fits else "total loss exceeds gamma", per_point)
