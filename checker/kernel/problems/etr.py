"""ETR (003 §1.2): is there a real point satisfying a Boolean combination of polynomial
(in)equalities?  A witness assigns every variable a real algebraic value; it solves the
instance iff the formula evaluates to true, exactly.

A variable may be declared `nonzero` (it ranges over the non-zero reals); only such a variable
may divide or take a negative exponent in the formula, which makes ETR-INV-EQ's combined
constraints x^(±1) + y^(±1) − z^(±1) = 0 (003 §3.1) formulas of this problem.

A variable may also be restricted to a finite set (`var x in {0, 1};`), which makes the same
definition serve the finite source problems of the reductions (SUBSET SUM, EXACT COVER,
2-CSP written as polynomial constraints over finite domains); such instances can be refuted
by enumeration.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flint import fmpq

from checker.kernel.semantics import polyeval
from checker.kernel.base.enumeration import assignments, show, space_size
from checker.kernel.base.numerals import shown
from checker.kernel.base.polynomials import PolynomialRing
from checker.kernel.base.budget import Budget, Decline, Location, Reject, Undefined
from checker.kernel.syntax import ast
from checker.kernel.syntax import polyterm as P


@dataclass
class EtrInstance:
    name: str
    variables: list[str]
    domains: dict[str, list[fmpq] | None]   # None: all reals
    formula: ast.Expr                # a conjunction of the document's `formula` statements
    canonical: str
    loc: Location
    nonzero: frozenset[str] = frozenset()    # variables ranging over the non-zero reals
    terms: P.Formula | None = None   # the formula as typed terms: what the kernel evaluates


@dataclass
class Refutation:
    """A Positivstellensatz certificate: `multiply i by P` and `square i: w, q` steps, every
    expression a polynomial term (syntax/polyterm.py)."""
    name: str
    target: str
    steps: list          # ("multiply", atom, by, loc) / ("square", atom, weight, base, loc)
    canonical: str
    loc: Location


def why_not(F: Any, inst: EtrInstance, assignment: dict, locs: dict,
            budget: Budget) -> Reject | None:
    """THE solution predicate: None if the assignment satisfies the instance, else the reason
    it does not (a value outside its domain, 0 for a nonzero variable, a false formula, or a
    formula undefined at it).  Only `Undefined` is caught; a missing value is the document's
    fault and raises."""
    for v in inst.variables:
        if v not in assignment:
            raise Reject(f"the witness gives no value to variable {v!r}", None)
    for v in inst.variables:
        values = inst.domains[v]
        if values is not None and not (F.is_rational(assignment[v])
                                       and F.to_rational(assignment[v]) in values):
            return Reject(f"the value of variable {v!r} is not in its domain", locs.get(v))
        if v in inst.nonzero and F.is_zero(assignment[v]):
            return Reject(f"variable {v!r} is declared nonzero but its value is 0", locs.get(v))
    try:
        holds = polyeval.holds(inst.terms, F, assignment, budget)
    except Undefined as e:
        return Reject(f"the formula of {inst.name!r} is undefined at the witness: {e.reason}",
                      e.loc)
    if not holds:
        return Reject(f"the formula of {inst.name!r} is false at the witness", inst.formula.loc)
    return None



def refutes(F: Any, inst: EtrInstance, budget: Budget) -> None:
    """No assignment satisfies the formula: by enumeration when every domain is finite."""
    if space_size(inst.domains) is None:
        raise Decline("refuting an ETR instance over the reals needs a Nullstellensatz or "
                      "Positivstellensatz certificate, which this kernel does not support yet",
                      inst.loc)
    for assignment in assignments(F, inst.domains, budget, f"the space of {inst.name!r}",
                                  inst.loc):
        if why_not(F, inst, assignment, {}, budget) is None:
            raise Reject(f"not refuted: {show(assignment, F)} satisfies {inst.name!r}", inst.loc)


def atoms(e: ast.Expr) -> list[ast.Expr]:
    """The conjuncts of a formula as written (nested `and`s flattened), for producers; the
    kernel reads the typed formula (`conjuncts`)."""
    if type(e) is ast.BoolOp and e.op == "and":
        return [a for arg in e.args for a in atoms(arg)]
    return [e]


def conjuncts(inst: EtrInstance) -> list[P.Formula]:
    """The conjuncts of the instance's typed formula (nested `and`s flattened)."""
    return P.conjuncts(inst.terms)


def refutes_by_identity(inst: EtrInstance, cert: Refutation, budget: Budget) -> None:
    """A Positivstellensatz certificate: with the formula a conjunction of atoms f_i = 0 and
    g_j >= 0 (or > 0), the identity  -1 = sum_i c_i f_i + sigma_0 + sum_j g_j sigma_j,  each
    sigma a sum of lambda * q^2 with rational lambda >= 0, is impossible at a real solution
    (the right side is >= 0 there).  Checked as an exact polynomial identity, every c_i, q and
    lambda a polynomial term and every f_i, g_j a polynomial (no nonzero variables)."""
    if inst.nonzero:
        raise Decline("identity refutations of instances with nonzero variables are not "
                      "supported in this version; refute a polynomial source and carry the "
                      "refutation along a correspondence (`refutes(T) via R`)", cert.loc)
    ring = PolynomialRing(inst.variables, budget)
    env = dict(ring.gens)

    def poly(t: P.Term):
        return polyeval.evaluate(t, ring, env, budget)

    def side(atom: P.Atom, flip: bool = False):
        a, b = poly(atom.left), poly(atom.right)
        return ring.sub(b, a) if flip else ring.sub(a, b)

    parts = conjuncts(inst)
    total = ring.from_rational(fmpq(0))
    for step in cert.steps:
        kind, i, loc = step[0], step[1], step[-1]
        if i > len(parts) or (kind == "multiply" and i == 0):
            raise Reject(f"atom {shown(i)} does not exist: the formula has atoms "
                         f"1..{len(parts)}", loc)
        atom = parts[i - 1] if i else None
        if atom is not None and type(atom) is not P.Atom:
            raise Decline("the formula is not a conjunction of (in)equalities; case splits are "
                          "not supported yet", atom.loc)
        if kind == "multiply":
            if atom.op != "=":
                raise Reject(f"atom {i} is not an equation; only equations take a multiplier",
                             loc)
            total = ring.add(total, ring.mul(poly(step[2]), side(atom)))
            continue
        weight = poly(step[2])
        if not weight.is_constant() or ring.to_rational(weight) < 0:
            raise Reject("the weight of a square must be a non-negative number", loc)
        term = ring.mul(weight, ring.power(poly(step[3]), 2, budget))
        if atom is not None:
            if atom.op in (">", ">="):
                term = ring.mul(term, side(atom))
            elif atom.op in ("<", "<="):
                term = ring.mul(term, side(atom, flip=True))
            else:
                raise Reject(f"atom {i} is not an inequality; squares multiply inequalities "
                             f"(or stand alone as atom 0)", loc)
        total = ring.add(total, term)
        budget.tick(1, loc)
    if total != ring.from_rational(fmpq(-1)):
        raise Reject("the certificate's identity does not hold: the sum is not -1", cert.loc)
