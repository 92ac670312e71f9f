"""NN-TRAINING (003 Def. 1; 002's C-NNT / D-NNT): the instance and its solution predicate.

An instance is a DAG network (input, hidden and output neurons; an activation per non-input
neuron; a parameter or a fixed number on every edge and every bias term), a domain per
parameter (all reals, or an explicit finite set), data points with rational inputs and
targets (a target may be `?`, ignored), a loss summed over the data points, and a threshold γ.
A witness assigns every parameter a value; it solves the instance iff every value lies in its
domain and the total loss is at most γ.  Both are decided exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flint import fmpq

from checker.kernel.semantics import expr as X
from checker.kernel.semantics import network
from checker.kernel.base.budget import Budget, Decline, Location, Reject, Undefined
from checker.kernel.base.enumeration import assignments, space_size
from checker.kernel.base.enumeration import show as show_assignment
from checker.kernel.syntax import ast
from checker.kernel.problems.losses import point_loss


@dataclass
class Param:
    name: str
    values: list[fmpq] | None        # None: all reals; else the finite domain
    loc: Location


@dataclass
class Weight:
    """A coefficient: a fixed number, or ±(a parameter)."""

    fixed: fmpq | None = None
    param: str | None = None
    sign: int = 1


@dataclass
class NeuronSpec:
    name: str
    role: str                        # 'hidden' | 'output'
    act: Any                         # 'identity' | 'relu' | 'threshold' | (arg, body)
    edges: list[tuple[str, Weight]]
    biases: list[Weight]
    loc: Location


@dataclass
class Loss:
    name: str                        # a BUILTIN_LOSSES name or 'custom'
    p: int | None = None
    body: ast.Expr | None = None


@dataclass
class TrainingInstance:
    name: str
    inputs: list[str]
    neurons: list[NeuronSpec]        # in declaration order, which is a topological order
    outputs: list[str]
    params: dict[str, Param]
    loss: Loss
    gamma: fmpq
    points: list[ast.DataPoint]
    canonical: str
    loc: Location


def _value(F: Any, w: Weight, assignment: dict) -> Any:
    if w.param is None:
        return F.from_rational(w.fixed)
    v = assignment[w.param]
    return v if w.sign > 0 else F.neg(v)


def check_domains(F: Any, inst: TrainingInstance, assignment: dict, locs: dict) -> None:
    """Every parameter has a value, and it lies in the parameter's domain."""
    _complete(inst, assignment)
    reason = outside_domains(F, inst, assignment, locs)
    if reason is not None:
        raise reason


def _complete(inst: TrainingInstance, assignment: dict) -> None:
    """Every parameter has a value (else the document is wrong: no solution question arises)."""
    for name in inst.params:
        if name not in assignment:
            raise Reject(f"the witness gives no value to parameter {name!r}", None)


def outside_domains(F: Any, inst: TrainingInstance, assignment: dict,
                    locs: dict) -> Reject | None:
    """Why a (complete) assignment leaves a parameter's domain, or None if it does not."""
    for name, param in inst.params.items():
        if param.values is None:
            continue
        v = assignment[name]
        if not (F.is_rational(v) and F.to_rational(v) in param.values):
            return Reject(f"the value of parameter {name!r} is not in its domain", locs.get(name))
    return None


def total_loss(F: Any, inst: TrainingInstance, assignment: dict, budget: Budget) -> Any:
    """The exact total loss of the network with these parameter values on all data points."""
    neurons = []
    zero = F.from_rational(fmpq(0))
    for n in inst.neurons:
        bias = zero
        for b in n.biases:
            bias = F.add(bias, _value(F, b, assignment))
        neurons.append(network.Neuron(n.name, n.act,
                                      [(s, _value(F, w, assignment)) for s, w in n.edges], bias))
    outputs = network.evaluate(F, inst.inputs, neurons, inst.outputs,
                               [p.inputs for p in inst.points], budget)
    evaluator = X.Evaluator(F, budget)
    total = zero
    for d, point in enumerate(inst.points):
        budget.tick(len(inst.outputs), point.loc)
        target = [None if y is None else F.from_rational(y) for y in point.outputs]
        predicted = [outputs[t][d] for t in range(len(inst.outputs))]
        if inst.loss.name == "custom":
            loss = evaluator.value(inst.loss.body, {}, X.LossPoint(target, predicted))
            if F.sign(loss, budget) < 0:
                raise Undefined("the custom loss is negative at this data point (a loss maps "
                                "to the non-negative reals, so it is undefined here)", point.loc)
        else:
            loss = point_loss(F, inst.loss.name, inst.loss.p, target, predicted, budget)
        total = F.add(total, loss)
    return total


def why_not(F: Any, inst: TrainingInstance, assignment: dict, locs: dict,
            budget: Budget) -> Reject | None:
    """THE solution predicate: None if the assignment solves the instance, else the reason it
    does not (a value outside its domain, a total loss over gamma, or a network or loss that is
    undefined at it).  Only `Undefined` is caught: any other error is the document's fault."""
    _complete(inst, assignment)
    outside = outside_domains(F, inst, assignment, locs)
    if outside is not None:
        return outside
    try:
        total = total_loss(F, inst, assignment, budget)
    except Undefined as e:
        return Reject(f"the network or loss is undefined at these parameter values: {e.reason}",
                      e.loc)
    gamma = F.from_rational(inst.gamma)
    if F.compare(total, gamma, budget) > 0:
        return Reject(f"total loss {show(F, total)} exceeds gamma = {show(F, gamma)}", inst.loc)
    return None



def domains(inst: TrainingInstance) -> dict[str, list[fmpq] | None]:
    return {name: p.values for name, p in inst.params.items()}


def refutes(F: Any, inst: TrainingInstance, budget: Budget) -> None:
    """Return if no parameter values solve the instance, by enumerating a finite parameter
    space (D-NNT); reject naming a solution if there is one; decline otherwise."""
    if space_size(domains(inst)) is None:
        raise Decline("refuting an instance with real parameters needs a Level-3 certificate "
                      "this kernel does not support yet", inst.loc)
    for assignment in assignments(F, domains(inst), budget,
                                  f"the parameter space of {inst.name!r}", inst.loc):
        if why_not(F, inst, assignment, {}, budget) is None:
            raise Reject(f"not refuted: the parameters {show_assignment(assignment, F)} solve "
                         f"{inst.name!r}", inst.loc)


def show(F: Any, x: Any, limit: int = 60) -> str:
    """A short exact rendering of a field element for messages."""
    terms = []
    for k, c in enumerate(F.components(x)):
        if c != 0 or (k == 0 and F.is_zero(x)):
            terms.append(str(c) if k == 0 else f"({c})*{F.name}" + (f"^{k}" if k > 1 else ""))
    text = " + ".join(terms)
    return text if len(text) <= limit else f"(a number of {F.height_bits(x)} bits)"
