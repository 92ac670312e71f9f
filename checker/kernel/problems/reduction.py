"""Level 2: a reduction's source and target correspond, for ALL solutions (SPEC §2).

A reduction block names a source instance S, a target instance T and two maps written in the
expression language: `encode` gives every unknown of T as an expression in the unknowns of S,
`decode` every unknown of S as an expression in the unknowns of T.  The claim
`corresponds(R)` holds iff
  forward:  for every solution x of S, encode(x) solves T, and
  backward: for every solution w of T, decode(w) solves S.
Both directions are decided by exhaustion when both unknown spaces are finite (D-NNT targets,
finite-domain sources) within `--max-enumeration`, or, for polynomial systems over the reals,
by the identity proofs the reduction block carries (`identities.py`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from checker.kernel.semantics import expr as X
from checker.kernel.base.budget import Budget, Decline, Location, Reject, Undefined
from checker.kernel.base.enumeration import assignments, show, space_size
from checker.kernel.syntax import ast
from checker.kernel.problems import identities


@dataclass
class Reduction:
    name: str
    source: str
    target: str
    encode: dict[str, ast.Expr]
    decode: dict[str, ast.Expr]
    canonical: str
    loc: Location
    proofs: dict = field(default_factory=dict)     # 'forward' / 'backward' -> proof steps
    terms: dict = field(default_factory=dict)      # with proofs: 'encode' / 'decode' -> name
                                                   # -> rational term (syntax/polyterm.py)


Holds = Callable[[dict], bool]


def _image(F: Any, maps: dict[str, ast.Expr], point: dict, budget: Budget) -> dict | None:
    """The map's values at `point`, or None where a map is undefined there (then the image is
    no point at all, so it solves nothing)."""
    evaluator = X.Evaluator(F, budget)
    try:
        return {name: evaluator.value(e, point) for name, e in maps.items()}
    except Undefined:
        return None


def _solved(holds: Holds, image: dict | None) -> bool:
    return image is not None and holds(image)


def corresponds(F: Any, red: Reduction, source: Any, target: Any, source_domains: dict,
                target_domains: dict, source_holds: Holds, target_holds: Holds,
                budget: Budget) -> None:
    """Return if both directions hold; reject with the first counterexample found.  With
    `forward` and `backward` proofs, by polynomial identities; otherwise by exhaustion."""
    if red.proofs:
        for direction in ("forward", "backward"):
            if direction not in red.proofs:
                raise Reject(f"reduction {red.name!r} has no {direction} proof", red.loc)
        identities.check_polynomial_system(source, red.loc)
        identities.check_polynomial_system(target, red.loc)
        identities.check_direction(source, target, red.terms["encode"], red.proofs["forward"],
                                   "forward", budget, red.loc)
        identities.check_direction(target, source, red.terms["decode"], red.proofs["backward"],
                                   "backward", budget, red.loc)
        return
    if space_size(source_domains) is None or space_size(target_domains) is None:
        raise Decline(f"reduction {red.name!r} has an infinite solution space and no "
                      f"identity proofs; exhaustion needs finite spaces", red.loc)
    budget.enumeration(space_size(source_domains) + space_size(target_domains),
                       f"the source and target spaces of {red.name!r}", red.loc)
    for x in assignments(F, source_domains, budget, "the source space", red.loc):
        if source_holds(x) and not _solved(target_holds, _image(F, red.encode, x, budget)):
            raise Reject(f"forward direction fails: {show(x, F)} solves {red.source!r} but its "
                         f"encoding does not solve {red.target!r}", red.loc)
    for w in assignments(F, target_domains, budget, "the target space", red.loc):
        if target_holds(w) and not _solved(source_holds, _image(F, red.decode, w, budget)):
            raise Reject(f"backward direction fails: {show(w, F)} solves {red.target!r} but its "
                         f"decoding does not solve {red.source!r}", red.loc)
