"""Level 2 by polynomial identities: a correspondence for ALL real solutions (SPEC §2).

Applies when both sides are polynomial systems over the reals: an ETR instance whose formula
is a conjunction of equations, or a training instance with identity activations, real
parameters, a built-in (honest) loss and γ = 0 — then "solves" means every known target is met,
one polynomial equation per (data point, output), in that order.  The kernel derives these
hypotheses itself from the instances; the certificate only supplies multipliers.

Forward (premise S, conclusion T): the encode map gives T's unknowns as rational functions of
S's unknowns x.  Each of T's equations composed with encode is a rational function N/M in
lowest terms; the direction holds if
  * every denominator m of an encode value is non-zero on the solutions of S, shown by a step
    `nonzero m inverse E by C`:  m·E − 1 = C(hyp),
  * every numerator N lies in the ideal of S's equations, up to a non-zero factor, shown by
    `goal k by C` (N = C(hyp)) or `goal k times D by C` (D·N = C(hyp), D a non-zero number or a
    polynomial with a `nonzero` step),
where C is an expression in x and in hyp[1], hyp[2], … (S's equations) with C(x, 0) = 0, so
C(x, hyp(x)) is in the ideal.  Then at a real solution of S every goal vanishes.  Numerators
that are identically zero need no step.  Backward is the same with T as premise and decode.

ETR instances may declare `nonzero` variables and divide by them (ETR-INV-EQ).  As a premise,
such an instance's hyp[i] is the numerator of its i-th equation (left − right as a rational
function in lowest terms with a monic denominator, which is a product of non-zero variables),
and its non-zero variables count as shown non-zero.  As a conclusion, the image of each of its
non-zero variables must be shown non-zero: every goal's denominator then divides a product of
values that are non-zero at the solution, so the goal vanishes iff its numerator does.  A
polynomial counts as shown non-zero when it is a non-zero number times a product of powers of
polynomials shown non-zero.
"""
from __future__ import annotations

from typing import Any

from flint import fmpq

from ..kernel import expr as X
from ..kernel.budget import Budget, Decline, Location, Reject
from ..kernel.polynomials import PolynomialRing, RationalFunctions
from ..language import ast
from .etr import EtrInstance, atoms
from .losses import BUILTIN_LOSSES
from .training import TrainingInstance


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
        elif any(type(a) is not ast.Cmp or a.op != "=" for a in atoms(inst.formula)):
            why = "its formula must be a conjunction of equations"
    else:
        why = "it is not a polynomial system"
    if why:
        raise Decline(f"{inst.name!r} cannot take a polynomial correspondence proof: {why}", loc)


def hypotheses(inst: Any, ring: Any, env: dict, budget: Budget) -> list:
    """The instance's equations (each element = 0), evaluated in `ring` at `env`."""
    if isinstance(inst, EtrInstance):
        ev = X.Evaluator(ring, budget)
        return [ring.sub(ev.value(a.left, env), ev.value(a.right, env))
                for a in atoms(inst.formula)]
    out = []

    def weight(w) -> Any:
        if w.param is None:
            return ring.from_rational(w.fixed)
        return env[w.param] if w.sign > 0 else ring.neg(env[w.param])

    for point in inst.points:
        values = {n: ring.from_rational(x) for n, x in zip(inst.inputs, point.inputs)}
        for n in inst.neurons:
            budget.tick(len(n.edges) + 1)
            acc = ring.from_rational(fmpq(0))
            for src, w in n.edges:
                if not ring.is_zero(values[src]):        # most inputs of a point are 0
                    acc = ring.add(acc, ring.mul(weight(w), values[src]))
            for b in n.biases:
                acc = ring.add(acc, weight(b))
            values[n.name] = acc
        for name, y in zip(inst.outputs, point.outputs):
            if y is not None:
                out.append(ring.sub(values[name], ring.from_rational(y)))
    return out


def _shown_nonzero(d, nonzero: list) -> bool:
    """d is a non-zero number times a product of powers of the polynomials in `nonzero`."""
    if d.is_zero():
        return False
    for f in nonzero:
        while not d.is_constant():
            quotient, remainder = divmod(d, f)
            if not remainder.is_zero():
                break
            d = quotient
    return d.is_constant()


def check_direction(premise: Any, conclusion: Any, maps: dict[str, ast.Expr], steps: list,
                    direction: str, budget: Budget, loc: Location) -> None:
    """Every solution of `premise`, mapped by `maps`, solves `conclusion` (see module doc)."""
    names = unknowns(premise)
    polys = PolynomialRing(names)
    rational = RationalFunctions(names)
    hyps = [num for num, _den in hypotheses(premise, rational, rational.env(), budget)]
    hyp_names = {f"hyp[{i}]": h for i, h in enumerate(hyps, start=1)}
    zeros = {n: polys.from_rational(fmpq(0)) for n in hyp_names}
    scope = X.Scope(frozenset(names) | frozenset(hyp_names))
    ev = X.Evaluator(polys, budget)

    def poly(e: ast.Expr, with_hyps: dict | None = None):
        X.expect(e, scope, X.NUM)
        return ev.value(e, {**polys.env(), **(with_hyps if with_hyps is not None else hyp_names)})

    def in_ideal(target, combo: ast.Expr, what: str, where: Location) -> None:
        if not poly(combo, zeros).is_zero():
            raise Reject(f"{direction}: the combination for {what} is not in the ideal (it does "
                         f"not vanish when every hyp[i] is 0)", where)
        if poly(combo) != target:
            raise Reject(f"{direction}: the identity for {what} does not hold", where)

    image = {n: X.Evaluator(rational, budget).value(e, rational.env()) for n, e in maps.items()}
    goals = hypotheses(conclusion, rational, image, budget)

    nonzero: list = [polys.gens[v] for v in getattr(premise, "nonzero", ())]
    by_goal: dict[int, ast.Decl] = {}
    for step in steps:
        if step.kind == "nonzero":
            d = poly(step.data["poly"], zeros)
            if d.is_constant():
                raise Reject(f"{direction}: a nonzero step for a constant is not needed", step.loc)
            in_ideal(d * poly(step.data["inverse"], zeros) - polys.from_rational(fmpq(1)),
                     step.data["by"], "a nonzero step", step.loc)
            nonzero.append(d)
        else:
            k = step.data["goal"]
            if not 1 <= k <= len(goals):
                raise Reject(f"{direction}: goal {k} does not exist (goals 1..{len(goals)})",
                             step.loc)
            if k in by_goal:
                raise Reject(f"{direction}: goal {k} is justified twice", step.loc)
            by_goal[k] = step
    for n, value in image.items():
        if not _shown_nonzero(value[1], nonzero):
            raise Reject(f"{direction}: the denominator of the map's value for {n!r} is not "
                         f"shown to be non-zero", loc)
    for v in getattr(conclusion, "nonzero", ()):
        if not _shown_nonzero(image[v][0], nonzero):
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
        factor = polys.from_rational(fmpq(1))
        if step.data["times"] is not None:
            factor = poly(step.data["times"], zeros)
            if not _shown_nonzero(factor, nonzero):
                raise Reject(f"{direction}: the factor of goal {k} is not shown to be non-zero",
                             step.loc)
        in_ideal(factor * num, step.data["by"], f"goal {k}", step.loc)
