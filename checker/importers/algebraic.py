"""Real algebraic numbers for the model importer: exact root isolation and one primitive element.

A `RealAlgebraic` is an irreducible integer polynomial of degree >= 2 with an open rational
interval holding exactly one of its roots.  Roots are isolated exactly (Descartes' rule of signs
on rational intervals, the kernel's `sign_variations`; bisection at rationals, never a root of an
irreducible polynomial of degree >= 2), never with floating point.

Several algebraic values share one field Q(theta): sympy's `primitive_element` proposes theta
(a small integer combination of the values) and each value as a polynomial in theta; both are
untrusted, so every representation is re-checked exactly in the kernel's `AlgebraicField`
(f_i(rep_i(theta)) = 0 and rep_i(theta) inside value i's isolating interval) before use -- and
the kernel checks the written certificate again anyway.
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq, fmpq_poly, fmpz, fmpz_poly

from checker.kernel.base.budget import Budget, Decline, Reject
from checker.kernel.base.fields import AlgebraicField, sign_variations
from . import ImportFailure

Loc = tuple[int, int] | None


@dataclass(frozen=True)
class RealAlgebraic:
    """The unique root of `poly` (irreducible, primitive, degree >= 2) in (lo, hi)."""
    poly: fmpz_poly
    lo: fmpq
    hi: fmpq


def _sgn(x) -> int:
    return (x > 0) - (x < 0)


def _primitive(p: fmpq_poly | fmpz_poly) -> fmpz_poly:
    """The primitive integer polynomial with positive leading coefficient proportional to p."""
    q = fmpq_poly(p)
    z = q.numer()
    content = fmpz(0)
    for c in z.coeffs():
        content = content.gcd(c)
    z = fmpz_poly([c // content for c in z.coeffs()])
    return z if z.coeffs()[-1] > 0 else -z


def _bound(m: fmpz_poly) -> fmpq:
    """Cauchy's bound: every real root lies in (-B, B)."""
    c = m.coeffs()
    return 1 + max(fmpq(abs(a), abs(c[-1])) for a in c[:-1])


def isolate(m: fmpz_poly) -> list[tuple[fmpq, fmpq]]:
    """Isolating open intervals of the real roots of the irreducible m (degree >= 2), in
    increasing order."""
    mq, b = fmpq_poly(m), _bound(m)
    out, stack = [], [(-b, b)]
    while stack:
        lo, hi = stack.pop()
        v = sign_variations(mq, lo, hi)
        if v == 1:
            out.append((lo, hi))
        elif v > 1:
            mid = (lo + hi) / 2
            stack += [(lo, mid), (mid, hi)]
    return sorted(out)


def refine(a: RealAlgebraic) -> RealAlgebraic:
    """Halve the isolating interval (the midpoint is never a root: m is irreducible)."""
    m, mid = fmpq_poly(a.poly), (a.lo + a.hi) / 2
    if _sgn(m(a.lo)) != _sgn(m(mid)):
        return RealAlgebraic(a.poly, a.lo, mid)
    return RealAlgebraic(a.poly, mid, a.hi)


def _roots_of(p: fmpq_poly, loc: Loc) -> list[fmpq | RealAlgebraic]:
    """The distinct real roots of p (rational or algebraic), not yet sorted."""
    if p.degree() < 1:
        raise ImportFailure("an algebraic number needs a polynomial of degree at least 1", loc)
    out: list = []
    for f, _ in fmpz_poly(p.numer()).factor()[1]:
        if f.degree() == 1:
            out.append(fmpq(-f.coeffs()[0], f.coeffs()[1]))
        else:
            f = _primitive(f)
            out += [RealAlgebraic(f, lo, hi) for lo, hi in isolate(f)]
    return out


def _interval(r) -> tuple[fmpq, fmpq]:
    return (r, r) if isinstance(r, fmpq) else (r.lo, r.hi)


def _sorted_roots(roots: list) -> list:
    """Refine until the intervals are pairwise disjoint, then sort (all roots are distinct)."""
    while True:
        spans = sorted((_interval(r), i) for i, r in enumerate(roots))
        clash = {i for (a, i), (b, j) in zip(spans, spans[1:]) if a[1] >= b[0]
                 for i in (i, j)}
        if not clash:
            return [roots[i] for _, i in spans]
        roots = [refine(r) if i in clash and isinstance(r, RealAlgebraic) else r
                 for i, r in enumerate(roots)]


def root_obj(p: fmpq_poly, k: int, loc: Loc = None) -> fmpq | RealAlgebraic:
    """z3's (root-obj p k): the k-th distinct real root of p in increasing order, k from 1."""
    roots = _sorted_roots(_roots_of(p, loc))
    if not 1 <= k <= len(roots):
        raise ImportFailure(f"root-obj index {k} is out of range: the polynomial has "
                            f"{len(roots)} real root(s)", loc)
    return roots[k - 1]


def root_in(p: fmpq_poly, lo: fmpq, hi: fmpq, loc: Loc = None) -> fmpq | RealAlgebraic:
    """cvc5's real algebraic number: the root of p in the interval [lo, hi], which must be
    the only one."""
    found = []
    for r in _roots_of(p, loc):
        if isinstance(r, fmpq):
            found += [r] if lo <= r <= hi else []
            continue
        while r.lo < lo < r.hi or r.lo < hi < r.hi:      # make (r.lo, r.hi) inside or outside
            r = refine(r)
        if lo <= r.lo and r.hi <= hi:
            found.append(r)
    if len(found) != 1:
        raise ImportFailure(f"the interval ({lo}, {hi}) holds {len(found)} roots of the "
                            f"polynomial, not exactly one", loc)
    if isinstance(found[0], RealAlgebraic):
        return RealAlgebraic(found[0].poly, max(lo, found[0].lo), min(hi, found[0].hi))
    return found[0]


