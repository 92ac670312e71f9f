"""Strict ASCII numerals: the only way text becomes a number in nncert.

Accepted forms: `123`, `-123` (in rows only), `12.50` (exactly 1250/100) and `p/q` (in rows
only); `natural` reads the counts and indices of the syntax (the header's version, `loss lp 3`,
`goal 2`, `multiply 1`, a sparse row's `3:`, an SLP row's `j op k`, a group's `h[4]`).  Every
numeral is read whole and exactly: leading zeros are allowed and change nothing (`007` is 7),
and a numeral is never cut to its first digits; range checks are the caller's, on the exact
value (an index of 10^40 is out of range, not truncated).  Python's own converters accept far more (`Fraction('1_0')`, `int('٣')`, `' 1 '`), so
the shape is checked first by an ASCII-only pattern, and the size is checked against the bit
budget before any conversion (a numeral of 10^7 digits declines instead of being converted).
"""
from __future__ import annotations

import re

import gmpy2
from flint import fmpq, fmpz

from checker.kernel.base.budget import Budget, Location, Reject

NATURAL = re.compile(r"[0-9]+\Z", re.ASCII)
ROW_NUMERAL = re.compile(r"-?[0-9]+(?:/[0-9]+|\.[0-9]+)?\Z", re.ASCII)
BITS_PER_DIGIT_NUM, BITS_PER_DIGIT_DEN = 3322, 1000      # log2(10) < 3.322
_SMALL = 4000                                              # Python's int() limit is 4300 digits


def _digits_to_fmpz(s: str) -> fmpz:
    return fmpz(int(s)) if len(s) < _SMALL else fmpz(int(gmpy2.mpz(s)))


def _check_size(ndigits: int, budget: Budget, loc: Location) -> None:
    budget.bits(ndigits * BITS_PER_DIGIT_NUM // BITS_PER_DIGIT_DEN + 1, "a numeral", loc)


def natural(text: str, budget: Budget, loc: Location, what: str = "a count") -> int:
    """A natural number written with ASCII digits only (`0`, `42`, `007` = 7), exactly."""
    if not NATURAL.match(text):
        raise Reject(f"{what} must be written with the digits 0-9 only, not {text[:40]!r}", loc)
    _check_size(len(text), budget, loc)
    return int(text) if len(text) < _SMALL else int(gmpy2.mpz(text))


def shown(n: int) -> str:
    """An exactly-read count or index for a message: its digits, or its size when it is long
    (Python refuses to print integers of more than 4300 digits)."""
    return str(n) if n.bit_length() <= 200 else f"(a number of {n.bit_length()} bits)"


def unsigned_decimal(text: str, budget: Budget, loc: Location) -> fmpq:
    """`123` or `12.5` (already matched by the grammar's ASCII pattern)."""
    _check_size(len(text), budget, loc)
    if "." in text:
        whole, frac = text.split(".")
        return fmpq(_digits_to_fmpz(whole + frac), fmpz(10) ** len(frac))
    return fmpq(_digits_to_fmpz(text))


def row_numeral(text: str, budget: Budget, loc: Location) -> fmpq:
    """A number inside a data or matrix row: optional '-', then integer, decimal or p/q."""
    if not ROW_NUMERAL.match(text):
        raise Reject(f"malformed number {text[:40]!r}", loc)
    neg = text.startswith("-")
    body = text[1:] if neg else text
    if "/" in body:
        p, q = body.split("/")
        _check_size(len(p) + len(q), budget, loc)
        den = _digits_to_fmpz(q)
        if den == 0:
            raise Reject(f"zero denominator in {text[:40]!r}", loc)
        value = fmpq(_digits_to_fmpz(p), den)
    else:
        value = unsigned_decimal(body, budget, loc)
    return -value if neg else value
