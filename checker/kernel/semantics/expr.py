"""The expression sublanguage: static typing and exact evaluation over a field.

One sublanguage serves every formula of a document: field polynomials, parameter values,
ETR formulas, custom activations and custom losses.  It is total up to explicit evaluation
errors (division by zero, a non-integer exponent), which reject the claim that needed the
value; it has no loops, only quantifiers bounded by the number of outputs.

`typecheck` runs once per expression, before any evaluation: names must be bound, calls must
name a builtin with the right number of arguments, numbers and truth values must not mix.
`evaluate` then assumes a well-typed expression.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gmpy2
from flint import fmpq, fmpz

from checker.kernel.syntax import ast
from checker.kernel.base.budget import Budget, KernelError, Reject, Undefined

NUM, BOOL = "number", "truth value"

# builtin numeric functions: name -> arity (None: one or more)
NUMERIC_BUILTINS = {"floor": 1, "ceil": 1, "frac": 1, "abs": 1, "relu": 1, "ndigits": 1,
                    "fracdigits": 1, "mod": 2, "min": None, "max": None}
QUANTIFIERS = {"sumover": NUM, "maxover": NUM, "minover": NUM, "forall": BOOL, "exists": BOOL}
LOSS_ACCESSORS = {"y": NUM, "p": NUM, "known": BOOL}


@dataclass
class Scope:
    """What an expression may mention: variables, and (in a loss) the outputs."""

    variables: frozenset[str]
    outputs: int | None = None           # number of outputs T, in a loss; else None
    bound: frozenset[str] = frozenset()  # quantifier variables in scope

    def with_bound(self, name: str) -> "Scope":
        return Scope(self.variables, self.outputs, self.bound | {name})


def typecheck(e: ast.Expr, scope: Scope) -> str:
    """Return NUM or BOOL, or reject with the location of the first ill-formed node."""
    t = type(e)
    if t is ast.Num:
        return NUM
    if t is ast.Var:
        if e.name in scope.bound or e.name in scope.variables:
            return NUM
        if e.name == "T" and scope.outputs is not None:
            return NUM
        raise Reject(f"unknown name {e.name!r}", e.loc)
    if t in (ast.Sum, ast.Product):
        for sub in (e.terms if t is ast.Sum else e.factors):
            expect(sub, scope, NUM)
        return NUM
    if t is ast.Neg:
        return expect(e.arg, scope, NUM)
    if t is ast.Pow:
        expect(e.base, scope, NUM)
        return expect(e.exp, scope, NUM)
    if t is ast.Cmp:
        expect(e.left, scope, NUM)
        expect(e.right, scope, NUM)
        return BOOL
    if t is ast.BoolOp:
        for sub in e.args:
            expect(sub, scope, BOOL)
        return BOOL
    if t is ast.Ite:
        expect(e.cond, scope, BOOL)
        kind = typecheck(e.then, scope)
        return expect(e.other, scope, kind)
    if t is ast.Call:
        return _typecheck_call(e, scope)
    raise Reject("unsupported expression", getattr(e, "loc", None))


def expect(e: ast.Expr, scope: Scope, kind: str) -> str:
    """Typecheck `e` and reject unless it is of `kind` (NUM or BOOL)."""
    got = typecheck(e, scope)
    if got != kind:
        raise Reject(f"expected a {kind} here, found a {got}", e.loc)
    return kind


def _typecheck_call(e: ast.Call, scope: Scope) -> str:
    if e.fn in NUMERIC_BUILTINS:
        arity = NUMERIC_BUILTINS[e.fn]
        if (arity is None and not e.args) or (arity is not None and len(e.args) != arity):
            raise Reject(f"{e.fn} takes {arity or 'one or more'} argument(s), "
                         f"not {len(e.args)}", e.loc)
        for a in e.args:
            expect(a, scope, NUM)
        return NUM
    if e.fn in QUANTIFIERS or e.fn in LOSS_ACCESSORS:
        if scope.outputs is None:
            raise Reject(f"{e.fn} may be used only in a loss", e.loc)
        if e.fn in LOSS_ACCESSORS:
            if len(e.args) != 1:
                raise Reject(f"{e.fn} takes one output index", e.loc)
            _check_index(e.args[0], scope)
            return LOSS_ACCESSORS[e.fn]
        if len(e.args) != 2 or type(e.args[0]) is not ast.Var:
            raise Reject(f"{e.fn} takes a variable name and a body, as in {e.fn}(i, ...)", e.loc)
        name = e.args[0].name
        if name in scope.variables or name in scope.bound or name == "T":
            raise Reject(f"quantifier variable {name!r} shadows another name", e.args[0].loc)
        return expect(e.args[1], scope.with_bound(name), QUANTIFIERS[e.fn])
    raise Reject(f"unknown function {e.fn!r}", e.loc)


def _check_index(e: ast.Expr, scope: Scope) -> None:
    """Output indices are a quantifier variable or a literal in 1..T: never out of range."""
    if type(e) is ast.Var and e.name in scope.bound:
        return
    if type(e) is ast.Num and e.value.q == 1 and 1 <= e.value.p <= scope.outputs:
        return
    raise Reject(f"an output index must be a quantifier variable or an integer in 1..{scope.outputs}",
                 e.loc)


# ---- evaluation ----------------------------------------------------------------------------
@dataclass
class LossPoint:
    """The outputs of one data point, as seen by a custom loss (1-based)."""

    target: list                         # field elements; None for '?'
    predicted: list


class Evaluator:
    """Evaluates well-typed expressions exactly in field `F` under `budget`."""

    def __init__(self, F: Any, budget: Budget):
        self.F = F
        self.budget = budget
        self.zero = F.from_rational(fmpq(0))
        self.one = F.from_rational(fmpq(1))

    def value(self, e: ast.Expr, env: dict, point: LossPoint | None = None) -> Any:
        self.budget.tick(1, e.loc)
        F = self.F
        t = type(e)
        if t is ast.Num:
            return F.from_rational(e.value)
        if t is ast.Var:
            if e.name in env:
                return env[e.name]
            return F.from_rational(fmpq(len(point.target)))         # 'T', by typecheck
        if t is ast.Sum:
            acc = self.value(e.terms[0], env, point)
            for sign, term in zip(e.signs[1:], e.terms[1:]):
                v = self.value(term, env, point)
                acc = F.add(acc, v) if sign > 0 else F.sub(acc, v)
            return acc
        if t is ast.Product:
            acc = self.value(e.factors[0], env, point)
            for op, factor in zip(e.ops[1:], e.factors[1:]):
                v = self.value(factor, env, point)
                if op == "*":
                    acc = F.mul(acc, v)
                else:
                    if F.is_zero(v):
                        raise Undefined("division by zero", factor.loc)
                    acc = F.div(acc, v)
            return acc
        if t is ast.Neg:
            return F.neg(self.value(e.arg, env, point))
        if t is ast.Pow:
            return self._power(e, env, point)
        if t is ast.Ite:
            branch = e.then if self.value(e.cond, env, point) else e.other
            return self.value(branch, env, point)
        if t is ast.Cmp:
            return self._compare(e.op, self.value(e.left, env, point),
                                 self.value(e.right, env, point))
        if t is ast.BoolOp:
            if e.op == "not":
                return not self.value(e.args[0], env, point)
            if e.op == "and":
                return all(self.value(a, env, point) for a in e.args)
            return any(self.value(a, env, point) for a in e.args)
        return self._call(e, env, point)

    def _power(self, e: ast.Pow, env: dict, point) -> Any:
        F = self.F
        base = self.value(e.base, env, point)
        exp = self.value(e.exp, env, point)
        if not F.is_rational(exp) or F.to_rational(exp).q != 1:
            raise Undefined("an exponent must be an integer", e.exp.loc)
        k = int(F.to_rational(exp).p)
        if k < 0 and F.is_zero(base):
            raise Undefined("division by zero (zero to a negative power)", e.loc)
        try:
            return F.power(base, k, self.budget)
        except KernelError as err:
            raise err.at(e.loc)

    def _compare(self, op: str, a: Any, b: Any) -> bool:
        if op == "=":
            return self.F.is_zero(self.F.sub(a, b))
        if op == "!=":
            return not self.F.is_zero(self.F.sub(a, b))
        c = self.F.compare(a, b, self.budget)
        return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]

    def _call(self, e: ast.Call, env: dict, point: LossPoint | None) -> Any:
        F, fn = self.F, e.fn
        if fn in QUANTIFIERS:
            return self._quantifier(e, env, point)
        if fn in LOSS_ACCESSORS:
            i = self._index(e.args[0], env, point)
            if fn == "known":
                return point.target[i] is not None
            seq = point.target if fn == "y" else point.predicted
            return self.zero if seq[i] is None else seq[i]
        args = [self.value(a, env, point) for a in e.args]
        return apply_builtin(F, fn, args, self.budget, e.loc)

    def _index(self, e: ast.Expr, env: dict, point: LossPoint) -> int:
        v = env[e.name] if type(e) is ast.Var else self.F.from_rational(e.value)
        return int(self.F.to_rational(v).p) - 1

    def _quantifier(self, e: ast.Call, env: dict, point: LossPoint) -> Any:
        F, name, body = self.F, e.args[0].name, e.args[1]
        values = []
        for i in range(1, len(point.target) + 1):
            inner = dict(env)
            inner[name] = F.from_rational(fmpq(i))
            values.append(self.value(body, inner, point))
        if e.fn == "forall":
            return all(values)
        if e.fn == "exists":
            return any(values)
        if e.fn == "sumover":
            acc = self.zero
            for v in values:
                acc = F.add(acc, v)
            return acc
        if not values:
            return self.zero
        return apply_builtin(F, "max" if e.fn == "maxover" else "min", values, self.budget, e.loc)


def apply_builtin(F: Any, fn: str, args: list, budget: Budget, loc) -> Any:
    """The numeric builtins, each exact and total except where documented."""
    if fn in ("min", "max"):
        best = args[0]
        for a in args[1:]:
            c = F.compare(a, best, budget)
            if (fn == "max" and c > 0) or (fn == "min" and c < 0):
                best = a
        return best
    x = args[0]
    if fn == "relu":
        return x if F.sign(x, budget) > 0 else F.from_rational(fmpq(0))
    if fn == "abs":
        return F.neg(x) if F.sign(x, budget) < 0 else x
    if fn == "floor":
        return F.from_rational(fmpq(F.floor(x, budget)))
    if fn == "ceil":
        return F.neg(F.from_rational(fmpq(F.floor(F.neg(x), budget))))
    if fn == "frac":
        return F.sub(x, F.from_rational(fmpq(F.floor(x, budget))))
    if fn == "mod":
        m = args[1]
        if F.is_zero(m):
            raise Undefined("mod by zero", loc)
        return F.sub(x, F.mul(m, F.from_rational(fmpq(F.floor(F.div(x, m), budget)))))
    if fn == "ndigits":
        return F.from_rational(fmpq(decimal_digits(abs_floor(F, x, budget))))
    if fn == "fracdigits":
        if not F.is_rational(x):
            return F.from_rational(fmpq(-1))
        return F.from_rational(fmpq(fraction_digits(F.to_rational(x))))
    raise Reject(f"unknown function {fn!r}", loc)


def abs_floor(F: Any, x: Any, budget: Budget) -> fmpz:
    """floor(|x|)."""
    return F.floor(F.neg(x) if F.sign(x, budget) < 0 else x, budget)


def decimal_digits(n: fmpz) -> int:
    """Number of decimal digits of the integer n ≥ 0; 0 for n = 0."""
    if n == 0:
        return 0
    m = gmpy2.mpz(int(n))
    k = gmpy2.num_digits(m, 10)          # exact or one too many
    return k - 1 if m < gmpy2.mpz(10) ** (k - 1) else k


def fraction_digits(q: fmpq) -> int:
    """Digits after the decimal point of q's finite expansion, or -1 if it has none."""
    den = gmpy2.mpz(int(q.q))
    twos = gmpy2.bit_scan1(den) if den > 1 else 0
    den >>= twos
    fives = 0
    if den > 1:
        den, fives = gmpy2.remove(den, 5)
    return -1 if den != 1 else max(twos, fives)
