"""Tests of checker.kernel.base.fields: exact arithmetic, exact signs, verified field declarations.

The differential tests compare `sign`/`floor` against a slow reference written here: sympy's
real-root isolation (`Poly.intervals`) followed by exact bisection and interval Horner evaluation
in `fractions.Fraction`.  sympy's own sign predicates are never used (they are wrong on 3 - phi).
"""
from __future__ import annotations

import functools
import random
import time
from fractions import Fraction

import pytest
import sympy
from flint import ctx, fmpq, fmpq_poly, fmpz, fmpz_poly
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.kernel.base.budget import Budget, Decline, Reject
from checker.kernel.base.fields import RATIONALS, AlgebraicField, RationalField

Q = fmpq

FIELDS = {  # name: (ascending integer coefficients, lo, hi)
    "phi": ([-1, -1, 1], 1, 2),
    "cbrt2": ([-2, 0, 0, 1], 1, 2),
    "quintic": ([-1, -1, 0, 0, 0, 1], 1, 2),
    "deg10": ([-1, -1] + [0] * 8 + [1], 1, 2),
    "deg50": ([-1, -1] + [0] * 48 + [1], 1, 2),
}


def budget(**kw) -> Budget:
    return Budget(**kw).start()


@functools.lru_cache(maxsize=None)
def field(key: str) -> AlgebraicField:
    coeffs, lo, hi = FIELDS[key]
    return AlgebraicField.declare(key, coeffs, Q(lo), Q(hi), budget())


def elem(F, *cs) -> fmpq_poly:
    return F.from_components([Q(c) for c in cs] + [Q(0)] * (F.degree - len(cs)))


# ---------------------------------------------------------------- slow reference (Fraction)

def _eval(coeffs, x):
    acc = Fraction(0)
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


def _interval_horner(coeffs, l, h):
    lo = hi = Fraction(0)
    for c in reversed(coeffs):
        prods = [lo * l, lo * h, hi * l, hi * h]
        lo, hi = min(prods) + c, max(prods) + c
    return lo, hi


@functools.lru_cache(maxsize=None)
def _ref_isolation(key):
    """The root of FIELDS[key] in (lo, hi), isolated by sympy and confirmed by bisection."""
    coeffs, lo, hi = FIELDS[key]
    lo, hi = Fraction(lo), Fraction(hi)
    P = sympy.Poly(list(reversed(coeffs)), sympy.Symbol("t"))
    inside = []
    for (l, h), _mult in P.intervals():
        l, h = Fraction(int(l.p), int(l.q)), Fraction(int(h.p), int(h.q))
        while not (h <= lo or l >= hi or (lo <= l and h <= hi)):
            l, h = _bisect(coeffs, l, h)
        if lo <= l and h <= hi:
            inside.append((l, h))
    assert len(inside) == 1
    return inside[0]


def _bisect(coeffs, l, h):
    m = (l + h) / 2
    sl, sm = _eval(coeffs, l) > 0, _eval(coeffs, m) > 0
    assert _eval(coeffs, m) != 0
    return (m, h) if sl == sm else (l, m)


def ref_bounds(key, a, stop):
    """Refine until stop(lo, hi) holds for the exact range bound [lo, hi] of a(theta)."""
    coeffs = FIELDS[key][0]
    l, h = _ref_isolation(key)
    for _ in range(20000):
        bl, bh = _interval_horner(a, l, h)
        if stop(bl, bh):
            return bl, bh
        for _ in range(8):
            l, h = _bisect(coeffs, l, h)
    raise AssertionError("reference did not converge")


def ref_sign(key, a) -> int:
    if all(c == 0 for c in a):
        return 0
    bl, bh = ref_bounds(key, a, lambda bl, bh: bl > 0 or bh < 0)
    return 1 if bl > 0 else -1


def ref_floor(key, a) -> int:
    bl, bh = ref_bounds(key, a, lambda bl, bh: bl.__floor__() == bh.__floor__()
                        and bh != bh.__floor__())
    return bl.__floor__()


def as_fractions(F, a):
    return [Fraction(int(c.p), int(c.q)) for c in F.components(a)]


