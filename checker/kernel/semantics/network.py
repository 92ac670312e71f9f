"""Batched exact evaluation of a DAG network on all data points at once.

Neurons are grouped into levels (longest path from the inputs).  The values of a level are a
matrix (neurons × data points) in each coordinate of the field: `Batch` is the list of
rational matrices M_0, M_1, … with value Σ_k M_k·θ^k (one matrix when everything is
rational).  A level's pre-activations are one exact matrix product per pair of coordinates,
reduced with θ's minimal polynomial, plus the biases as an outer product with a row of ones.
Only activations other than the identity touch individual entries.

This module knows nothing about losses or domains: it maps weights to outputs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flint import fmpq, fmpq_mat

from checker.kernel.semantics import expr as X
from checker.kernel.base.budget import Budget

Batch = list  # list[fmpq_mat]: coordinates of a matrix of field elements


@dataclass
class Neuron:
    """A non-input neuron: `terms` are (source neuron, weight element); `bias` an element."""

    name: str
    act: Any               # 'identity' | 'relu' | 'threshold' | (arg_name, body_expr)
    terms: list[tuple[str, Any]]
    bias: Any


def _add(a: Batch, b: Batch) -> Batch:
    if len(a) < len(b):
        a, b = b, a
    return [a[k] + b[k] if k < len(b) else a[k] for k in range(len(a))]


def _mul(F: Any, a: Batch, b: Batch) -> Batch:
    """Product of two matrices over Q(θ), as coordinates."""
    out: list = [None] * (len(a) + len(b) - 1)
    for j, aj in enumerate(a):
        for k, bk in enumerate(b):
            p = aj * bk
            out[j + k] = p if out[j + k] is None else out[j + k] + p
    n = F.degree
    if len(out) > n:
        for e in range(len(out) - 1, n - 1, -1):        # θ^e → Σ r_i θ^i, highest first
            row = F.power_reduction()[e - n]
            for i, r in enumerate(row):
                if r != 0:
                    out[i] = out[i] + out[e] * r
        out = out[:n]
    return out


def coordinates(F: Any, x: Any) -> list:
    """x's coordinates in 1, θ, θ², …, without trailing zeros (at least one)."""
    c = F.components(x)
    while len(c) > 1 and c[-1] == 0:
        c = c[:-1]
    return c


def _const_batch(F: Any, rows: list[list[Any]]) -> Batch:
    """A matrix of field elements (a list of rows) as coordinates."""
    nr, nc = len(rows), len(rows[0]) if rows else 0
    coords = [coordinates(F, x) for r in rows for x in r]
    width = max((len(c) for c in coords), default=1)
    comps = [[c[k] if k < len(c) else 0 for c in coords] for k in range(width)]
    return [fmpq_mat(nr, nc, col) for col in comps]


def _entries(F: Any, batch: Batch) -> list:
    if len(batch) == 1:
        return [F.from_rational(x) for x in batch[0].entries()]
    cols = [m.entries() for m in batch]
    return [_element(F, list(c)) for c in zip(*cols)]


def _element(F: Any, coords: list) -> Any:
    return F.from_components(coords + [fmpq(0)] * (F.degree - len(coords)))


def _from_entries(F: Any, values: list, nrows: int, ncols: int) -> Batch:
    return _const_batch(F, [values[i * ncols:(i + 1) * ncols] for i in range(nrows)])


def _check_bits(F: Any, values: list, budget: Budget, level: int) -> None:
    bits = max((F.height_bits(v) for v in values), default=0)
    budget.bits(bits, f"a value at network level {level}")


def _activate(F: Any, acts: list, batch: Batch, npoints: int, budget: Budget,
              evaluator: X.Evaluator, level: int) -> Batch:
    """Apply each row's activation; identity rows are left as they are."""
    values = _entries(F, batch)
    budget.tick(len(values))
    zero, one = F.from_rational(fmpq(0)), F.from_rational(fmpq(1))
    for r, act in enumerate(acts):
        if act == "identity":
            continue
        row = range(r * npoints, (r + 1) * npoints)
        if act == "relu":
            for i in row:
                if F.sign(values[i], budget) <= 0:
                    values[i] = zero
        elif act == "threshold":
            for i in row:
                values[i] = one if F.sign(values[i], budget) > 0 else zero
        else:
            arg, body = act
            for i in row:
                values[i] = evaluator.value(body, {arg: values[i]})
    _check_bits(F, values, budget, level)
    return _from_entries(F, values, len(acts), npoints)


def evaluate(F: Any, inputs: list[str], neurons: list[Neuron], outputs: list[str],
             points: list[list[fmpq]], budget: Budget) -> list[list[Any]]:
    """Return out[t][d]: the value of output neuron t on data point d, exactly."""
    npoints = len(points)
    evaluator = X.Evaluator(F, budget)
    level_of = {name: 0 for name in inputs}
    where: dict[str, tuple[int, int]] = {name: (0, i) for i, name in enumerate(inputs)}
    levels: list[list[Neuron]] = []
    for n in neurons:
        lv = 1 + max((level_of[s] for s, _ in n.terms), default=0)
        level_of[n.name] = lv
        while len(levels) < lv:
            levels.append([])
        where[n.name] = (lv, len(levels[lv - 1]))
        levels[lv - 1].append(n)
    values: list[Batch] = [[fmpq_mat(len(inputs), npoints,
                                     [points[d][i] for i in range(len(inputs))
                                      for d in range(npoints)])]]
    ones = fmpq_mat(1, npoints, [1] * npoints)
    for lv, level in enumerate(levels, start=1):
        budget.tick(len(level))
        sources = sorted({s for n in level for s, _ in n.terms}, key=lambda s: where[s])
        col = {s: j for j, s in enumerate(sources)}
        weights = [[F.from_rational(fmpq(0))] * len(sources) for _ in level]
        for r, n in enumerate(level):
            for s, w in n.terms:
                weights[r][col[s]] = w
        pre = _mul(F, _const_batch(F, [[n.bias] for n in level]), [ones])
        if sources:
            pre = _add(pre, _mul(F, _const_batch(F, weights), _gather(values, sources, where)))
        values.append(_activate(F, [n.act for n in level], pre, npoints, budget, evaluator, lv))
    out = []
    for name in outputs:
        lv, r = where[name]
        out.append(_row(F, values[lv], r, npoints))
    return out


def _gather(values: list[Batch], sources: list[str], where: dict) -> Batch:
    """The rows of `sources`, stacked; a whole level in its own order is taken as it is."""
    levels = {where[s][0] for s in sources}
    if len(levels) == 1:
        lv = levels.pop()
        if len(sources) == values[lv][0].nrows() and all(where[s][1] == i
                                                          for i, s in enumerate(sources)):
            return values[lv]
    width = max(len(values[where[s][0]]) for s in sources)
    npoints = values[0][0].ncols()
    comps = []
    for k in range(width):
        entries: list = []
        for s in sources:
            lv, r = where[s]
            batch = values[lv]
            if k < len(batch):
                m = batch[k]
                entries.extend(m[r, d] for d in range(npoints))
            else:
                entries.extend([0] * npoints)
        comps.append(fmpq_mat(len(sources), npoints, entries))
    return comps


def _row(F: Any, batch: Batch, r: int, npoints: int) -> list:
    return [_element(F, [m[r, d] for m in batch]) for d in range(npoints)]
