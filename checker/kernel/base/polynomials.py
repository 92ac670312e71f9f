"""Exact multivariate polynomials over Q, for identity certificates.

`PolynomialRing(names, budget)` is Q[names] (FLINT `fmpq_mpoly`), with the ring part of the
fields' interface, so that `semantics/polyeval.py` turns a polynomial term (syntax/polyterm.py)
into a polynomial.  Only ring operations are defined: division by a non-zero constant, natural
powers within the degree budget; comparisons, floor and the like reject as "not a polynomial"
(no polynomial term can ask for them; the general expression evaluator is never run over a ring).

Every product, power, gcd and division asks the ring's `Budget` first, with an UPPER BOUND on
the size of its result computed from the operands alone (the estimates below):
the number of terms (`--max-terms`) and the bits of every coefficient (`--max-bits`).  A
FLINT call that could exceed either is never started: the step DECLINEs.  The bounds are
explained in docs/SOUNDNESS.md (Part I).
"""
from __future__ import annotations

from typing import Any

from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx, fmpz
from flint.utils.flint_exceptions import DomainError

from checker.kernel.base.budget import Budget, Decline, Reject


# ---- size estimates (upper bounds, computed before the operation) ---------------------------
def ceil_log2(m: int) -> int:
    """The least e with 2^e >= m (m >= 1)."""
    return (int(m) - 1).bit_length()


def binomial_capped(n: int, k: int, cap: int) -> int:
    """C(n, k), or any number > cap once it is known to exceed cap (cheap when it does)."""
    k = min(k, n - k)
    if k < 0:
        return 0
    r = 1
    for i in range(1, k + 1):
        r = r * (n - k + i) // i           # exact: r is C(n - k + i, i)
        if r > cap:
            return r
    return r


_HEIGHTS: dict[int, tuple] = {}            # id(p) -> (p, height): p is kept alive, so ids hold
_HEIGHT_CACHE = 64


def height(p: fmpq_mpoly) -> tuple[int, int]:
    """(nb, db): D p is an integer polynomial with coefficients < 2^nb, for D < 2^db the lcm
    of the coefficients' denominators.  Every coefficient then has numerator and denominator
    < 2^nb.  Cached for the last few polynomials asked about (a factor is often reused)."""
    hit = _HEIGHTS.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1]
    cs = p.coeffs()
    den = fmpz(1)
    for q in {c.q for c in cs}:
        if q != 1:
            den = den.lcm(q)
    db = den.bit_length()
    nb = max((abs(c.p).bit_length() for c in cs), default=0) + (db if db > 1 else 0)
    if len(_HEIGHTS) >= _HEIGHT_CACHE:
        _HEIGHTS.clear()
    _HEIGHTS[id(p)] = (p, (nb, db))
    return nb, db


def _unit_monomial(p: fmpq_mpoly) -> bool:
    """p = ±x^alpha: multiplying by it moves the other factor's terms and copies its
    coefficients (up to sign), so the product is no larger than the other factor."""
    if len(p) != 1:
        return False
    c = p.coeffs()[0]
    return c == 1 or c == -1


def _degrees(p: fmpq_mpoly) -> list[int]:
    return list(p.degrees()) if not p.is_zero() else [0] * p.context().nvars()


def product_terms(ta: int, tb: int, da: list[int], db: list[int], cap: int) -> int:
    """An upper bound on the terms of a product of polynomials with ta and tb terms and
    degrees da, db per variable: min(ta tb, the box prod(da_v + db_v + 1), C(n + D, n) with n
    the variables involved and D the total degree bound)."""
    bound = ta * tb
    if bound <= cap:
        return bound
    box, n = 1, 0
    for x, y in zip(da, db):
        if x + y:
            box *= x + y + 1
            n += 1
    return min(bound, box)


def power_terms(t: int, k: int, degs: list[int], total: int, cap: int) -> int:
    """An upper bound on the terms of p^k, p with t terms, partial degrees degs and total
    degree `total`: min(C(t + k - 1, k), prod(k d_v + 1), C(n + k total, n)) - or, when
    that is over `cap`, some number over `cap` (each binomial stops counting past the cap)."""
    bound = binomial_capped(t + k - 1, k, cap)
    if bound <= cap:
        return bound
    involved = [d for d in degs if d]
    box = 1
    for d in involved:
        box *= k * d + 1
    simplex = binomial_capped(len(involved) + k * total, len(involved), cap)
    return min(bound, box, simplex)