def test_reference_self_check():
    assert ref_sign("phi", [Fraction(3), Fraction(-1)]) == 1
    assert ref_sign("phi", [Fraction(-2), Fraction(1)]) == -1


# ---------------------------------------------------------------- arithmetic

def test_golden_ratio_identities():
    F, b = field("phi"), budget()
    phi = F.generator()
    assert F.mul(phi, phi) == F.add(phi, F.from_rational(Q(1)))
    assert F.inv(phi) == F.sub(phi, F.from_rational(Q(1)))
    assert F.div(F.from_rational(Q(1)), phi) == elem(F, -1, 1)
    assert F.power(phi, 10, b) == elem(F, 34, 55)
    assert F.power(phi, -2, b) == elem(F, 2, -1)
    assert F.mul(F.power(phi, -7, b), F.power(phi, 7, b)) == F.from_rational(Q(1))
    assert F.power(phi, 0, b) == F.from_rational(Q(1))
    assert F.power(F.from_rational(Q(0)), 5, b) == F.from_rational(Q(0))
    assert F.power_reduction() == [[Q(1), Q(1)]]
    assert F.describe() == "Q(phi), phi the root of t^2 - t - 1 in (1, 2)"
    assert F.degree == 2 and F.name == "phi"


def test_cube_root_of_two():
    F, b = field("cbrt2"), budget()
    t = F.generator()
    assert F.power(t, 3, b) == F.from_rational(Q(2))
    assert F.mul(t, F.mul(t, t)) == elem(F, 2)
    assert F.inv(t) == elem(F, 0, 0, Q(1, 2))
    assert F.power_reduction() == [[Q(2), Q(0), Q(0)], [Q(0), Q(2), Q(0)]]
    x = elem(F, Q(1, 3), -5, Q(7, 2))
    assert F.mul(x, F.inv(x)) == elem(F, 1)
    assert F.div(x, x) == elem(F, 1)
    assert F.components(x) == [Q(1, 3), Q(-5), Q(7, 2)]
    assert F.height_bits(x) == 3
    assert F.describe() == "Q(cbrt2), cbrt2 the root of t^3 - 2 in (1, 2)"


@pytest.mark.parametrize("key", ["quintic", "deg10", "deg50"])
def test_higher_degree_fields(key):
    F, b = field(key), budget()
    n, t = F.degree, F.generator()
    assert F.power(t, n, b) == elem(F, 1, 1)           # t^n = t + 1
    red = F.power_reduction()
    assert len(red) == n - 1 and red[0] == [Q(1), Q(1)] + [Q(0)] * (n - 2)
    assert red[-1] == F.components(F.power(t, 2 * n - 2, b))
    x = F.from_components([Q(i * i - 3, i + 1) for i in range(n)])
    assert F.mul(x, F.inv(x)) == F.from_rational(Q(1))
    assert F.sign(F.sub(t, elem(F, 1)), b) == 1 and F.floor(t, b) == 1


def test_inverse_of_zero_and_zero_powers():
    F, b = field("phi"), budget()
    zero = F.from_rational(Q(0))
    for bad in (lambda: F.inv(zero), lambda: F.div(F.generator(), zero),
                lambda: F.power(zero, -1, b), lambda: RATIONALS.inv(Q(0)),
                lambda: RATIONALS.power(Q(0), -3, b)):
        with pytest.raises(Reject, match="division by zero"):
            bad()


def test_power_budget_declines_instantly():
    F, b = field("phi"), budget()
    start = time.monotonic()
    with pytest.raises(Decline, match="a power"):
        RATIONALS.power(Q(2), 10 ** 9, b)
    with pytest.raises(Decline, match="a power"):
        F.power(F.generator(), 10 ** 9, b)
    with pytest.raises(Decline, match="a power"):
        F.power(F.from_rational(Q(3, 2)), -10 ** 9, b)
    assert time.monotonic() - start < 0.5
    with pytest.raises(Decline, match="a power"):             # before the first product
        F.power(F.generator(), 10 ** 8, budget(max_steps=1))
    # theta ~ 2^1000 has height 1 bit, but theta^k has about 1000 k bits: checked product by product
    G = declare([-1, -(2 ** 1000), 1], 2 ** 1000, 2 ** 1000 + 1)
    start = time.monotonic()
    with pytest.raises(Decline, match="a power"):
        G.power(G.generator(), 10 ** 5, b)
    assert time.monotonic() - start < 0.5
    assert RATIONALS.power(Q(-1), 10 ** 9 + 1, b) == -1
    assert F.power(F.from_rational(Q(1)), 10 ** 12, b) == F.from_rational(Q(1))
    assert RATIONALS.power(Q(2, 3), -3, b) == Q(27, 8)


