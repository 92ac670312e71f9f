"""Evaluation of polynomial terms (syntax/polyterm.py) in a ring or field.

The only evaluator the identity route uses.  It needs of `R` exactly the ring interface of
base/polynomials.py and base/fields.py: from_rational, add, sub, mul, neg, div, power,
is_zero.  Because a term has no comparison, branch or builtin, the value in a polynomial
ring (or the field of rational functions) is the term read as a ring element, and evaluation
commutes with substituting a point for the variables (a ring homomorphism), which is what the
soundness arguments in docs/SOUNDNESS.md (Part I) rely on.
"""
from __future__ import annotations

from typing import Any

from checker.kernel.base.budget import Budget, KernelError, Reject, Undefined
from checker.kernel.syntax import polyterm as P


def evaluate(t: P.Term, R: Any, env: dict, budget: Budget) -> Any:
    """The value of `t` in `R`, variables taken from `env` (an unknown name rejects)."""
    budget.tick(1, t.loc)
    tt = type(t)
    if tt is P.Num:
        return R.from_rational(t.value)
    if tt is P.Var:
        if t.name not in env:
            raise Reject(f"unknown name {t.name!r}", t.loc)
        return env[t.name]
    if tt is P.Sum:
        acc = evaluate(t.terms[0], R, env, budget)
        if t.signs[0] < 0:
            acc = R.neg(acc)
        for sign, term in zip(t.signs[1:], t.terms[1:]):
            v = evaluate(term, R, env, budget)
            acc = R.add(acc, v) if sign > 0 else R.sub(acc, v)
        return acc
    if tt is P.Neg:
        return R.neg(evaluate(t.arg, R, env, budget))
    if tt is P.Product:
        acc = evaluate(t.factors[0], R, env, budget)
        for factor, divides in zip(t.factors[1:], t.divides[1:]):
            v = evaluate(factor, R, env, budget)
            if not divides:
                acc = R.mul(acc, v)
            elif R.is_zero(v):
                raise Undefined("division by zero", factor.loc)
            else:
                acc = R.div(acc, v)
        return acc
    base = evaluate(t.base, R, env, budget)
    if t.exp < 0 and R.is_zero(base):
        raise Undefined("division by zero (zero to a negative power)", t.loc)
    try:
        return R.power(base, t.exp, budget)
    except KernelError as err:
        raise err.at(t.loc)


def holds(f: P.Formula, F: Any, env: dict, budget: Budget) -> bool:
    """The truth value of a formula at a point (F a field, env the point)."""
    if type(f) is P.Atom:
        a, b = evaluate(f.left, F, env, budget), evaluate(f.right, F, env, budget)
        if f.op in ("=", "!="):
            return F.is_zero(F.sub(a, b)) == (f.op == "=")
        c = F.compare(a, b, budget)
        return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[f.op]
    if f.op == "not":
        return not holds(f.args[0], F, env, budget)
    if f.op == "and":
        return all(holds(a, F, env, budget) for a in f.args)
    return any(holds(a, F, env, budget) for a in f.args)
