"""Exact arithmetic in Q and in real number fields Q(theta) -- part of the trusted kernel.

A field Q(theta) is declared by an integer polynomial and a rational interval; the kernel itself
verifies that the polynomial is irreducible and has exactly one real root in the open interval,
so theta is a well-defined real number.  Elements are plain flint objects: `fmpq` in Q, and in
Q(theta) an `fmpq_poly` of degree < n fully reduced modulo the monic minimal polynomial (a
canonical form: zero is the zero polynomial).  Signs are exact: a non-zero element has a
non-zero value, which a rigorous `arb` ball around theta eventually separates from 0; theta's
isolating interval is only ever replaced by a sub-interval whose end points are checked exactly
(signs of the polynomial at rationals).  No floats and no sympy take part in any decision.
"""
from __future__ import annotations

from flint import arb, arb_poly, ctx, fmpq, fmpq_poly, fmpz, fmpz_poly

from checker.kernel.base.budget import Budget, Decline, Location, Reject, Undefined

def _sgn(x) -> int:
    return (x > 0) - (x < 0)


def _bits(q: fmpq) -> int:
    return max(fmpz(q.p).bit_length(), fmpz(q.q).bit_length())


def _rational_power_bits(q: fmpq, k: int) -> int:
    """Upper bound on the bit size of q**k (k > 0); units cost nothing."""
    return 1 if abs(q.p) <= 1 and q.q == 1 else k * _bits(q)


def _ceil_log2(m: int) -> int:
    return (int(m) - 1).bit_length()


def _int_height(p: fmpq_poly) -> tuple[int, int]:
    """(nb, db): p = N/D with N an integer polynomial with coefficients < 2^nb, D < 2^db."""
    return p.numer().height_bits(), fmpz(p.denom()).bit_length()


def root_test_bits(h: int, n: int, lo: fmpq, hi: fmpq) -> int:
    """An upper bound on the bits of the numbers in `sign_variations(m, lo, hi)` for m of
    degree n with integer coefficients < 2^h (up to a common factor): with lo = A/Q and
    hi - lo = B/Q, Q^n m(lo + (hi - lo) x) = sum z_i (A + B x)^i Q^(n-i), whose coefficients
    are < (n + 1) 2^h (|A| + |B| + Q)^n; the two substitutions then add at most n + 1 bits.
    The same bound covers m at an end point."""
    b = _bits(lo) + _bits(hi) + 2          # |A|, |B|, Q < 2^(b - 1)
    return h + 2 * _ceil_log2(n + 2) + n * (b + 1) + 1


def _exact_mid(v: arb) -> fmpq:
    man, exp = v.mid().man_exp()
    return fmpq(man) * fmpq(2) ** int(exp)


def sign_variations(m: fmpq_poly, lo: fmpq, hi: fmpq) -> int:
    """Descartes bound on the number of roots of m in (lo, hi): the sign changes in the
    coefficients of (1+x)^n m((hi + lo x)/(1+x))."""
    c = m(fmpq_poly([lo, hi - lo])).coeffs()          # roots in (lo, hi) -> roots in (0, 1)
    r = fmpq_poly(list(reversed(c)))(fmpq_poly([1, 1]))          # (0, 1) -> (1, oo) -> (0, oo)
    signs = [s for s in map(_sgn, r.coeffs()) if s != 0]
    return sum(1 for u, v in zip(signs, signs[1:]) if u != v)


def _count_roots(m: fmpq_poly, lo: fmpq, hi: fmpq, budget: Budget, loc: Location) -> int:
    """Number of real roots of the square-free m in (lo, hi), counting stops at 2."""
    total, stack = 0, [(lo, hi)]
    h = m.numer().height_bits()
    while stack and total < 2:
        budget.tick(m.degree(), loc)
        a, b = stack.pop()
        budget.bits(root_test_bits(h, m.degree(), a, b), "the root-counting test of the field "
                    "declaration", loc)
        v = sign_variations(m, a, b)
        if v == 1:
            total += 1
        elif v >= 2:
            mid = (a + b) / 2
            total += m(mid) == 0
            stack += [(a, mid), (mid, b)]
    return total


class _Field:
    """Operations written once for both fields (fmpq and fmpq_poly share +, -, ==)."""

    degree: int
    name: str

    def add(self, a, b):
        return a + b

    def neg(self, a):
        return -a

    def is_zero(self, a) -> bool:
        return a == 0

    def sub(self, a, b):
        return self.add(a, self.neg(b))

    def div(self, a, b):
        return self.mul(a, self.inv(b))

    def compare(self, a, b, budget: Budget) -> int:
        return self.sign(self.sub(a, b), budget)

    def height_bits(self, a) -> int:
        return max(_bits(c) for c in self.components(a))