def test_rational_field():
    R, b = RATIONALS, budget()
    assert isinstance(R, RationalField) and R.degree == 1 and R.name == "" and R.describe() == "Q"
    assert R.sign(Q(-1, 10 ** 50), b) == -1 and R.sign(Q(0), b) == 0 and R.sign(Q(1, 3), b) == 1
    assert R.compare(Q(1, 3), Q(1, 2), b) == -1
    assert R.floor(Q(-7, 2), b) == -4 and R.floor(Q(7, 2), b) == 3 and R.floor(Q(-4), b) == -4
    assert R.components(Q(5, 3)) == [Q(5, 3)] and R.from_components([Q(5, 3)]) == Q(5, 3)
    assert R.power_reduction() == [] and R.height_bits(Q(5, 3)) == 3
    assert R.to_rational(Q(2)) == 2 and R.is_rational(Q(2)) and R.is_zero(Q(0))
    with pytest.raises(Reject):
        R.generator()
    with pytest.raises(Reject):
        R.from_components([Q(1), Q(2)])


# ---------------------------------------------------------------- exact signs and floors

def test_sign_of_three_minus_phi():
    F, b = field("phi"), budget()
    assert F.sign(elem(F, 3, -1), b) == 1          # sympy's AlgebraicField says "not positive"
    assert F.sign(elem(F, -3, 1), b) == -1
    assert F.sign(elem(F, 0), b) == 0
    assert F.compare(F.generator(), elem(F, Q(8, 5)), b) == 1
    assert F.compare(F.generator(), elem(F, Q(13, 8)), b) == -1
    assert not F.is_rational(F.generator()) and F.is_rational(elem(F, 7))
    assert F.to_rational(elem(F, Q(7, 3))) == Q(7, 3)
    with pytest.raises(Reject, match="not rational"):
        F.to_rational(F.generator())


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@pytest.mark.parametrize("n", [290, 291, 292, 293, 600, 601])
def test_sign_of_fibonacci_ratio_minus_phi(n):
    F, b = field("phi"), budget()
    assert fib(n).bit_length() >= 200
    r = elem(F, Q(fib(n + 1), fib(n)))
    assert F.sign(F.sub(r, F.generator()), b) == (-1) ** n     # F(n+1)/F(n) - phi ~ (-1)^n
    assert F.sign(F.sub(F.generator(), r), b) == -(-1) ** n
    lo, hi = F._lo, F._hi                                       # refinement persisted
    assert hi - lo < Q(1, fmpz(2) ** 400)
    m = fmpq_poly([-1, -1, 1])
    assert m(lo) < 0 < m(hi)


def test_sign_of_cube_root_approximations():
    F, b = field("cbrt2"), budget()
    q = 2 ** 300
    p = int(sympy.integer_nthroot(2 * q ** 3, 3)[0])
    for num in (p - 1, p, p + 1, p + 2):
        expected = 1 if num ** 3 - 2 * q ** 3 > 0 else -1
        assert F.sign(F.sub(elem(F, Q(num, q)), F.generator()), b) == expected
    assert F.sign(F.sub(elem(F, Q(p, q)), F.generator()), b) == -1
    assert F.sign(F.sub(elem(F, Q(p + 1, q)), F.generator()), b) == 1


def test_sign_declines_on_small_budget_and_restores_precision():
    F = field("quintic")
    t = F.generator()
    near = elem(F, Q(ref_floor("quintic", [Fraction(0), Fraction(2 ** 600)]), 2 ** 600))
    ctx.prec = 53
    with pytest.raises(Decline):
        F.sign(F.sub(t, near), budget(max_bits=200))
    assert ctx.prec == 53
    assert F.sign(F.sub(t, near), budget()) == 1 and ctx.prec == 53


