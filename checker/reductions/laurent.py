"""Sums of Laurent monomials, as the kernel will see them (producer side).

A goal of a polynomial correspondence is a rational function N/M in lowest terms with a monic
denominator; the certificate justifies D·N by a combination of hypotheses, where D·N must be
*exactly* the polynomial the producer has in mind: M_full·(the sum), with M_full the product
of every variable that divides some term.  So D = M_full / M, which depends on cancellations
only exact arithmetic sees (x⁻¹ − x⁻¹, a numerator divisible by a denominator variable).
`factor` computes D with the kernel's own rational functions over the few variables involved.
"""
from __future__ import annotations

from fractions import Fraction

from flint import fmpq

from checker.kernel.base.polynomials import RationalFunctions

Term = tuple[Fraction, tuple[str, ...], tuple[str, ...]]   # coef · Π numerator / Π denominator


def full_denominator(terms: list[Term]) -> list[str]:
    """The distinct variables that divide some term, in order of appearance."""
    out: list[str] = []
    for _c, _num, den in terms:
        for v in den:
            if v not in out:
                out.append(v)
    return out


def factor(terms: list[Term], full: list[str] | None = None) -> list[str]:
    """The variables of D = M_full / M (M the denominator of the sum in lowest terms);
    M_full is the product of `full` (default: every variable that divides some term)."""
    full = full_denominator(terms) if full is None else full
    if not full:
        return []
    names = sorted({v for _c, num, den in terms for v in num + den} | set(full))
    ring = RationalFunctions(names)
    gens = ring.env()
    total = ring.from_rational(fmpq(0))
    for c, num, den in terms:
        t = ring.from_rational(fmpq(c.numerator, c.denominator))
        for v in num:
            t = ring.mul(t, gens[v])
        for v in den:
            t = ring.div(t, gens[v])
        total = ring.add(total, t)
    m = total[1]
    d = ring.one
    for v in full:
        d = d * gens[v][0]
    quotient, remainder = divmod(d, m)
    assert remainder.is_zero(), "the lowest denominator divides the product of the divisors"
    out = []
    for v in full:
        q, r = divmod(quotient, gens[v][0])
        if r.is_zero():
            out.append(v)
            quotient = q
    assert quotient == ring.one, "D is a product of distinct variables"
    return out


def product(names: list[str]) -> str:
    return "*".join(names) if names else "1"


def without(names: list[str], v: str) -> str:
    rest = list(names)
    rest.remove(v)
    return product(rest)
