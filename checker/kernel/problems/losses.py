"""The built-in loss functions of the training problems (part of the specification).

A loss maps one data point's targets and the network's outputs to a non-negative number.
Outputs whose target is `?` (None) are ignored (003's RESTRICTED TRAINING): they add nothing,
and `mse` still divides by the number of outputs T.
"""
from __future__ import annotations

from typing import Any

from flint import fmpq

from checker.kernel.base.budget import Budget

BUILTIN_LOSSES = ("squared", "mse", "absolute", "lp", "l0", "zero_one")


def point_loss(F: Any, name: str, p: int | None, target: list, predicted: list,
               budget: Budget) -> Any:
    """The loss of one data point under built-in loss `name` (`p` for `lp`)."""
    zero = F.from_rational(fmpq(0))
    diffs = [F.sub(y, q) for y, q in zip(target, predicted) if y is not None]
    if name == "zero_one":
        return zero if all(F.is_zero(d) for d in diffs) else F.from_rational(fmpq(1))
    if name == "l0":
        return F.from_rational(fmpq(sum(1 for d in diffs if not F.is_zero(d))))
    total = zero
    for d in diffs:
        if name in ("squared", "mse"):
            term = F.mul(d, d)
        elif name == "absolute":
            term = F.neg(d) if F.sign(d, budget) < 0 else d
        else:                                   # lp: |d|^p
            term = F.power(F.neg(d) if F.sign(d, budget) < 0 else d, p, budget)
        total = F.add(total, term)
    if name == "mse":
        total = F.div(total, F.from_rational(fmpq(len(target))))
    return total
