"""The pseudo-polynomial dynamic program of 002 Theorem 1.6 (§5, Algorithm 1), with
backtracking (untrusted producer).

Which instances it covers (`covers(inst)` returns None, or the reason it does not):

* every parameter has a finite domain (D-NNT);
* exactly one output neuron t (Thm 1.6: output dimension 1);
* every hidden neuron with an edge into t has edges from input neurons only (one hidden
  layer).  Hidden neurons with no path to t are allowed and ignored: they cannot change the
  loss, and their parameters get their first domain value;
* t may also have edges straight from inputs (skip edges) and any number of bias terms;
* activations: any, built-in or custom, on the hidden neurons and on t;
* loss: any, built-in or custom; data: any rationals, targets may be `?`.

002 states the theorem for integer weights and data (W_e, B_e ⊂ ℕ "after scaling") with
running time poly(|I|)·M^O(n0), M the largest number the network computes: the number of DP
states is at most the number of distinct reachable vectors, which is at most (2M+1)^n0 for
integers of absolute value ≤ M.  That bound is what makes it pseudo-polynomial (integers given
in unary); this implementation is exact for every rational instance, it is just not
pseudo-polynomial on all of them.

The two tables of §5, with n0 the number of data points in play:

* DimDP, one per hidden neuron h feeding t: the set of vectors (pre-activation of h on every
  data point) reachable by choosing values for a prefix of h's coefficients.  002 indexes the
  coefficients by input dimension 1..d plus the bias as dimension d+1; here the coefficients
  are h's edges in declaration order followed by its bias terms (002's edge biases are several
  bias terms in nncert).  A fixed weight is a coefficient with one value.
* FinalDP over the terms of t: the set of vectors Σ (term values) reachable by choosing a prefix
  of t's terms.  A hidden edge v·h contributes v·σ_h(m) for every m in h's last DimDP layer and
  every value v of the weight; a skip edge w·x contributes w·x; a bias term c contributes c.
* Algorithm 1, step 3: every reachable final vector m gives the predictions σ_t(m) on all data
  points; the first m (in construction order) whose total loss is ≤ γ is backtracked to a full
  parameter assignment.  002 selects a loss-minimizing m; both decide the same question.  We
  test each final vector as the last layer is built, so a yes-instance stops early.

Details 002 omits or gets wrong, and what we do (see also the report in the module's tests):

* FinalDP as printed adds σ^{h_q}(m_2) for the hidden neuron q, i.e. it has no parameter for
  the edge (h_q, t) nor its edge bias, although 002's model has a weight and a bias on every
  edge and Lemma 5.2 / 5.3 are stated for all θ ∈ Θ.  As printed it decides only instances whose
  second-layer weights are fixed to 1 and second-layer biases to 0.  We include the weight
  choice v in the contribution set (and t's bias terms as further terms).
* "W.l.o.g. W_e, B_e ⊂ ℕ (otherwise scale)": scaling makes numbers integral but not
  non-negative, and it does not commute with a general activation σ (σ(λa) ≠ λσ(a)) nor with a
  general loss.  Our tables are sparse: keyed by the exact vectors reached, negative or
  rational, so neither assumption is needed.  Internally each table's vectors are scaled to
  integers by the lcm of the denominators occurring in that table, and an integer vector is
  packed into one Python int (Σ v[i]·2^(B·i), B from bounds on all partial sums), so a vector
  sum is one integer addition; σ is always applied to the exact unscaled rational.
* The range {0..M}^n0 with M = d·W_max·k is not a bound on the values (the output sum of k
  neurons with weights up to W_max can exceed it); a sparse table needs no range.
* Backtracking ("standard") is made concrete: each table layer maps a reached vector to (its
  predecessor in the previous layer, the coefficient value chosen); a FinalDP choice for a
  hidden edge also names the reached pre-activation vector of h, from which h's DimDP is
  backtracked.
* Data points whose targets are all `?` are dropped from the vectors when the loss is built
  in (they add 0 to it); a custom loss may depend on them, so then they are kept.
"""
from __future__ import annotations

from math import lcm
from typing import Any

from flint import fmpq

from checker.kernel.problems.training import TrainingInstance
from ._common import (PointLoss, SolverError, activation, choices, complete, evaluation,
                      self_check, solver_budget, ZERO)

DEFAULT_MAX_STATES = 2_000_000


