"""Level 2 by polynomial identities: a correspondence for ALL real solutions (SPEC §2).

Applies when both sides are polynomial systems over the reals: an ETR instance whose formula
is a conjunction of equations, or a training instance with identity activations, real
parameters, a built-in (honest) loss and γ = 0 — then "solves" means every known target is met,
one polynomial equation per (data point, output), in that order.  The kernel derives these
hypotheses itself from the instances; the certificate only supplies multipliers.

Forward (premise S, conclusion T): the encode map gives T's unknowns as rational terms in
S's unknowns x.  Each of T's equations composed with encode is a rational function N/M in
lowest terms; the direction holds if
  * every divisor m of an encode value AS WRITTEN (a polynomial term after `/`, or the base of a
    negative power) is non-zero on the solutions of S, shown by steps `nonzero D inverse E by
    C` (D·E − 1 = C(hyp)), so the map is defined there and equals its lowest-terms value,
  * every numerator N lies in the ideal of S's equations, up to a non-zero factor, shown by
    `goal k by C` (N = C(hyp)) or `goal k times D by C` (D·N = C(hyp), D a non-zero number or a
    polynomial with a `nonzero` step),
where C is a polynomial term in x and in hyp[1], hyp[2], … (S's equations) with C(x, 0) = 0,
so C(x, hyp(x)) is in the ideal.  Steps are polynomial terms (syntax/polyterm.py: no branch,
comparison or call can be written there; division only by a non-zero number), evaluated only
by semantics/polyeval.py (docs/SOUNDNESS.md (Part I)).  Then at a real solution of S every
goal vanishes.  Numerators that are identically zero need no step.  Backward is the same with T as premise and decode.

ETR instances may declare `nonzero` variables and divide by them (ETR-INV-EQ).  As a premise,
such an instance's hyp[i] is the numerator of its i-th equation (left − right as a rational
function in lowest terms with a monic denominator, which is a product of non-zero variables),
and its non-zero variables count as shown non-zero.  As a conclusion, the image of each of its
non-zero variables must be shown non-zero: every goal's denominator then divides a product of
values that are non-zero at the solution, so the goal vanishes iff its numerator does.  A
polynomial counts as shown non-zero when it is a non-zero number times a product of powers of
polynomials shown non-zero.

Every equation, map value, step and goal is evaluated in a small ring over only the unknowns
it involves (FLINT packs exponent vectors densely over a ring's variables, so one ring over
all n unknowns would cost O(n) per monomial); the small rings list their variables in the
premise's declaration order, so monomial orders, leading coefficients and hence every
normalised value are the same as in one ring over all unknowns.  A training instance's
equation at a data point is propagated from the point's non-zero inputs only (neurons with a
bias are always active), so a point costs O(its active paths), not O(neurons).
"""
from __future__ import annotations

from dataclasses import dataclass
from heapq import heappop, heappush
from typing import Any, Callable, Iterable

from flint import fmpq

from checker.kernel.semantics import polyeval
from checker.kernel.base.budget import Budget, Decline, KernelError, Location, Reject
from checker.kernel.base.polynomials import PolynomialRing, RationalFunctions
from checker.kernel.base.numerals import shown
from checker.kernel.syntax import ast
from checker.kernel.syntax import polyterm as P
from checker.kernel.problems.etr import EtrInstance, conjuncts
from checker.kernel.problems.losses import BUILTIN_LOSSES
from checker.kernel.problems.training import TrainingInstance


@dataclass
class ProofStep:
    """`nonzero poly inverse inverse by by` or `goal goal [times times] by by`; every
    expression a polynomial term."""
    kind: str                      # "nonzero" | "goal"
    loc: Location
    goal: int = 0
    by: P.Term | None = None
    times: P.Term | None = None
    poly: P.Term | None = None
    inverse: P.Term | None = None


def unknowns(inst: Any) -> list[str]:
    return list(inst.params) if isinstance(inst, TrainingInstance) else list(inst.variables)


