"""ETR (003 §1.2): is there a real point satisfying a Boolean combination of polynomial
(in)equalities?  A witness assigns every variable a real algebraic value; it solves the
instance iff the formula evaluates to true, exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..kernel import expr as X
from ..kernel.budget import Budget, Decline, Location, Reject
from ..language import ast


@dataclass
class EtrInstance:
    name: str
    variables: list[str]
    formula: ast.Expr                # a conjunction of the document's `formula` statements
    canonical: str
    loc: Location


def solves(F: Any, inst: EtrInstance, assignment: dict, locs: dict, budget: Budget) -> None:
    """Return if the assignment satisfies the formula; otherwise reject."""
    for v in inst.variables:
        if v not in assignment:
            raise Reject(f"the witness gives no value to variable {v!r}", None)
    if not X.Evaluator(F, budget).value(inst.formula, assignment):
        raise Reject(f"the formula of {inst.name!r} is false at the witness", inst.formula.loc)


def refutes(F: Any, inst: EtrInstance, budget: Budget) -> None:
    raise Decline("refuting an ETR instance needs a Nullstellensatz or Positivstellensatz "
                  "certificate, which this kernel does not support yet", inst.loc)
