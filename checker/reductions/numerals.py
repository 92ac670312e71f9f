"""Numbers as nncert text, of any size (untrusted producers).

Python 3.11 refuses `str(n)` for integers of more than 4300 decimal digits (a guard against the
quadratic conversion), and some reductions write such numbers (002 Thm 1.2's probe values
f_k = c·Q^e grow with the instance).  We format through gmpy2 (`mpz.digits(10)`: no limit and
subquadratic) instead of lifting the interpreter-wide limit with `sys.set_int_max_str_digits`,
which would also change the environment the kernel runs in during `nncert audit` (an audit must
judge a certificate exactly as `nncert check` would).  Every producer that may write a large
integer writes it through `dec`.
"""
from __future__ import annotations

from fractions import Fraction

import gmpy2


def dec(n: int) -> str:
    """The decimal numeral of the integer n (with '-' if negative), any size."""
    return gmpy2.mpz(n).digits(10)


def ratio(v: Fraction | int) -> str:
    """`p` or `p/q` (with '-' if negative): a rational as a data-row numeral."""
    v = Fraction(v)
    return dec(v.numerator) if v.denominator == 1 else f"{dec(v.numerator)}/{dec(v.denominator)}"


def expr(v: Fraction | int) -> str:
    """A rational inside an expression: `3`, `(-3)`, `(3/4)`, `(-3/4)`."""
    v = Fraction(v)
    if v.denominator == 1:
        return dec(v.numerator) if v >= 0 else f"({dec(v.numerator)})"
    return f"({ratio(v)})"