class PolynomialRing:
    degree = 1
    name = ""

    def __init__(self, names: list[str], budget: Budget | None = None):
        self.ctx = fmpq_mpoly_ctx.get(tuple(names) or ("_",), "degrevlex")
        self.gens = dict(zip(names, self.ctx.gens()))
        self.budget = budget if budget is not None else Budget()

    def env(self) -> dict:
        """The variables, as elements of this ring."""
        return dict(self.gens)

    def from_rational(self, q: fmpq) -> fmpq_mpoly:
        return self.ctx.from_dict({(0,) * self.ctx.nvars(): q}) if q != 0 else self.ctx.from_dict({})

    add = staticmethod(lambda a, b: a + b)
    sub = staticmethod(lambda a, b: a - b)
    neg = staticmethod(lambda a: -a)

    # ---- checked polynomial arithmetic: every costly FLINT call is estimated first ----
    def _check(self, terms: int, bits: int, what: str) -> None:
        b = self.budget
        b.terms(terms, what)
        b.bits(bits, f"a coefficient of {what}")
        b.tick(1)

    def product(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly:
        """a * b, declined if its estimated size is over the budget."""
        if a.is_zero() or b.is_zero() or _unit_monomial(a) or _unit_monomial(b):
            return a * b                  # no new coefficient, at most max(ta, tb) terms
        ta, tb = len(a), len(b)
        terms = product_terms(ta, tb, _degrees(a), _degrees(b), self.budget.max_terms)
        self.budget.terms(terms, "a product of polynomials")
        bits = height(a)[0] + height(b)[0] + ceil_log2(min(ta, tb))
        self._check(terms, bits, "a product of polynomials")
        return a * b

    def mul(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly:
        return self.product(a, b)

    def poly_power(self, a: fmpq_mpoly, k: int) -> fmpq_mpoly:
        """a ** k (k >= 0), declined if its estimated size is over the budget."""
        if k <= 1 or a.is_zero() or _unit_monomial(a):
            return a ** k
        t = len(a)
        terms = power_terms(t, k, _degrees(a), a.total_degree(), self.budget.max_terms)
        self.budget.terms(terms, "a power of a polynomial")
        self._check(terms, k * (height(a)[0] + ceil_log2(t)), "a power of a polynomial")
        return a ** k

    def factor_bits(self, p: fmpq_mpoly) -> int:
        """An upper bound on the bits of the coefficients of any factor of D p (D p the
        integer polynomial of `height`): by the multivariate Mahler-measure bound
        |g_alpha| <= prod_v C(e_v, alpha_v) M(g) <= 2^(sum e_v) M(D p) <= 2^(sum d_v) ||D p||_2."""
        if p.is_zero():
            return 0
        return sum(_degrees(p)) + height(p)[0] + ceil_log2(len(p))

    def factor_terms(self, p: fmpq_mpoly) -> int:
        """An upper bound on the terms of any factor of p (which may have more terms than p:
        x^n - 1 = (x - 1)(x^(n-1) + ... + 1)): its exponents lie in p's exponent box and its
        total degree is at most p's, so min(prod(d_v + 1), C(n + deg p, n)) - or some number
        over the cap when both are."""
        box, n = 1, 0
        for d in _degrees(p):
            if d:
                box *= d + 1
                n += 1
        cap = self.budget.max_terms
        if box <= cap:
            return box
        return min(box, binomial_capped(n + p.total_degree(), n, cap))

    def gcd(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly:
        """The monic gcd: a factor of both (of the non-zero one), so within its factor bounds;
        made monic, its coefficients have at most twice the bits of an integer factor's."""
        small = a if not a.is_zero() and (b.is_zero() or len(a) <= len(b)) else b
        self._check(self.factor_terms(small), 2 * self.factor_bits(small),
                    "a gcd of polynomials")
        return a.gcd(b)

    def divides(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly | None:
        """a / b if b divides a exactly, else None.  An exact quotient is a factor of a."""
        if b.is_zero():
            raise Reject("division by zero")
        if a.is_zero():
            return a
        if b.is_constant():
            return self.scale(a, 1 / self.coefficient(b))
        self._check(self.factor_terms(a), 2 * self.factor_bits(a) + height(b)[0],
                    "a quotient of polynomials")
        try:                  # FLINT's exact division: it stops at the first remainder term
            return a / b
        except DomainError:
            return None

    def divmod(self, a: fmpq_mpoly, b: fmpq_mpoly) -> tuple:
        """(q, r) with a = q b + r (FLINT's division in the ring's monomial order).  Each of
        at most S reduction steps (S the monomials of degree <= deg a) subtracts c m b/lc(b)
        from the remainder, adding at most h(b/lc b) + log2 (tb) + 1 bits."""
        if b.is_zero():
            raise Reject("division by zero")
        exact = self.divides(a, b)
        if exact is not None:
            return exact, self.ctx.from_dict({})
        n = sum(1 for d in _degrees(a) if d)
        steps = binomial_capped(n + a.total_degree(), n, self.budget.max_terms)
        self.budget.terms(steps, "a division of polynomials")
        hb = 2 * height(b)[0] + ceil_log2(len(b)) + 1
        self._check(steps, height(a)[0] + steps * hb, "a division of polynomials")
        return divmod(a, b)

    def scale(self, a: fmpq_mpoly, q: fmpq) -> fmpq_mpoly:
        """q a for a rational q: the terms of a, each coefficient times q."""
        self._check(len(a), height(a)[0] + max(fmpz(q.p).bit_length(), fmpz(q.q).bit_length()),
                    "a multiple of a polynomial")
        return a * q

    @staticmethod
    def coefficient(a: fmpq_mpoly) -> fmpq:
        """The value of a constant polynomial."""
        return fmpq(0) if a.is_zero() else a.coefficient(0)

    def div(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly:
        if not b.is_constant():
            raise Reject("not a polynomial: division by a non-constant")
        return self.scale(a, 1 / self.coefficient(b))

    def is_zero(self, a: fmpq_mpoly) -> bool:
        return a.is_zero()

    def is_rational(self, a: fmpq_mpoly) -> bool:
        return a.is_constant()

    def to_rational(self, a: fmpq_mpoly) -> fmpq:
        return self.coefficient(a)

    def power(self, a: fmpq_mpoly, k: int, budget: Budget) -> fmpq_mpoly:
        if k < 0:
            raise Reject("not a polynomial: a negative power")
        budget.degree(max(a.total_degree(), 1) * k)
        return self.poly_power(a, k)

    def _not_polynomial(self, *args: Any) -> Any:
        raise Reject("not a polynomial: only + - * / (by a number) and natural powers")

    sign = compare = floor = components = height_bits = _not_polynomial


class RationalFunctions(PolynomialRing):
    """Q(names): elements (numerator, denominator) in lowest terms with a monic denominator,
    so that every rational function has one representation."""

    def __init__(self, names: list[str], budget: Budget | None = None):
        super().__init__(names, budget)
        self.one = self.ctx.from_dict({(0,) * self.ctx.nvars(): fmpq(1)})

    def make(self, num: fmpq_mpoly, den: fmpq_mpoly) -> tuple:
        """num/den in lowest terms.  Both results are, up to a rational factor, factors of
        num and den: their size is bounded by the factor bounds before the gcd is taken."""
        if den.is_zero():
            raise Reject("division by zero")
        if num.is_zero():
            return (num, self.one)
        if den.is_constant():
            return (self.scale(num, 1 / self.coefficient(den)), self.one)
        terms = max(self.factor_terms(num), self.factor_terms(den))
        bits = (self.factor_bits(num) + self.factor_bits(den) + height(num)[0]
                + height(den)[0])
        self._check(terms, bits, "a rational function")
        g = num.gcd(den)
        num, den = num / g, den / g
        lead = den.leading_coefficient()
        return (num / lead, den / lead)

    def env(self) -> dict:
        return {n: (g, self.one) for n, g in self.gens.items()}

    def lift(self, p: fmpq_mpoly) -> tuple:
        return (p, self.one)

    def from_rational(self, q: fmpq) -> tuple:
        return self.lift(super().from_rational(q))

    # With both denominators 1 the result is already in lowest terms: no gcd needed.
    def add(self, a: tuple, b: tuple) -> tuple:
        if a[1] == self.one and b[1] == self.one:
            return (a[0] + b[0], self.one)
        p = self.product
        return self.make(p(a[0], b[1]) + p(b[0], a[1]), p(a[1], b[1]))

    def sub(self, a: tuple, b: tuple) -> tuple:
        if a[1] == self.one and b[1] == self.one:
            return (a[0] - b[0], self.one)
        p = self.product
        return self.make(p(a[0], b[1]) - p(b[0], a[1]), p(a[1], b[1]))

    def mul(self, a: tuple, b: tuple) -> tuple:
        if a[1] == self.one and b[1] == self.one:
            return (self.product(a[0], b[0]), self.one)
        return self.make(self.product(a[0], b[0]), self.product(a[1], b[1]))

    def neg(self, a: tuple) -> tuple:
        return (-a[0], a[1])

    def div(self, a: tuple, b: tuple) -> tuple:
        if b[0].is_zero():
            raise Reject("division by zero")
        return self.make(self.product(a[0], b[1]), self.product(a[1], b[0]))

    def is_zero(self, a: tuple) -> bool:
        return a[0].is_zero()

    def is_rational(self, a: tuple) -> bool:
        return a[0].is_constant() and a[1].is_constant()

    def to_rational(self, a: tuple) -> fmpq:
        return self.coefficient(a[0]) / self.coefficient(a[1])

    def power(self, a: tuple, k: int, budget: Budget) -> tuple:
        budget.degree(max(a[0].total_degree(), a[1].total_degree(), 1) * abs(k))
        if k < 0:
            if a[0].is_zero():
                raise Reject("division by zero")
            a, k = self.make(a[1], a[0]), -k
        return (self.poly_power(a[0], k), self.poly_power(a[1], k))
