"""Enumeration of a finite assignment space within the budget (Level 2 and 3 by exhaustion)."""
from __future__ import annotations

import itertools
from typing import Any, Iterator

from flint import fmpq

from checker.kernel.base.budget import Budget, Decline, Location


def space_size(domains: dict[str, list[fmpq] | None]) -> int | None:
    """The number of assignments, or None if some domain is all reals."""
    size = 1
    for values in domains.values():
        if values is None:
            return None
        size *= len(values)
    return size


def assignments(F: Any, domains: dict[str, list[fmpq] | None], budget: Budget, what: str,
                loc: Location) -> Iterator[dict[str, Any]]:
    """Every assignment of the finite domains, as field elements; DECLINE if one is infinite or
    the space is over the enumeration budget."""
    size = space_size(domains)
    if size is None:
        real = next(n for n, v in domains.items() if v is None)
        raise Decline(f"{what} is infinite ({real!r} ranges over the reals); exhaustion needs "
                      f"finite domains", loc)
    budget.enumeration(size, what, loc)
    names = list(domains)
    for values in itertools.product(*(domains[n] for n in names)):
        budget.tick(1, loc)
        yield {n: F.from_rational(v) for n, v in zip(names, values)}


def show(assignment: dict[str, Any], F: Any, limit: int = 200) -> str:
    text = ", ".join(f"{n} = {F.to_rational(v) if F.is_rational(v) else '...'}"
                     for n, v in assignment.items())
    return text if len(text) <= limit else text[:limit] + ", ..."