@dataclass(frozen=True)
class NumberField:
    """Q(theta): theta the root of `poly` (integer, irreducible) in (lo, hi)."""
    poly: fmpz_poly
    lo: fmpq
    hi: fmpq


def _same(a: RealAlgebraic, b: RealAlgebraic) -> bool:
    if a.poly != b.poly:
        return False
    # The intersection lies in an isolating interval, so it holds at most one (simple) root,
    # and it holds one iff the polynomial changes sign across it.
    lo, hi, m = max(a.lo, b.lo), min(a.hi, b.hi), fmpq_poly(a.poly)
    return lo < hi and _sgn(m(lo)) != _sgn(m(hi))


def _declare(poly: fmpz_poly, lo: fmpq, hi: fmpq) -> AlgebraicField:
    return AlgebraicField.declare("theta", [int(c) for c in poly.coeffs()], lo, hi, Budget())


def _value_in(F: AlgebraicField, rep: fmpq_poly) -> fmpq_poly:
    acc = F.from_rational(fmpq(0))
    for c in reversed(rep.coeffs()):
        acc = F.add(F.mul(acc, F.generator()), F.from_rational(c))
    return acc


def _represents(F: AlgebraicField, rep: fmpq_poly, a: RealAlgebraic) -> bool:
    """Exactly: rep(theta) is a root of a.poly inside (a.lo, a.hi), i.e. equals a."""
    v, budget = _value_in(F, rep), Budget()
    if not F.is_zero(_value_in(F, fmpq_poly(a.poly)(rep))):
        return False
    return (F.compare(v, F.from_rational(a.lo), budget) > 0
            and F.compare(v, F.from_rational(a.hi), budget) < 0)


def common_field(values: list[RealAlgebraic]) -> tuple[NumberField, list[fmpq_poly]]:
    """One field Q(theta) holding every value, and each value as a polynomial in theta
    (verified exactly).  Raises ImportFailure if no verified representation is found."""
    unique: list[RealAlgebraic] = []
    for v in values:
        if not any(_same(v, u) for u in unique):
            unique.append(v)
    try:
        field, reps = _primitive_element(unique)
        F = _declare(field.poly, field.lo, field.hi)
        out = []
        for v in values:
            rep = next((r for u, r in zip(unique, reps) if _same(v, u)), None)
            if rep is None or not _represents(F, rep, v):
                raise ImportFailure("internal error: a value's representation in the primitive "
                                    "element does not check")
            out.append(rep)
        return field, out
    except (Reject, Decline) as e:
        raise ImportFailure(f"cannot build a field for the model's values: {e}") from None


def _primitive_element(unique: list[RealAlgebraic]) -> tuple[NumberField, list[fmpq_poly]]:
    import sympy
    from sympy.polys.numberfields.subfield import primitive_element
    y, x = sympy.Dummy("y"), sympy.Symbol("x")
    roots = [sympy.CRootOf(sympy.Poly([int(c) for c in reversed(a.poly.coeffs())], y),
                           _real_index(a)) for a in unique]
    if len(unique) == 1:
        g_coeffs, ks, reps = unique[0].poly, [1], [fmpq_poly([0, 1])]
    else:
        try:
            g, ks, rep_lists = primitive_element(roots, x, ex=True)
        except Exception as e:       # sympy's failure is an input we cannot import, not a crash
            raise ImportFailure(f"sympy found no primitive element for the model's values "
                                f"({type(e).__name__})") from None
        g_coeffs = _primitive(fmpq_poly([fmpq(int(c.p), int(c.q)) for c in
                                         reversed(sympy.Poly(g, x).all_coeffs())]))
        reps = [fmpq_poly([fmpq(int(c.p), int(c.q)) for c in reversed(r)]) for r in rep_lists]
        simpler = _generating_value(unique, roots, g_coeffs.degree())
        if simpler is not None:
            return simpler
    cur = list(unique)
    for _ in range(200):                      # theta = sum k_i a_i: refine until isolated
        lo = sum((fmpq(k) * (a.lo if k > 0 else a.hi) for k, a in zip(ks, cur)), fmpq(0))
        hi = sum((fmpq(k) * (a.hi if k > 0 else a.lo) for k, a in zip(ks, cur)), fmpq(0))
        try:
            _declare(g_coeffs, lo, hi)
            return NumberField(g_coeffs, lo, hi), reps
        except Reject:
            cur = [refine(a) for a in cur]
    raise ImportFailure("cannot isolate the primitive element of the model's values")


def _generating_value(unique: list[RealAlgebraic], roots: list, degree: int):
    """If one of the values alone generates the field (its degree is the field's), theta is
    that value: a readable field and representations (sympy's to_number_field; the caller's
    check is exact).  None if no value does or sympy fails."""
    from sympy.polys.numberfields.subfield import to_number_field
    for i, a in enumerate(unique):
        if a.poly.degree() != degree:
            continue
        try:
            reps = []
            for r in roots:
                coeffs = to_number_field(r, roots[i]).coeffs()
                reps.append(fmpq_poly([fmpq(int(c.p), int(c.q)) for c in reversed(coeffs)]))
        except Exception:            # sympy's failure: keep the general primitive element
            return None
        return NumberField(a.poly, a.lo, a.hi), reps
    return None


def _real_index(a: RealAlgebraic) -> int:
    """sympy's CRootOf index of a real root: its position among the real roots, increasing."""
    for i, (lo, hi) in enumerate(isolate(a.poly)):
        if _same(a, RealAlgebraic(a.poly, lo, hi)):
            return i
    raise ImportFailure("internal error: a root was lost while isolating")
