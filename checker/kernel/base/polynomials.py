"""Exact multivariate polynomials over Q, for identity certificates.

`PolynomialRing(names)` is Q[names] (FLINT `fmpq_mpoly`), with the ring part of the fields'
interface, so that `semantics/polyeval.py` turns a polynomial term (syntax/polyterm.py) into a
polynomial.  Only ring operations are defined: division by a non-zero constant, natural powers
within the degree budget; comparisons, floor and the like reject as "not a polynomial" (no
polynomial term can ask for them; the general expression evaluator is never run over a ring).
"""
from __future__ import annotations

from typing import Any

from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx

from checker.kernel.base.budget import Budget, Reject


class PolynomialRing:
    degree = 1
    name = ""

    def __init__(self, names: list[str]):
        self.ctx = fmpq_mpoly_ctx.get(tuple(names) or ("_",), "degrevlex")
        self.gens = dict(zip(names, self.ctx.gens()))

    def env(self) -> dict:
        """The variables, as elements of this ring."""
        return dict(self.gens)

    def from_rational(self, q: fmpq) -> fmpq_mpoly:
        return self.ctx.from_dict({(0,) * self.ctx.nvars(): q}) if q != 0 else self.ctx.from_dict({})

    add = staticmethod(lambda a, b: a + b)
    sub = staticmethod(lambda a, b: a - b)
    mul = staticmethod(lambda a, b: a * b)
    neg = staticmethod(lambda a: -a)

    def div(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly:
        if not b.is_constant():
            raise Reject("not a polynomial: division by a non-constant")
        return a * self.from_rational(1 / self.to_rational(b))

    def is_zero(self, a: fmpq_mpoly) -> bool:
        return a.is_zero()

    def is_rational(self, a: fmpq_mpoly) -> bool:
        return a.is_constant()

    def to_rational(self, a: fmpq_mpoly) -> fmpq:
        return fmpq(0) if a.is_zero() else a.coefficient(0)

    def power(self, a: fmpq_mpoly, k: int, budget: Budget) -> fmpq_mpoly:
        if k < 0:
            raise Reject("not a polynomial: a negative power")
        budget.degree(max(a.total_degree(), 1) * k)
        return a ** k

    def _not_polynomial(self, *args: Any) -> Any:
        raise Reject("not a polynomial: only + - * / (by a number) and natural powers")

    sign = compare = floor = components = height_bits = _not_polynomial


class RationalFunctions(PolynomialRing):
    """Q(names): elements (numerator, denominator) in lowest terms with a monic denominator,
    so that every rational function has one representation."""

    def __init__(self, names: list[str]):
        super().__init__(names)
        self.one = self.ctx.from_dict({(0,) * self.ctx.nvars(): fmpq(1)})

    def make(self, num: fmpq_mpoly, den: fmpq_mpoly) -> tuple:
        if den.is_zero():
            raise Reject("division by zero")
        g = num.gcd(den) if not num.is_zero() else den
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
        return self.make(a[0] * b[1] + b[0] * a[1], a[1] * b[1])

    def sub(self, a: tuple, b: tuple) -> tuple:
        if a[1] == self.one and b[1] == self.one:
            return (a[0] - b[0], self.one)
        return self.make(a[0] * b[1] - b[0] * a[1], a[1] * b[1])

    def mul(self, a: tuple, b: tuple) -> tuple:
        if a[1] == self.one and b[1] == self.one:
            return (a[0] * b[0], self.one)
        return self.make(a[0] * b[0], a[1] * b[1])

    def neg(self, a: tuple) -> tuple:
        return (-a[0], a[1])

    def div(self, a: tuple, b: tuple) -> tuple:
        if b[0].is_zero():
            raise Reject("division by zero")
        return self.make(a[0] * b[1], a[1] * b[0])

    def is_zero(self, a: tuple) -> bool:
        return a[0].is_zero()

    def is_rational(self, a: tuple) -> bool:
        return a[0].is_constant() and a[1].is_constant()

    def to_rational(self, a: tuple) -> fmpq:
        return super().to_rational(a[0]) / super().to_rational(a[1])

    def power(self, a: tuple, k: int, budget: Budget) -> tuple:
        budget.degree(max(a[0].total_degree(), a[1].total_degree(), 1) * abs(k))
        if k < 0:
            if a[0].is_zero():
                raise Reject("division by zero")
            a, k = self.make(a[1], a[0]), -k
        return (a[0] ** k, a[1] ** k)
