"""Exhaustive search of a D-NNT parameter space (untrusted producer).

Works on every training instance whose parameters all have finite domains: any DAG, any
activations (built-in or custom), any number of outputs, any loss.  The search is a
depth-first walk over the neurons in declaration order (a topological order): at each neuron it
tries every combination of the values of that neuron's coefficients (edge weights and bias
terms), computes the neuron's exact values on all data points, and descends; at the leaves it
sums the exact per-point losses, stopping a leaf as soon as the partial sum exceeds γ (losses
are non-negative, so this is exact).

With `prune=True` (the default) two exact reductions of the space are made:

* neurons with no path to an output are not searched (their parameters cannot change the
  loss; they get their first domain value);
* at each neuron, combinations that give the neuron the same vector of values on all data
  points are tried once (everything downstream depends on that vector only).

With `prune=False` the search visits every assignment, as the kernel's own replay does.
Arithmetic is exact (`fmpq`); activations and losses are the kernel's.  The answer is either a
solving assignment (checked once more with the kernel's `total_loss` before it is returned) or
None, which the caller turns into a `refutes` claim that the kernel replays independently.
"""
from __future__ import annotations

import itertools

from flint import fmpq

from checker.kernel.problems.training import TrainingInstance
from ._common import (ZERO, PointLoss, SolverError, activation, choices, complete, evaluation,
                      relevant_neurons, require_finite, self_check, solver_budget)


class _Search:
    def __init__(self, inst: TrainingInstance, prune: bool):
        self.inst, self.prune = inst, prune
        self.budget = solver_budget()
        npts = len(inst.points)
        self.npts = npts
        self.values: dict[str, tuple] = {
            name: tuple(fmpq(p.inputs[i]) for p in inst.points)
            for i, name in enumerate(inst.inputs)}
        keep = relevant_neurons(inst) if prune else {n.name for n in inst.neurons}
        self.neurons = [n for n in inst.neurons if n.name in keep]
        self.acts = [activation(n.act, self.budget) for n in self.neurons]
        self.edge_choices = [[choices(inst, w) for _, w in n.edges] for n in self.neurons]
        self.bias_choices = [[choices(inst, b) for b in n.biases] for n in self.neurons]
        self.loss = PointLoss(inst, self.budget)
        self.targets = [[None if y is None else fmpq(y) for y in p.outputs] for p in inst.points]
        self.gamma = fmpq(inst.gamma)
        self.chosen: list[list[tuple[str, fmpq]]] = []
        self.leaves = 0

    def local(self, k: int):
        """(parameter values, value vector) for every combination at neuron k."""
        n, act = self.neurons[k], self.acts[k]
        npts = self.npts
        sources = [self.values[s] for s, _ in n.edges]
        # per edge: the contribution vector of each weight choice
        edge_opts = [[(c, tuple(c[0] * x for x in src)) for c in opts]
                     for opts, src in zip(self.edge_choices[k], sources)]
        seen: set | None = set() if self.prune else None
        for combo in itertools.product(*edge_opts, *self.bias_choices[k]):
            ne = len(edge_opts)
            bias = ZERO
            for c in combo[ne:]:
                bias += c[0]
            pre = [bias] * npts
            for _, vec in combo[:ne]:
                pre = [a + b for a, b in zip(pre, vec)]
            out = tuple(act(v) for v in pre)
            if seen is not None:
                key = tuple((int(v.p), int(v.q)) for v in out)
                if key in seen:
                    continue
                seen.add(key)
            params = [(c[1], c[2]) for c in
                      [e[0] for e in combo[:ne]] + list(combo[ne:]) if c[1] is not None]
            yield params, out

    def leaf(self) -> bool:
        self.leaves += 1
        outs = [self.values[o] for o in self.inst.outputs]
        acc = ZERO
        for d in range(self.npts):
            acc += self.loss(self.targets[d], [o[d] for o in outs])
            if acc > self.gamma:
                return False
        return True

    def run(self) -> bool:
        """Depth-first search with an explicit stack (networks may be deep); on success
        `chosen[k]` holds the parameter values picked at neuron k."""
        K = len(self.neurons)
        if K == 0:
            return self.leaf()
        stack = [self.local(0)]
        while stack:
            k = len(stack) - 1
            nxt = next(stack[-1], None)
            if len(self.chosen) > k:
                self.chosen.pop()
            if nxt is None:
                stack.pop()
                continue
            params, out = nxt
            self.values[self.neurons[k].name] = out
            self.chosen.append(params)
            if k + 1 < K:
                stack.append(self.local(k + 1))
            elif self.leaf():
                return True
        return False


@evaluation
def search(inst: TrainingInstance, prune: bool = True) -> tuple[dict[str, fmpq] | None, int]:
    """(a solving assignment or None, the number of leaves visited)."""
    require_finite(inst)
    s = _Search(inst, prune)
    if not s.run():
        return None, s.leaves
    found = {p: v for params in s.chosen for p, v in params}
    return complete(inst, found), s.leaves


def solve(inst: TrainingInstance, prune: bool = True) -> dict[str, fmpq] | None:
    """A parameter assignment (every parameter, a value of its domain) whose total loss is at
    most γ, or None if there is none.  Raises SolverError for a parameter ranging over the
    reals (not D-NNT) or an instance the kernel cannot evaluate."""
    assignment, _ = search(inst, prune)
    if assignment is not None:
        self_check(inst, assignment, "exhaustive")
    return assignment


__all__ = ["solve", "search", "SolverError"]