@pytest.mark.parametrize("guess", ["none", "other_root", "random"])
def test_newton_guesses_are_not_trusted(monkeypatch, guess):
    # t^3 - 3t + 1 has roots -1.87.., 0.34.., 1.53..; theta is the first.  m changes sign the
    # same way across 1.53.. as across theta, so a bad guess there must still be refused.
    coeffs = [1, -3, 0, 1]
    F, b = declare(coeffs, -2, Q(-3, 2)), budget()
    assert not F._narrow(Q(3, 2), Q(8, 5)) and (F._lo, F._hi) == (Q(-2), Q(-3, 2))
    rng = random.Random(7)
    bad = {"none": lambda prec: None, "other_root": lambda prec: Q(1532, 1000),
           "random": lambda prec: Q(rng.randint(-3000, 3000), 1000)}[guess]
    monkeypatch.setattr(F, "_newton_guess", bad)
    l, h = _ref_interval(coeffs, Fraction(-2), Fraction(-3, 2), 400)
    t = F.generator()
    for x, expected in ((l, 1), (h, -1)):
        assert F.compare(t, F.from_rational(Q(x.numerator, x.denominator)), b) == expected
    assert Q(-2) <= F._lo < F._hi <= Q(-3, 2) and F._hi - F._lo < Q(1, 2 ** 400)
    assert F.floor(F.mul(F.from_rational(Q(10 ** 6)), t), b) == -1879386


def _ref_interval(coeffs, l, h, bits):
    while h - l > Fraction(1, 2 ** bits):
        l, h = _bisect(coeffs, l, h)
    return l, h


def test_floor():
    F, b = field("phi"), budget()
    lucas = [2, 1]
    for k in range(2, 80):
        lucas.append(lucas[-1] + lucas[-2])
    for k in range(1, 80):       # phi^k = L_k - psi^k with psi = -1/phi
        expected = lucas[k] - 1 if k % 2 == 0 else lucas[k]
        assert F.floor(F.power(F.generator(), k, b), b) == expected
    assert F.floor(F.neg(F.generator()), b) == -2
    assert F.floor(elem(F, Q(-7, 2)), b) == -4
    C = field("cbrt2")
    assert C.floor(C.mul(elem(C, 1000), C.generator()), b) == 1259
    assert C.floor(C.mul(elem(C, -1000), C.generator()), b) == -1260
    big = C.mul(elem(C, 10 ** 60), C.generator())
    assert C.floor(big, b) == sympy.integer_nthroot(2 * 10 ** 180, 3)[0]
    assert isinstance(C.floor(big, b), fmpz)


# ---------------------------------------------------------------- declarations

def declare(coeffs, lo, hi, **kw):
    return AlgebraicField.declare("a", coeffs, Q(lo), Q(hi), budget(**kw), loc=(3, 7))


def reject(match, coeffs, lo, hi):
    with pytest.raises(Reject, match=match) as info:
        declare(coeffs, lo, hi)
    assert info.value.loc == (3, 7)


def test_reject_empty_interval():
    reject("empty isolating interval", [-2, 0, 1], 2, 1)
    reject("empty isolating interval", [-2, 0, 1], Q(3, 2), Q(3, 2))


def test_reject_degree_and_leading_coefficient():
    reject("degree at least 1", [5], 0, 1)
    reject("degree at least 1", [], 0, 1)
    reject("leading coefficient", [-2, 0, 1, 0], 1, 2)


def test_reject_reducible():
    reject("reducible", [-4, 0, 1], 1, 3)                      # (t - 2)(t + 2)
    reject("reducible", [4, 0, -4, 0, 1], 1, 2)                # (t^2 - 2)^2
    product = fmpz_poly([-1, -1, 0, 0, 0, 1]) * fmpz_poly([-2, 0, 0, 1])
    reject("reducible", [int(c) for c in product.coeffs()], 1, 2)
    F = declare([-4, 0, 2], 1, 2)                              # 2 (t^2 - 2): content is fine
    assert F.power(F.generator(), 2, budget()) == F.from_rational(Q(2))