class RationalField(_Field):
    """The field Q; elements are `fmpq`."""

    degree, name = 1, ""

    def from_rational(self, q: fmpq) -> fmpq:
        return fmpq(q)

    def generator(self) -> fmpq:
        raise Reject("the field Q has no generator")

    def mul(self, a: fmpq, b: fmpq) -> fmpq:
        return a * b

    def inv(self, a: fmpq) -> fmpq:
        if a == 0:
            raise Undefined("division by zero")
        return 1 / a

    def power(self, a: fmpq, k: int, budget: Budget) -> fmpq:
        k = int(k)
        if k < 0:
            a, k = self.inv(a), -k
        if k == 0:
            return fmpq(1)
        budget.bits(_rational_power_bits(a, k), "a power")
        return a ** k

    def is_rational(self, a: fmpq) -> bool:
        return True

    def to_rational(self, a: fmpq) -> fmpq:
        return a

    def sign(self, a: fmpq, budget: Budget) -> int:
        return _sgn(a)

    def floor(self, a: fmpq, budget: Budget) -> fmpz:
        return a.floor()

    def components(self, a: fmpq) -> list[fmpq]:
        return [a]

    def from_components(self, cs: list[fmpq]) -> fmpq:
        if len(cs) != 1:
            raise Reject(f"expected 1 component for a rational number, got {len(cs)}")
        return fmpq(cs[0])

    def power_reduction(self) -> list[list[fmpq]]:
        return []

    def describe(self) -> str:
        return "Q"


RATIONALS = RationalField()