def check_polynomial_system(inst: Any, loc: Location) -> None:
    """Decline unless the instance's solutions are the real zeros of polynomial equations."""
    why = None
    if isinstance(inst, TrainingInstance):
        if inst.gamma != 0 or inst.loss.name not in BUILTIN_LOSSES:
            why = "it needs gamma = 0 and a built-in loss"
        elif any(n.act != "identity" for n in inst.neurons):
            why = "it needs identity activations"
        elif any(p.values is not None for p in inst.params.values()):
            why = "it needs real parameters"
    elif isinstance(inst, EtrInstance):
        if any(v is not None for v in inst.domains.values()):
            why = "it needs real variables"
        elif any(type(a) is not P.Atom or a.op != "=" for a in conjuncts(inst)):
            why = "its formula must be a conjunction of equations"
    else:
        why = "it is not a polynomial system"
    if why:
        raise Decline(f"{inst.name!r} cannot take a polynomial correspondence proof: {why}", loc)


def support(p: Any) -> frozenset[str]:
    """The variables a polynomial actually involves."""
    return frozenset(n for n, d in zip(p.context().names(), p.degrees()) if d > 0)


def move(p: Any, ctx: Any) -> Any:
    """The polynomial p in the ring with context ctx, which must have all of p's variables."""
    if p.context() is ctx:
        return p
    if not support(p) <= frozenset(ctx.names()):
        raise KernelError("a polynomial was moved to a ring without all of its variables")
    return p.project_to_context(ctx)


# One ring over all unknowns costs O(#unknowns) per monomial (FLINT packs exponent vectors
# densely); a small ring costs a context and moves.  So: one ring for instances with at most
# ONE_RING unknowns and for a variable set of more than 1/WIDE of them (the final NN-TRAINING
# instance of 003: every equation involves every free bias); small rings otherwise.  Which
# ring is used never changes a value: variables keep the premise's order.
ONE_RING = 64
WIDE = 8


class Rings:
    """Rings over subsets of one instance's unknowns, variables in the instance's order
    (all of them when there are at most ONE_RING)."""

    def __init__(self, names: list[str], one_ring: int | None = None,
                 budget: Budget | None = None):
        self.budget = budget
        self.order = {n: i for i, n in enumerate(names)}
        self.single = len(names) <= (ONE_RING if one_ring is None else one_ring)
        self._poly: dict[tuple, PolynomialRing] = {}
        self._rational: dict[tuple, RationalFunctions] = {}

    def _key(self, names: Iterable[str]) -> tuple:
        names = set(names)
        if self.single or len(names) * WIDE > len(self.order):
            return tuple(self.order)             # one ring: no moves, no new contexts
        return tuple(sorted(names, key=self.order.__getitem__))

    def poly(self, names: Iterable[str]) -> PolynomialRing:
        key = self._key(names)
        if key not in self._poly:
            self._poly[key] = PolynomialRing(list(key), self.budget)
        return self._poly[key]

    def rational(self, names: Iterable[str]) -> RationalFunctions:
        key = self._key(names)
        if key not in self._rational:
            self._rational[key] = RationalFunctions(list(key), self.budget)
        return self._rational[key]


Local = Callable[[set], tuple]      # the unknowns an equation involves -> (ring, env)


def equations(inst: Any, budget: Budget, local: Local) -> list:
    """The instance's equations (each element = 0), each evaluated in the ring and environment
    that `local` gives for the unknowns the equation involves."""
    if isinstance(inst, EtrInstance):
        known = set(inst.variables)
        out = []
        for a in conjuncts(inst):
            ring, env = local(P.formula_names(a) & known)
            out.append(ring.sub(polyeval.evaluate(a.left, ring, env, budget),
                                polyeval.evaluate(a.right, ring, env, budget)))
        return out
    return _training_equations(inst, budget, local)


def _nonzero_inputs(inst: TrainingInstance, row: Any) -> dict:
    if isinstance(row, ast.SparseRow):
        return {inst.inputs[i]: x for i, x in row.nonzero()}
    return {n: x for n, x in zip(inst.inputs, row) if x != 0}