def test_reject_root_at_endpoint():
    reject("endpoint lo = 1 is a root", [-1, 1], 1, 2)
    reject("endpoint hi = 2 is a root", [-2, 1], 1, 2)


def test_reject_no_root():
    reject("no root in the interval", [-2, 0, 1], 2, 3)
    reject("no root in the interval", [1, 0, 1], -5, 5)             # t^2 + 1
    reject("no root in the interval", [-1, -1] + [0] * 48 + [1], Q(-1, 2), 1)


def test_reject_several_roots():
    reject("not exactly one", [-2, 0, 1], -2, 2)
    reject("not exactly one", [1, -3, 0, 1], -2, 2)                # three real roots
    reject("not exactly one", [-1, -1] + [0] * 48 + [1], -2, 2)    # -0.98.. and 1.01..


def test_degree_over_budget_declines_fast():
    coeffs = [1] + [0] * (10 ** 6 - 1) + [1]
    start = time.monotonic()
    with pytest.raises(Decline, match="degree 1000000"):
        declare(coeffs, 0, 1)
    with pytest.raises(Decline, match="degree 11"):
        declare([-2] + [0] * 10 + [1], 1, 2, max_degree=10)
    with pytest.raises(Decline):
        declare([-(2 ** 5000), 1], 0, 2 ** 5001, max_bits=1000)
    assert time.monotonic() - start < 0.5


def test_floats_are_refused():
    with pytest.raises(TypeError):
        AlgebraicField.declare("a", [-2, 0, 1], 1.0, Q(2), budget())
    with pytest.raises(TypeError):
        AlgebraicField.declare("a", [-2.0, 0, 1], Q(1), Q(2), budget())
    with pytest.raises(TypeError):
        AlgebraicField()


def test_degree_one_field_is_q():
    F, b = declare([-2, 3], 0, 1), budget()
    assert F.degree == 1 and F.generator() == F.from_rational(Q(2, 3))
    assert F.sign(F.sub(F.generator(), elem(F, Q(2, 3))), b) == 0
    assert F.floor(F.generator(), b) == 0 and F.power_reduction() == []
    assert F.describe() == "Q(a), a the root of 3*t - 2 in (0, 1)"


def test_huge_coefficients_and_wide_interval():
    F = declare([-1, -1] + [0] * 48 + [1], 0, 100)                 # Descartes must bisect
    assert F.floor(F.mul(elem(F, 1000), F.generator()), budget()) == 1014
    G = declare([-(3 ** 200) - 1, 0, 1], 0, 3 ** 101)
    assert G.floor(G.generator(), budget()) == 3 ** 100 and G.describe().startswith("Q(a)")
    H = declare([-(2 ** 5000) - 1, 0, 0, 1], 0, 2 ** 5000)
    assert H.sign(H.sub(H.generator(), elem(H, 2 ** 1666)), budget()) == 1


def _random_irreducible(rng, degree, bound):
    while True:
        c = [rng.randint(-bound, bound) for _ in range(degree)] + [rng.randint(1, bound)]
        _, fac = fmpz_poly(c).factor()
        if len(fac) == 1 and fac[0][1] == 1 and fac[0][0].degree() == degree:
            return c


@pytest.mark.parametrize("seed,degree",
                         [(1, 5), (2, 10), (3, 50), (4, 50), (5, 12), (6, 13), (7, 40)])
def test_every_sympy_isolating_interval_is_accepted(seed, degree):
    rng = random.Random(seed)
    coeffs = _random_irreducible(rng, degree, 100)
    P = sympy.Poly(list(reversed(coeffs)), sympy.Symbol("t"))
    ivs = [(Q(int(l.p), int(l.q)), Q(int(h.p), int(h.q))) for (l, h), _ in P.intervals()]
    if not ivs:                   # no real root: the Cauchy bound interval has none either
        cauchy = 1 + max(abs(c) for c in coeffs[:-1]) // coeffs[-1] + 1
        reject("no root in the interval", coeffs, -cauchy, cauchy)
    for lo, hi in ivs:
        F, b = AlgebraicField.declare("a", coeffs, lo, hi, budget()), budget()
        t = F.generator()
        assert F.compare(t, F.from_rational(lo), b) == 1
        assert F.compare(t, F.from_rational(hi), b) == -1
        assert lo.floor() <= F.floor(t, b) <= hi.floor()
    for (lo, _), (_, hi) in zip(ivs, ivs[1:]):
        reject("not exactly one", coeffs, lo, hi)
    assert_deep_signs(coeffs, ivs)


