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

from checker.kernel.semantics import expr as X
from checker.kernel.base.enumeration import assignments, show, space_size
from checker.kernel.base.polynomials import PolynomialRing
from checker.kernel.base.budget import Budget, Decline, Location, Reject
from checker.kernel.syntax import ast


@dataclass
class EtrInstance:
    name: str
    variables: list[str]
    domains: dict[str, list[fmpq] | None]   # None: all reals
    formula: ast.Expr                # a conjunction of the document's `formula` statements
    canonical: str
    loc: Location
    nonzero: frozenset[str] = frozenset()    # variables ranging over the non-zero reals


def solves(F: Any, inst: EtrInstance, assignment: dict, locs: dict, budget: Budget) -> None:
    """Return if the assignment satisfies the formula; otherwise reject."""
    for v in inst.variables:
        if v not in assignment:
            raise Reject(f"the witness gives no value to variable {v!r}", None)
        values = inst.domains[v]
        if values is not None and not (F.is_rational(assignment[v])
                                       and F.to_rational(assignment[v]) in values):
            raise Reject(f"the value of variable {v!r} is not in its domain", locs.get(v))
        if v in inst.nonzero and F.is_zero(assignment[v]):
            raise Reject(f"variable {v!r} is declared nonzero but its value is 0", locs.get(v))
    if not X.Evaluator(F, budget).value(inst.formula, assignment):
        raise Reject(f"the formula of {inst.name!r} is false at the witness", inst.formula.loc)


def refutes(F: Any, inst: EtrInstance, budget: Budget) -> None:
    """No assignment satisfies the formula: by enumeration when every domain is finite."""
    if space_size(inst.domains) is None:
        raise Decline("refuting an ETR instance over the reals needs a Nullstellensatz or "
                      "Positivstellensatz certificate, which this kernel does not support yet",
                      inst.loc)
    evaluator = X.Evaluator(F, budget)
    for assignment in assignments(F, inst.domains, budget, f"the space of {inst.name!r}",
                                  inst.loc):
        if evaluator.value(inst.formula, assignment):
            raise Reject(f"not refuted: {show(assignment, F)} satisfies {inst.name!r}", inst.loc)


def atoms(e: ast.Expr) -> list[ast.Expr]:
    """The conjuncts of a formula (nested `and`s flattened)."""
    if type(e) is ast.BoolOp and e.op == "and":
        return [a for arg in e.args for a in atoms(arg)]
    return [e]


def refutes_by_identity(inst: EtrInstance, cert: ast.Block, budget: Budget) -> None:
    """A Positivstellensatz certificate: with the formula a conjunction of atoms f_i = 0 and
    g_j >= 0 (or > 0), the identity  -1 = sum_i c_i f_i + sigma_0 + sum_j g_j sigma_j,  each
    sigma a sum of lambda * q^2 with rational lambda >= 0, is impossible at a real solution
    (the right side is >= 0 there).  Checked as an exact polynomial identity."""
    if inst.nonzero:
        raise Decline("identity refutations of instances with nonzero variables are not "
                      "supported in this version; refute a polynomial source and carry the "
                      "refutation along a correspondence (`refutes(T) via R`)", cert.loc)
    ring = PolynomialRing(inst.variables, budget)
    evaluator = X.Evaluator(ring, budget)
    scope = X.Scope(frozenset(inst.variables))

    def poly(e: ast.Expr):
        X.expect(e, scope, X.NUM)
        return evaluator.value(e, dict(ring.gens))

    conjuncts = atoms(inst.formula)
    total = ring.from_rational(fmpq(0))
    for d in cert.decls:
        i = d.data["atom"]
        if i > len(conjuncts) or (d.kind == "multiply" and i == 0):
            raise Reject(f"atom {i} does not exist: the formula has atoms 1..{len(conjuncts)}", d.loc)
        atom = conjuncts[i - 1] if i else None
        if atom is not None and type(atom) is not ast.Cmp:
            raise Decline("the formula is not a conjunction of (in)equalities; case splits are "
                          "not supported yet", atom.loc)
        if d.kind == "multiply":
            if atom.op != "=":
                raise Reject(f"atom {i} is not an equation; only equations take a multiplier",
                             d.loc)
            total = total + poly(d.data["by"]) * (poly(atom.left) - poly(atom.right))
            continue
        weight = poly(d.data["weight"])
        if not weight.is_constant() or ring.to_rational(weight) < 0:
            raise Reject("the weight of a square must be a non-negative number", d.loc)
        term = weight * poly(d.data["base"]) ** 2
        if atom is not None:
            if atom.op in (">", ">="):
                term = term * (poly(atom.left) - poly(atom.right))
            elif atom.op in ("<", "<="):
                term = term * (poly(atom.right) - poly(atom.left))
            else:
                raise Reject(f"atom {i} is not an inequality; squares multiply inequalities "
                             f"(or stand alone as atom 0)", d.loc)
        total = total + term
        budget.tick(1, d.loc)
    if total != ring.from_rational(fmpq(-1)):
        raise Reject("the certificate's identity does not hold: the sum is not -1", cert.loc)