def _training_equations(inst: TrainingInstance, budget: Budget, local: Local) -> list:
    """One equation per (data point, known target), propagated from the non-zero inputs."""
    neurons = inst.neurons
    out_edges: dict[str, list] = {}
    for j, n in enumerate(neurons):
        for src, w in n.edges:
            out_edges.setdefault(src, []).append((j, src, w))
    biased = [j for j, n in enumerate(neurons) if n.biases]      # increasing: already a heap
    out = []
    for point in inst.points:
        budget.tick(1, point.loc)
        inputs = _nonzero_inputs(inst, point.inputs)
        incoming: dict[int, list] = {}
        heap, seen = list(biased), set(biased)

        def reach(src: str) -> None:
            for j, s, w in out_edges.get(src, ()):
                incoming.setdefault(j, []).append((s, w))
                if j not in seen:
                    seen.add(j)
                    heappush(heap, j)

        for name in inputs:
            reach(name)
        active = []
        while heap:                     # edges go forward, so pops come in topological order
            j = heappop(heap)
            active.append(j)
            reach(neurons[j].name)
        params = {w.param for j in active for _s, w in incoming.get(j, ()) if w.param}
        params |= {b.param for j in active for b in neurons[j].biases if b.param}
        ring, env = local(params)

        def weight(w) -> Any:
            if w.param is None:
                return ring.from_rational(w.fixed)
            return env[w.param] if w.sign > 0 else ring.neg(env[w.param])

        zero = ring.from_rational(fmpq(0))
        values = {n: ring.from_rational(x) for n, x in inputs.items()}
        for j in active:
            n = neurons[j]
            edges = incoming.get(j, ())
            budget.tick(len(edges) + 1)
            acc = zero
            for src, w in edges:
                if not ring.is_zero(values[src]):
                    acc = ring.add(acc, ring.mul(weight(w), values[src]))
            for b in n.biases:
                acc = ring.add(acc, weight(b))
            values[n.name] = acc
        for name, y in zip(inst.outputs, point.outputs):
            if y is not None:
                out.append(ring.sub(values.get(name, zero), ring.from_rational(y)))
    return out


class Facts:
    """Polynomials shown non-zero, each in the ring of its own variables, indexed by variable
    (a polynomial can divide d only if its variables are among d's)."""

    def __init__(self) -> None:
        self.facts: list[tuple[frozenset[str], Any]] = []
        self.by_variable: dict[str, list[int]] = {}

    def add(self, p: Any, rings: Rings) -> None:
        names = support(p)
        for v in names:
            self.by_variable.setdefault(v, []).append(len(self.facts))
        self.facts.append((names, move(p, rings.poly(names).ctx)))

    def shown_nonzero(self, d: Any, budget: Budget) -> bool:
        """d is a non-zero number times a product of powers of the facts (tried in the order
        they were shown, each as often as it divides; divisions are the ring's budgeted exact
        divisions)."""
        if d.is_zero():
            return False
        names = support(d)
        candidates = sorted({i for v in names for i in self.by_variable.get(v, ())
                             if self.facts[i][0] <= names})
        ring = PolynomialRing(list(d.context().names()), budget)
        for i in candidates:
            f = move(self.facts[i][1], d.context())
            while not d.is_constant():
                quotient = ring.divides(d, f)
                if quotient is None:
                    break
                d = quotient
        return d.is_constant()