def assert_deep_signs(coeffs, ivs, bits=300):
    """theta against independent 2^-bits bounds (Fraction bisection of sympy's interval)."""
    for lo, hi in ivs:
        F, b = AlgebraicField.declare("a", coeffs, lo, hi, budget()), budget()
        l, h = _ref_interval(coeffs, Fraction(int(lo.p), int(lo.q)),
                             Fraction(int(hi.p), int(hi.q)), bits)
        t = F.generator()
        assert F.compare(t, F.from_rational(Q(l.numerator, l.denominator)), b) == 1
        assert F.compare(t, F.from_rational(Q(h.numerator, h.denominator)), b) == -1
        assert lo <= F._lo < F._hi <= hi and F._hi - F._lo < Q(1, 2 ** bits)


def test_close_roots():
    # t^3 - 2 (100 t - 1)^2: two real roots within about 2e-5 of 1/100
    coeffs = [-2, 400, -20000, 1]
    assert len(fmpz_poly(coeffs).factor()[1]) == 1
    F = declare(coeffs, Q(1, 100), Q(1, 50))
    G = declare(coeffs, 0, Q(1, 100))
    b = budget()
    assert F.sign(F.sub(F.generator(), elem(F, Q(1, 100))), b) == 1
    assert G.sign(G.sub(G.generator(), elem(G, Q(1, 100))), b) == -1
    reject("not exactly one", coeffs, 0, 1)
    assert_deep_signs(coeffs, [(Q(0), Q(1, 100)), (Q(1, 100), Q(1, 50)), (Q(1), Q(30000))])


# ---------------------------------------------------------------- differential (hypothesis)

SMALL = ["phi", "cbrt2", "quintic"]
fractions_st = st.builds(Fraction, st.integers(-60, 60), st.integers(1, 30))


@st.composite
def cases(draw):
    key = draw(st.sampled_from(SMALL))
    n = len(FIELDS[key][0]) - 1
    a = draw(st.lists(fractions_st, min_size=n, max_size=n))
    if draw(st.booleans()) and any(a[1:]):                 # make a(theta) tiny: subtract an
        bits = draw(st.integers(4, 300))                   # approximation of its value
        bl, bh = ref_bounds(key, a, lambda bl, bh: bh - bl < Fraction(1, 2 ** bits))
        a[0] -= (bl + bh) / 2
    return key, a


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_sign_and_floor_against_reference(case):
    key, a = case
    F, b = field(key), budget()
    x = F.from_components([Q(c.numerator, c.denominator) for c in a])
    expected = ref_sign(key, a)
    assert F.sign(x, b) == expected
    assert F.sign(F.neg(x), b) == -expected
    if any(a[1:]):
        assert F.floor(x, b) == ref_floor(key, a)
    else:
        assert F.floor(x, b) == a[0].__floor__()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SMALL), st.data())
def test_products_and_inverses_against_reference(key, data):
    F, b = field(key), budget()
    n = F.degree
    a = data.draw(st.lists(fractions_st, min_size=n, max_size=n))
    c = data.draw(st.lists(fractions_st, min_size=n, max_size=n))
    x = F.from_components([Q(v.numerator, v.denominator) for v in a])
    y = F.from_components([Q(v.numerator, v.denominator) for v in c])
    prod = F.mul(x, y)
    assert ref_sign(key, as_fractions(F, prod)) == ref_sign(key, a) * ref_sign(key, c)
    assert F.sub(F.add(x, y), y) == x
    if not F.is_zero(y):
        assert F.mul(F.div(x, y), y) == x
        assert ref_sign(key, as_fractions(F, F.inv(y))) == ref_sign(key, c)
        assert F.power(y, -3, b) == F.inv(F.mul(y, F.mul(y, y)))