class AlgebraicField(_Field):
    """Q(theta), theta the unique real root of an irreducible polynomial in (lo, hi).

    Create only with `AlgebraicField.declare`, which verifies the declaration."""

    def __init__(self, *args, **kwargs):
        raise TypeError("use AlgebraicField.declare, which verifies the declaration")

    @classmethod
    def declare(cls, name: str, coeffs: list[int], lo: fmpq, hi: fmpq, budget: Budget,
                loc: Location = None) -> "AlgebraicField":
        """Verify and create Q(name); `coeffs` are integers in ascending order."""
        if not all(isinstance(x, (int, fmpz, fmpq)) for x in (lo, hi)):
            raise TypeError("field declaration: the interval ends must be exact rationals")
        lo, hi = fmpq(lo), fmpq(hi)
        if not lo < hi:
            raise Reject(f"empty isolating interval ({lo}, {hi})", loc)
        n = len(coeffs) - 1
        if n < 1:
            raise Reject("the field polynomial must have degree at least 1", loc)
        budget.degree(n, loc)     # before any work proportional to the degree
        if not all(isinstance(c, (int, fmpz)) for c in coeffs):
            raise TypeError("field declaration: the coefficients must be integers")
        if coeffs[-1] == 0:
            raise Reject("the leading coefficient of the field polynomial is zero", loc)
        for c in (*coeffs, lo.p, lo.q, hi.p, hi.q):
            budget.bits(fmpz(c).bit_length(), "a number in the field declaration", loc)
        zp = fmpz_poly([fmpz(c) for c in coeffs])
        h = zp.height_bits()
        # Factoring lifts factors to about the Mignotte bound, n + h bits per coefficient:
        # n (n + h) bits in all.  Declined before FLINT's factor() is called.
        budget.bits(n * (n + h + n.bit_length()), f"factoring the field polynomial (degree {n}, "
                    f"{h}-bit coefficients)", loc)
        budget.bits(root_test_bits(h, n, lo, hi), "the root-counting test of the field "
                    "declaration", loc)
        _, factors = zp.factor()
        if len(factors) != 1 or factors[0][1] != 1 or factors[0][0].degree() != n:
            raise Reject(f"the field polynomial {_show(coeffs)} is reducible over Q", loc)
        m = fmpq_poly(zp) / fmpz(coeffs[-1])
        for end, x in (("lo", lo), ("hi", hi)):
            if m(x) == 0:
                raise Reject(f"the interval endpoint {end} = {x} is a root", loc)
        count = _count_roots(m, lo, hi, budget, loc)
        if count == 0:
            raise Reject(f"no root in the interval ({lo}, {hi})", loc)
        if count >= 2:
            raise Reject(f"at least 2 real roots in the interval ({lo}, {hi}), not exactly one",
                         loc)
        self = object.__new__(cls)
        self.name, self.degree, self._coeffs, self._m = name, n, list(coeffs), m
        self._lo0, self._hi0, self._lo, self._hi = lo, hi, lo, hi
        self._sign_lo = _sgn(m(lo))
        # reducing a product (degree <= 2n - 2) modulo m: each of the n - 1 steps multiplies
        # the common-denominator numerator by at most 2 max|z_i| (z = zp), adding h + 1 bits
        # to numerators and bits(lc) to denominators.
        self._growth = (n - 1) * (h + 1) + _ceil_log2(n + 1)
        self._budget, self._h = budget, h
        return self

    # --- ring operations (results always reduced modulo m) ---
    def from_rational(self, q: fmpq) -> fmpq_poly:
        return fmpq_poly([fmpq(q)])

    def generator(self) -> fmpq_poly:
        return fmpq_poly([0, 1]) % self._m

    def mul(self, a: fmpq_poly, b: fmpq_poly) -> fmpq_poly:
        """a b, declined if its numbers could exceed the bits budget of the declaration (only
        its size limit is used: a field may outlive the check that declared it)."""
        if a.degree() <= 0 or b.degree() <= 0:     # by a rational: no reduction needed
            self._budget.bits(sum(_int_height(a)) + sum(_int_height(b)), "a product")
            return a * b
        self._budget.bits(self.product_bits(a, b), "a product in the field")
        return (a * b) % self._m

    def product_bits(self, a: fmpq_poly, b: fmpq_poly) -> int:
        """An upper bound on the bits of the numbers in a*b mod m: a = Na/Da, b = Nb/Db;
        Na Nb has coefficients < n 2^(nb_a + nb_b); reduction adds at most `_growth` bits."""
        (na, da), (nb, db) = _int_height(a), _int_height(b)
        return max(na + nb, da + db) + self._growth
    def inv(self, a: fmpq_poly) -> fmpq_poly:
        if a == 0:
            raise Undefined("division by zero")
        if a.degree() == 0:
            return fmpq_poly([1 / a[0]])
        # s = adj / Res(a, m) by Cramer's rule on the Sylvester matrix; Hadamard's bound
        # bounds both by the product of its row norms (deg m rows of a's, deg a rows of m's).
        (na, da), n = _int_height(a), self.degree
        logr = _ceil_log2(n + 1)
        self._budget.bits(n * (na + da + logr) + a.degree() * (self._h + logr) + 1,
                          "an inverse in the field")
        g, s, _ = a.xgcd(self._m)  # g = s a + t m is the monic gcd: 1, as m is irreducible
        if g != 1:
            raise Decline("internal error: element not invertible modulo the field polynomial")
        return s % self._m

    def power(self, a: fmpq_poly, k: int, budget: Budget) -> fmpq_poly:
        k = int(k)
        if k < 0:
            a, k = self.inv(a), -k
        if k == 0:
            return fmpq_poly([1])
        if self.is_rational(a):
            return fmpq_poly([RATIONALS.power(a[0], k, budget)])
        budget.bits(k * max(_int_height(a)), "a power")
        result, base = None, a
        while True:               # square and multiply; check each product before computing it
            if k & 1:
                result = base if result is None else self._checked_mul(result, base, budget)
            k >>= 1
            if k == 0:
                return result
            base = self._checked_mul(base, base, budget)

    def _checked_mul(self, a: fmpq_poly, b: fmpq_poly, budget: Budget,
                     what: str = "a power") -> fmpq_poly:
        if a.degree() <= 0 or b.degree() <= 0:     # by a rational: no reduction needed
            budget.bits(sum(_int_height(a)) + sum(_int_height(b)), what)
            return a * b
        budget.tick(self.degree)
        budget.bits(self.product_bits(a, b), what)
        return (a * b) % self._m

    # --- predicates and exact real information ---
    def is_rational(self, a: fmpq_poly) -> bool:
        return a.degree() <= 0

    def to_rational(self, a: fmpq_poly) -> fmpq:
        if not self.is_rational(a):
            raise Reject(f"a number in Q({self.name}) used as a rational is not rational")
        return a[0]

    def _refine(self, prec: int, budget: Budget) -> None:
        """Shrink the stored isolating interval to width <= 2^-prec.  Every new end point is
        checked exactly (sign of m at a rational); a Newton guess only proposes end points."""
        width = fmpq(1, fmpz(1) << prec)
        while self._hi - self._lo > width:
            budget.tick(self.degree)
            x = self._newton_guess(prec)
            if x is not None and self._narrow(x - width / 4, x + width / 4, budget):
                continue
            for _ in range(4):    # bisection: the midpoint is never a root (m irreducible)
                mid = (self._lo + self._hi) / 2
                if not (self._narrow(self._lo, mid, budget)
                        or self._narrow(mid, self._hi, budget)):
                    raise Decline("internal error: the field polynomial has a rational root")

    def _narrow(self, lo: fmpq, hi: fmpq, budget: Budget | None = None) -> bool:
        """Replace the interval by (lo, hi) if it lies inside and m changes sign on it."""
        s = self._sign_lo
        (budget or self._budget).bits(root_test_bits(self._h, self.degree, lo, hi), "a sign test of the field "
                    "polynomial")
        if not (self._lo <= lo < hi <= self._hi and _sgn(self._m(lo)) == s
                and _sgn(self._m(hi)) == -s):
            return False
        self._lo, self._hi = lo, hi
        return True

    def _newton_guess(self, prec: int) -> fmpq | None:
        """An approximation of theta (untrusted): Newton iteration in arb from the midpoint."""
        old = ctx.prec
        try:
            ctx.prec = prec + 32 + max(abs(self._lo), abs(self._hi)).floor().bit_length()
            f, df = arb_poly(self._m), arb_poly(self._m.derivative())
            x = arb((self._lo + self._hi) / 2)
            for _ in range(prec.bit_length() + 2):
                x = (x - f(x) / df(x)).mid()
            return _exact_mid(x) if x.is_finite() else None
        finally:
            ctx.prec = old

    def _ball(self, a: fmpq_poly, budget: Budget, good) -> arb:
        """A rigorous ball containing a(theta); precision doubles until `good(ball)`."""
        prec = 64
        while True:
            budget.tick()
            budget.bits(prec, "the precision of a sign test")
            self._refine(prec, budget)
            old = ctx.prec
            try:
                ctx.prec = prec + 16
                v = arb_poly(a)(arb(self._lo).union(arb(self._hi)))
            finally:
                ctx.prec = old
            if good(v):
                return v
            prec *= 2

    def sign(self, a: fmpq_poly, budget: Budget) -> int:
        if self.is_rational(a):
            return _sgn(a[0])
        return 1 if self._ball(a, budget, lambda v: v > 0 or v < 0) > 0 else -1

    def floor(self, a: fmpq_poly, budget: Budget) -> fmpz:
        if self.is_rational(a):
            return a[0].floor()
        v = self._ball(a, budget, lambda v: v.is_finite() and v.rad() * 4 < 1)
        k = _exact_mid(v).floor()     # |a - mid| < 1/4: floor(a) is k - 1 or k
        while True:                   # confirm exactly: a - k >= 0 and a - (k + 1) < 0
            budget.tick()
            if self.sign(a - k, budget) < 0:
                k -= 1
            elif self.sign(a - (k + 1), budget) >= 0:
                k += 1
            else:
                return k

    # --- components and description ---
    def components(self, a: fmpq_poly) -> list[fmpq]:
        return [a[i] for i in range(self.degree)]

    def from_components(self, cs: list[fmpq]) -> fmpq_poly:
        if len(cs) != self.degree:
            raise Reject(f"expected {self.degree} components for a number in {self.name}, "
                         f"got {len(cs)}")
        return fmpq_poly([fmpq(c) for c in cs])

    def power_reduction(self) -> list[list[fmpq]]:
        n = self.degree
        return [self.components(fmpq_poly([0] * e + [1]) % self._m) for e in range(n, 2 * n - 1)]

    def describe(self) -> str:
        return (f"Q({self.name}), {self.name} the root of {_show(self._coeffs)} "
                f"in ({self._lo0}, {self._hi0})")


def _show(coeffs: list[int]) -> str:
    """t^2 - t - 1 style, highest degree first (str of fmpz: no 4300-digit limit)."""
    out = ""
    for e in (e for e in range(len(coeffs) - 1, -1, -1) if coeffs[e] != 0):
        c = fmpz(coeffs[e])
        mag = str(abs(c)) if abs(c) != 1 or e == 0 else ""
        mono = "" if e == 0 else "t" if e == 1 else f"t^{e}"
        out += (" - " if c < 0 else " + ") + mag + ("*" if mag and mono else "") + mono
    return ("-" + out[3:]) if out.startswith(" - ") else out[3:]
