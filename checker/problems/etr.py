"""ETR (003 §1.2): is there a real point satisfying a Boolean combination of polynomial
(in)equalities?  A witness assigns every variable a real algebraic value; it solves the
instance iff the formula evaluates to true, exactly.

A variable may be restricted to a finite set (`var x in {0, 1};`), which makes the same
definition serve the finite source problems of the reductions (SUBSET SUM, EXACT COVER,
2-CSP written as polynomial constraints over finite domains); such instances can be refuted
by enumeration.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flint import fmpq

from ..kernel import expr as X
from ..kernel.enumeration import assignments, show, space_size
from ..kernel.budget import Budget, Decline, Location, Reject
from ..language import ast


@dataclass
class EtrInstance:
    name: str
    variables: list[str]
    domains: dict[str, list[fmpq] | None]   # None: all reals
    formula: ast.Expr                # a conjunction of the document's `formula` statements
    canonical: str
    loc: Location


def solves(F: Any, inst: EtrInstance, assignment: dict, locs: dict, budget: Budget) -> None:
    """Return if the assignment satisfies the formula; otherwise reject."""
    for v in inst.variables:
        if v not in assignment:
            raise Reject(f"the witness gives no value to variable {v!r}", None)
        values = inst.domains[v]
        if values is not None and not (F.is_rational(assignment[v])
                                       and F.to_rational(assignment[v]) in values):
            raise Reject(f"the value of variable {v!r} is not in its domain", locs.get(v))
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