def check_direction(premise: Any, conclusion: Any, maps: dict[str, P.Term], steps: list,
                    direction: str, budget: Budget, loc: Location) -> None:
    """Every solution of `premise`, mapped by `maps`, solves `conclusion` (see module doc)."""
    names = unknowns(premise)
    rings = Rings(names, budget=budget)

    def own(vs: set) -> tuple:
        ring = rings.rational(vs)
        return ring, ring.env()

    hyps = [num for num, _den in equations(premise, budget, own)]
    hyp_index = {f"hyp[{i + 1}]": i for i in range(len(hyps))}

    image, divisors = {}, []
    for n, t in maps.items():
        ring, env = own(P.names(t) & rings.order.keys())
        image[n] = polyeval.evaluate(t, ring, env, budget)
        for d in P.divisors(t):
            dring = rings.poly(P.names(d) & rings.order.keys())
            divisors.append((n, d, polyeval.evaluate(d, dring, dring.env(), budget)))

    image_support = {} if rings.single else {
        u: support(num) | support(den) for u, (num, den) in image.items()}

    def composed(vs: set) -> tuple:
        ring = rings.rational(() if rings.single else frozenset().union(
            *(image_support[u] for u in vs)))
        return ring, {u: moved(u, ring) for u in vs}

    images_in: dict[tuple, tuple] = {}

    def moved(u: str, ring: Any) -> tuple:
        """image[u] in `ring`, each (ring, unknown) converted once."""
        key = (id(ring), u)
        if key not in images_in:
            images_in[key] = (move(image[u][0], ring.ctx), move(image[u][1], ring.ctx))
        return images_in[key]

    goals = equations(conclusion, budget, composed)

    supports: dict[int, frozenset] = {}

    def hyp_support(i: int) -> frozenset:
        if i not in supports:
            supports[i] = support(hyps[i])
        return supports[i]

    class Step:
        """A step's expressions, evaluated in a ring over every variable they involve."""

        def __init__(self, terms: list, targets: list):
            refs, vs = set(), set()
            for t in terms:
                for name in P.names(t):
                    if name in hyp_index:
                        refs.add(name)
                    elif name in rings.order:
                        vs.add(name)
            if not rings.single:
                for h in refs:
                    vs |= hyp_support(hyp_index[h])
                for t in targets:
                    vs |= support(t)
            self.ring = rings.poly(vs)
            env = self.ring.env()
            zero = self.ring.from_rational(fmpq(0))
            self.zeros = {**env, **{h: zero for h in refs}}
            self.hyps = {**env, **{h: move(hyps[hyp_index[h]], self.ring.ctx) for h in refs}}

        def poly(self, t: P.Term, zeros: bool = True) -> Any:
            return polyeval.evaluate(t, self.ring, self.zeros if zeros else self.hyps, budget)

        def in_ideal(self, target: Any, combo: P.Term, what: str, where: Location) -> None:
            if not self.poly(combo).is_zero():
                raise Reject(f"{direction}: the combination for {what} is not in the ideal (it "
                             f"does not vanish when every hyp[i] is 0)", where)
            if self.poly(combo, zeros=False) != move(target, self.ring.ctx):
                raise Reject(f"{direction}: the identity for {what} does not hold", where)

    facts = Facts()
    for v in getattr(premise, "nonzero", ()):
        facts.add(rings.poly([v]).gens[v], rings)
    by_goal: dict[int, ProofStep] = {}
    for step in steps:
        if step.kind == "nonzero":
            s = Step([step.poly, step.inverse, step.by], [])
            d = s.poly(step.poly)
            if d.is_constant():
                raise Reject(f"{direction}: a nonzero step for a constant is not needed", step.loc)
            r = s.ring
            s.in_ideal(r.sub(r.mul(d, s.poly(step.inverse)), r.from_rational(fmpq(1))),
                       step.by, "a nonzero step", step.loc)
            facts.add(d, rings)
        else:
            k = step.goal
            if not 1 <= k <= len(goals):
                raise Reject(f"{direction}: goal {shown(k)} does not exist (goals 1..{len(goals)})",
                             step.loc)
            if k in by_goal:
                raise Reject(f"{direction}: goal {k} is justified twice", step.loc)
            by_goal[k] = step
    for n, term, d in divisors:
        if not facts.shown_nonzero(d, budget):
            raise Reject(f"{direction}: a divisor in the map's value for {n!r} is not shown "
                         f"to be non-zero", term.loc)
    for v in getattr(conclusion, "nonzero", ()):
        if not facts.shown_nonzero(image[v][0], budget):
            raise Reject(f"{direction}: {v!r} is nonzero in {conclusion.name!r}, but the map's "
                         f"value for it is not shown to be non-zero", loc)
    for k, (num, _den) in enumerate(goals, start=1):
        budget.tick(1, loc)
        step = by_goal.get(k)
        if num.is_zero():
            continue
        if step is None:
            raise Reject(f"{direction}: goal {k} (equation {k} of {conclusion.name!r}) has no "
                         f"justification", loc)
        s = Step([step.by] + ([step.times] if step.times is not None else []), [num])
        factor = s.ring.from_rational(fmpq(1))
        if step.times is not None:
            factor = s.poly(step.times)
            if not facts.shown_nonzero(factor, budget):
                raise Reject(f"{direction}: the factor of goal {k} is not shown to be non-zero",
                             step.loc)
        s.in_ideal(s.ring.mul(factor, move(num, s.ring.ctx)), step.by, f"goal {k}", step.loc)
