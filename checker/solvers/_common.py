"""Exact helpers shared by the solvers (untrusted producer code).

Everything here is exact (`fmpq`); activations, custom activations and losses are evaluated
with the kernel's own expression evaluator and loss functions over the rationals, so a solver
and the kernel agree on what an instance means.  Nothing a solver concludes is believed: a
solution is a witness the kernel re-evaluates, a "no solution" a claim the kernel replays.
"""
from __future__ import annotations

from typing import Any, Callable

from flint import fmpq

from checker.kernel.semantics import expr as X
from checker.kernel.base.budget import Budget, Decline, Reject
from checker.kernel.base.fields import RATIONALS
from checker.kernel.problems.losses import point_loss
from checker.kernel.problems.training import TrainingInstance, Weight, total_loss

ZERO, ONE = fmpq(0), fmpq(1)

Choice = tuple[fmpq, "str | None", "fmpq | None"]   # (signed value, parameter, parameter value)


class SolverError(ValueError):
    """The input is not one this solver handles, or evaluating it fails; one sentence."""


def solver_budget() -> Budget:
    """A budget for the solvers' own exact evaluation: no time or step limit (the solver's
    running time is the user's business), the kernel's default limit on the size of numbers."""
    return Budget(max_seconds=float("inf"), max_steps=1 << 62,
                  max_enumeration=1 << 62).start()


def evaluation(fn: Callable) -> Callable:
    """Turn a kernel Reject/Decline met while evaluating into a SolverError."""
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (Reject, Decline) as e:
            where = f" (line {e.loc[0]}, column {e.loc[1]})" if e.loc else ""
            raise SolverError(f"evaluating the instance fails: {e.reason}{where}") from None
    wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
    return wrapped


def require_finite(inst: TrainingInstance) -> None:
    for name, p in inst.params.items():
        if p.values is None:
            raise SolverError(f"parameter {name!r} of {inst.name!r} ranges over the reals; the "
                              f"solvers need finite domains (D-NNT)")


def choices(inst: TrainingInstance, w: Weight) -> list[Choice]:
    """The values a coefficient can take: (signed value, parameter or None, parameter value)."""
    if w.param is None:
        return [(fmpq(w.fixed), None, None)]
    values = inst.params[w.param].values
    if values is None:
        raise SolverError(f"parameter {w.param!r} ranges over the reals; the solvers need "
                          f"finite domains (D-NNT)")
    return [(v if w.sign > 0 else -v, w.param, v) for v in values]


def activation(act: Any, budget: Budget) -> Callable[[fmpq], fmpq]:
    """An activation as an exact function on fmpq (custom ones memoized)."""
    if act == "identity":
        return lambda v: v
    if act == "relu":
        return lambda v: v if v > 0 else ZERO
    if act == "threshold":
        return lambda v: ONE if v > 0 else ZERO
    arg, body = act
    ev = X.Evaluator(RATIONALS, budget)
    memo: dict = {}

    def custom(v: fmpq) -> fmpq:
        key = (int(v.p), int(v.q))
        r = memo.get(key)
        if r is None:
            r = memo[key] = ev.value(body, {arg: v})
        return r
    return custom


class PointLoss:
    """The loss of one data point, exactly as the kernel defines it."""

    def __init__(self, inst: TrainingInstance, budget: Budget):
        self.loss, self.budget = inst.loss, budget
        self.ev = X.Evaluator(RATIONALS, budget)

    def __call__(self, target: list, predicted: list) -> fmpq:
        if self.loss.name == "custom":
            v = self.ev.value(self.loss.body, {}, X.LossPoint(target, predicted))
            if v < 0:
                raise SolverError("the custom loss is negative at a data point; the kernel "
                                  "rejects every certificate of this instance")
            return v
        return point_loss(RATIONALS, self.loss.name, self.loss.p, target, predicted, self.budget)

    @property
    def skips_unknown(self) -> bool:
        """A built-in loss adds nothing for a point whose targets are all `?`."""
        return self.loss.name != "custom"


def complete(inst: TrainingInstance, partial: dict[str, fmpq]) -> dict[str, fmpq]:
    """Every parameter the search left free (it cannot change the loss) gets its first value."""
    return {name: partial[name] if name in partial else p.values[0]
            for name, p in inst.params.items()}


def relevant_neurons(inst: TrainingInstance) -> set[str]:
    """The neurons with a path to an output (the others cannot change the loss)."""
    feeds: dict[str, set[str]] = {}
    for n in inst.neurons:
        for s, _ in n.edges:
            feeds.setdefault(s, set()).add(n.name)
    out = set(inst.outputs)
    for n in reversed(inst.neurons):
        if n.name in out or feeds.get(n.name, set()) & out:
            out.add(n.name)
    return out


def total(inst: TrainingInstance, assignment: dict[str, fmpq]) -> fmpq:
    """The kernel's exact total loss of an assignment."""
    budget = solver_budget()
    return evaluation(total_loss)(RATIONALS, inst, dict(assignment), budget)


def self_check(inst: TrainingInstance, assignment: dict[str, fmpq], who: str) -> None:
    """A solver's answer must solve the instance by the kernel's own evaluation; anything else
    is a bug in the solver, never something to emit."""
    t = total(inst, assignment)
    if t > inst.gamma:
        raise RuntimeError(f"internal error: the {who} solver produced parameters with total "
                           f"loss {t} > gamma = {inst.gamma}")
