"""Polynomial terms: the only form in which the kernel treats an expression as a polynomial.

The identity route (Level-2 proof steps and the maps they are about, ETR formulas, the
Positivstellensatz multipliers, a field's defining polynomial) must not see `if … then …
else`, comparisons, Boolean connectives or builtin calls: over a ring of polynomials those are
decided by syntactic zero tests and mean something other than what they mean at a point.  So
these places do not hold general expressions but the terms below, and the term form simply
has no constructor for anything else: a number, a variable, a signed sum, a negation, a
product whose factors may be divisors, and a power with an integer literal exponent.

`convert` is the one way from the general AST to a term.  Its `policy` says what may divide:
  * LITERAL  — only a non-zero numeric literal; no negative exponent (a polynomial);
  * Laurent(vs) — also a variable in `vs` (ETR variables declared `nonzero`), which may also
    take a negative exponent (a Laurent polynomial);
  * RATIONAL — any polynomial term (itself converted under LITERAL), which may also take a
    negative exponent; `divisors` lists every such divisor as written, and whoever evaluates
    the term must show each one non-zero.
Anything else is refused with one sentence at the offending node.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from flint import fmpq, fmpz

from checker.kernel.base.budget import Reject
from checker.kernel.syntax import ast

Loc = ast.Loc


@dataclass(frozen=True, slots=True)
class Num:
    value: fmpq
    loc: Loc


@dataclass(frozen=True, slots=True)
class Var:
    name: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class Sum:
    """terms[0] ± terms[1] ± …; signs[i] is +1 or -1."""
    signs: tuple[int, ...]
    terms: tuple["Term", ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Neg:
    arg: "Term"
    loc: Loc


@dataclass(frozen=True, slots=True)
class Product:
    """factors[0] op factors[1] …, left to right; divides[i]: factor i is a divisor."""
    factors: tuple["Term", ...]
    divides: tuple[bool, ...]
    loc: Loc


@dataclass(frozen=True, slots=True)
class Power:
    """base ^ exp, exp an integer literal; exp < 0 only where the base may divide."""
    base: "Term"
    exp: fmpz
    loc: Loc


Term = Union[Num, Var, Sum, Neg, Product, Power]


@dataclass(frozen=True)
class Policy:
    """What may divide (see the module doc)."""
    name: str
    invertible: frozenset = frozenset()    # Laurent: the variables that may divide
    rational: bool = False                 # any polynomial term may divide

    def exponents(self) -> str:
        if self.rational:
            return "an integer literal"
        if self.invertible:
            return "a natural-number literal or, on a nonzero variable, a negative integer literal"
        return "a natural-number literal"

    def describe(self) -> str:
        if self.rational:
            return "divide only by polynomials"
        if self.invertible:
            return "divide only by a non-zero number or a variable declared nonzero"
        return "divide only by a non-zero number"


LITERAL = Policy("polynomial")
RATIONAL = Policy("rational function", rational=True)


def laurent(invertible: frozenset) -> Policy:
    return Policy("polynomial", frozenset(invertible))


def convert(e: ast.Expr, what: str, policy: Policy = LITERAL) -> Term:
    """The term for `e`, or a rejection at the first node a `what` may not contain."""
    t = type(e)
    if t is ast.Num:
        return Num(e.value, e.loc)
    if t is ast.Var:
        return Var(e.name, e.loc)
    if t is ast.Sum:
        return Sum(tuple(e.signs), tuple(convert(s, what, policy) for s in e.terms), e.loc)
    if t is ast.Neg:
        return Neg(convert(e.arg, what, policy), e.loc)
    if t is ast.Product:
        divides = tuple(op == "/" for op in e.ops)
        factors = tuple(_divisor(f, what, policy) if d else convert(f, what, policy)
                        for f, d in zip(e.factors, divides))
        return Product(factors, divides, e.loc)
    if t is ast.Pow:
        k = _integer_literal(e.exp)
        if k is None:
            raise Reject(f"{what} must be a {policy.name}: an exponent must be "
                         f"{policy.exponents()}", e.exp.loc)
        if k < 0:
            if not (policy.rational or policy.invertible):
                raise Reject(f"{what} must be a polynomial: a negative exponent is a division",
                             e.exp.loc)
            return Power(_divisor(e.base, what, policy, power=e.exp.loc), k, e.loc)
        return Power(convert(e.base, what, policy), k, e.loc)
    kind = {ast.Cmp: "a comparison", ast.BoolOp: "a Boolean connective",
            ast.Ite: "an if-then-else", ast.Call: "a function call"}.get(t, "this construct")
    raise Reject(f"{what} must be a {policy.name}: {kind} is not allowed here",
                 getattr(e, "loc", None))


def _integer_literal(e: ast.Expr) -> fmpz | None:
    """An integer literal, possibly negated (an exact fmpz: no conversion of any kind)."""
    sign = 1
    if type(e) is ast.Neg:
        sign, e = -1, e.arg
    if type(e) is ast.Num and e.value.q == 1:
        return sign * e.value.p
    return None


def _divisor(f: ast.Expr, what: str, policy: Policy, power: Loc | None = None) -> Term:
    """A term that is allowed to divide (or, `power` the exponent's location, take a negative
    exponent) under `policy`."""
    if policy.rational:
        return convert(f, f"a divisor in {what}", LITERAL)
    if type(f) is ast.Var and f.name in policy.invertible:
        return Var(f.name, f.loc)
    if power is None and type(f) is ast.Num and f.value != 0:
        return Num(f.value, f.loc)
    what_may = ("a negative exponent needs a variable declared nonzero as its base"
                if power is not None else policy.describe())
    raise Reject(f"{what} must be a {policy.name}: {what_may}", power or f.loc)


def children(t: Term) -> tuple:
    tt = type(t)
    if tt is Sum:
        return t.terms
    if tt is Product:
        return t.factors
    if tt is Neg:
        return (t.arg,)
    if tt is Power:
        return (t.base,)
    return ()


def names(t: Term) -> set[str]:
    """Every variable a term mentions."""
    out: set[str] = set()
    stack = [t]
    while stack:
        node = stack.pop()
        if type(node) is Var:
            out.add(node.name)
        else:
            stack.extend(children(node))
    return out


def divisors(t: Term) -> list[Term]:
    """Every divisor as written: a factor after `/` and the base of a negative power."""
    out: list[Term] = []
    stack = [t]
    while stack:
        node = stack.pop()
        tt = type(node)
        if tt is Product:
            out.extend(f for f, d in zip(node.factors, node.divides) if d)
        elif tt is Power and node.exp < 0:
            out.append(node.base)
        stack.extend(children(node))
    return out


# ---- formulas: Boolean combinations of atoms whose sides are terms ----------------------------
@dataclass(frozen=True, slots=True)
class Atom:
    op: str                      # = != < <= > >=
    left: Term
    right: Term
    loc: Loc


@dataclass(frozen=True, slots=True)
class Connective:
    op: str                      # and / or / not
    args: tuple["Formula", ...]
    loc: Loc


Formula = Union[Atom, Connective]


def convert_formula(e: ast.Expr, what: str, policy: Policy) -> Formula:
    """A Boolean combination of atoms `lhs op rhs` with term sides, or a rejection."""
    if type(e) is ast.Cmp:
        return Atom(e.op, convert(e.left, what, policy), convert(e.right, what, policy), e.loc)
    if type(e) is ast.BoolOp:
        return Connective(e.op, tuple(convert_formula(a, what, policy) for a in e.args), e.loc)
    raise Reject(f"{what} must be a Boolean combination of (in)equations between "
                 f"polynomials", getattr(e, "loc", None))


def conjuncts(f: Formula) -> list[Formula]:
    """The conjuncts of a formula (nested `and`s flattened)."""
    if type(f) is Connective and f.op == "and":
        return [a for arg in f.args for a in conjuncts(arg)]
    return [f]


def formula_names(f: Formula) -> set[str]:
    if type(f) is Atom:
        return names(f.left) | names(f.right)
    return set().union(*(formula_names(a) for a in f.args))