def covers(inst: TrainingInstance) -> str | None:
    """None if the dynamic program applies to `inst`; otherwise why not (one sentence)."""
    for name, p in inst.params.items():
        if p.values is None:
            return f"parameter {name!r} ranges over the reals (the DP needs finite domains)"
    if len(inst.outputs) != 1:
        return (f"it has {len(inst.outputs)} output neurons (Theorem 1.6 is for output "
                f"dimension 1)")
    t = next(n for n in inst.neurons if n.name == inst.outputs[0])
    inputs = set(inst.inputs)
    by_name = {n.name: n for n in inst.neurons}
    for src, _ in t.edges:
        if src in inputs:
            continue
        for s2, _ in by_name[src].edges:
            if s2 not in inputs:
                return (f"hidden neuron {src!r} is fed by neuron {s2!r}, not by inputs only "
                        f"(the DP is for one hidden layer)")
    return None


def _scale(vectors) -> int:
    L = 1
    for vec in vectors:
        for v in vec:
            L = lcm(L, int(v.q))
    return L


def _ints(vec, L: int) -> tuple:
    return tuple(int(v.p) * (L // int(v.q)) for v in vec)


class _Packing:
    """Integer vectors of length n as single Python ints: v -> sum v[i] * 2^(B*i).  The map is
    linear (so a vector sum is one integer addition) and injective on vectors whose entries
    have absolute value < 2^(B-1); B is chosen from bounds on every partial sum of a table."""

    def __init__(self, items: list[list[tuple[tuple, Any]]], n: int):
        bound = [0] * n
        for options in items:
            for i in range(n):
                bound[i] += max((abs(vec[i]) for vec, _ in options), default=0)
        self.n, self.B = n, max(bound, default=0).bit_length() + 2

    def pack(self, vec: tuple) -> int:
        return sum(v << (self.B * i) for i, v in enumerate(vec))

    def unpack(self, x: int) -> tuple:
        B, out = self.B, []
        mask, half, full = (1 << B) - 1, 1 << (B - 1), 1 << B
        for _ in range(self.n):
            r = x & mask
            if r >= half:
                r -= full
            out.append(r)
            x = (x - r) >> B
        return tuple(out)


def _dedupe(options: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    seen, out = set(), []
    for vec, choice in options:
        if vec not in seen:
            seen.add(vec)
            out.append((vec, choice))
    return out


def _table(items: list[list[tuple[tuple, Any]]], n: int, max_states: int, what: str,
           accept=None) -> tuple[list[dict], _Packing, int | None]:
    """The layered sumset of the items with back pointers: layer j maps a reached (packed)
    vector to (its vector in layer j-1, the choice of item j); layer 0 is {0}.  If `accept` is
    given, each new vector of the last layer is passed to it as it is reached, and the first one
    it accepts is returned (the table is then left incomplete: it is not needed any more)."""
    packing = _Packing(items, n)
    packed = [[(packing.pack(vec), c) for vec, c in options] for options in items]
    layers: list[dict] = [{0: None}]
    last = len(packed) - 1
    if last < 0 and accept is not None and accept(0, packing):
        return layers, packing, 0
    for j, options in enumerate(packed):
        prev, cur = layers[-1], {}
        layers.append(cur)
        check = accept if j == last else None
        for m1 in prev:
            for vec, choice in options:
                m = m1 + vec
                if m not in cur:
                    cur[m] = (m1, choice)
                    if check is not None and check(m, packing):
                        return layers, packing, m
            if len(cur) > max_states:
                raise SolverError(f"the dynamic program for {what} has more than {max_states} "
                                  f"states")
    return layers, packing, None


def _backtrack(layers: list[dict], m: int) -> list:
    out = []
    for j in range(len(layers) - 1, 0, -1):
        m, choice = layers[j][m]
        out.append(choice)
    return out[::-1]


class Stats:
    """Sizes of the tables of the last run (for benchmarks)."""

    def __init__(self):
        self.hidden_states = 0
        self.final_states = 0
        self.final_checked = 0


@evaluation
def search(inst: TrainingInstance, max_states: int = DEFAULT_MAX_STATES,
           stats: Stats | None = None) -> dict[str, fmpq] | None:
    """Run the DP; a solving assignment or None.  Raises SolverError if `covers` says no."""
    reason = covers(inst)
    if reason is not None:
        raise SolverError(f"the dynamic program of 002 Theorem 1.6 does not cover instance "
                          f"{inst.name!r}: {reason}")
    stats = stats or Stats()
    budget = solver_budget()
    loss = PointLoss(inst, budget)
    pts = [d for d, p in enumerate(inst.points)
           if not (loss.skips_unknown and all(y is None for y in p.outputs))]
    n = len(pts)
    xs = {name: tuple(fmpq(inst.points[d].inputs[i]) for d in pts)
          for i, name in enumerate(inst.inputs)}
    by_name = {nn.name: nn for nn in inst.neurons}
    t = by_name[inst.outputs[0]]

    # DimDP for every hidden neuron feeding t
    hidden: dict[str, list[dict]] = {}           # h -> its DimDP layers
    hidden_outputs: dict[str, dict] = {}        # h -> {pre-activation vector: sigma_h of it}
    for src, _ in t.edges:
        if src in xs:
            continue
        h = by_name[src]
        raw = [[(tuple(c[0] * x for x in xs[s]), c) for c in choices(inst, w)]
               for s, w in h.edges]
        raw += [[((c[0],) * n, c) for c in choices(inst, b)] for b in h.biases]
        L = _scale(vec for opts in raw for vec, _ in opts)
        items = [_dedupe([(_ints(vec, L), c) for vec, c in opts]) for opts in raw]
        layers, packing, _ = _table(items, n, max_states, f"hidden neuron {h.name!r}")
        stats.hidden_states += sum(len(layer) for layer in layers)
        act = activation(h.act, budget)
        outputs = {m: tuple(act(fmpq(v, L)) for v in packing.unpack(m)) for m in layers[-1]}
        hidden[h.name], hidden_outputs[h.name] = layers, outputs

    # FinalDP over the terms of t
    raw = []
    for src, w in t.edges:
        opts = choices(inst, w)
        if src in xs:
            raw.append([(tuple(c[0] * x for x in xs[src]), ("param", c)) for c in opts])
        else:
            raw.append([(tuple(c[0] * y for y in out), ("hidden", src, m, c))
                        for m, out in hidden_outputs[src].items() for c in opts])
    raw += [[((c[0],) * n, ("param", c)) for c in choices(inst, b)] for b in t.biases]
    L = _scale(vec for opts in raw for vec, _ in opts)
    items = [_dedupe([(_ints(vec, L), c) for vec, c in opts]) for opts in raw]

    # Algorithm 1, step 3, done as the last layer is built: the first reached output vector
    # whose total loss is within gamma
    act_t = activation(t.act, budget)
    targets = [[None if y is None else fmpq(y) for y in inst.points[d].outputs] for d in pts]
    gamma = fmpq(inst.gamma)

    def within(m: int, packing: _Packing) -> bool:
        stats.final_checked += 1
        acc = ZERO
        for j, v in enumerate(packing.unpack(m)):
            acc += loss(targets[j], [act_t(fmpq(v, L))])
            if acc > gamma:
                return False
        return acc <= gamma

    layers, _, found = _table(items, n, max_states, f"output neuron {t.name!r}", within)
    stats.final_states = len(layers[-1])
    if found is None:
        return None
    return complete(inst, _assignment(layers, found, hidden))


def _assignment(layers: list[dict], m: int, hidden: dict) -> dict[str, fmpq]:
    found: dict[str, fmpq] = {}

    def put(c) -> None:
        if c[1] is not None:
            found[c[1]] = c[2]

    for choice in _backtrack(layers, m):
        if choice[0] == "param":
            put(choice[1])
        else:
            _, h, pre, c = choice
            put(c)
            for c2 in _backtrack(hidden[h], pre):
                put(c2)
    return found


def solve(inst: TrainingInstance, max_states: int = DEFAULT_MAX_STATES) -> dict[str, fmpq] | None:
    """A parameter assignment (every parameter, a value of its domain) whose total loss is at
    most γ, or None if there is none.  Raises SolverError if the DP does not cover `inst`
    (see `covers`), if a table outgrows `max_states`, or if the instance cannot be evaluated."""
    assignment = search(inst, max_states)
    if assignment is not None:
        self_check(inst, assignment, "dp")
    return assignment


__all__ = ["covers", "solve", "search", "Stats", "SolverError"]
