"""The integer circuits whose values `equal` claims compare: a straight-line program, or one
output of a training network under a witness on its data point.

A network is a circuit only where it is a ring computation: the field is Q, every input,
weight, bias and literal is an integer, and every activation is the identity or a custom
activation built from + − × and natural-number powers of literals and its argument (for example
`activation sq(t) = t^2;`, with which a network multiplies and squares).  Anything else —
relu, threshold, floor, comparisons, division, rationals — has no meaning modulo a prime and
is DECLINED, naming what it met.  002's PosSLP → D-NNT networks use floor/frac/10^ndigits
activations, so they are declined: their outputs are checked by exact evaluation instead.
"""
from __future__ import annotations

from typing import Any

from flint import fmpq

from checker.kernel.base.budget import Budget, Decline, Location
from checker.kernel.base.fields import RATIONALS
from checker.kernel.syntax import ast
from checker.kernel.problems.fingerprint import Circuit
from checker.kernel.problems.slp import SlpInstance
from checker.kernel.problems.training import TrainingInstance, _value, check_domains


def from_slp(inst: SlpInstance) -> Circuit:
    return Circuit([1], inst.rows)


class _Builder:
    """Gates in creation order: an int (a constant) or (j, op, k); `circuit()` puts constants
    first, as `Circuit` wants them."""

    def __init__(self, budget: Budget, loc: Location):
        self.gates: list = []
        self.consts: dict[int, int] = {}
        self.budget, self.loc = budget, loc

    def const(self, value: Any, what: str) -> int:
        if value.q != 1:
            raise Decline(f"fingerprints need integers; {what} is {value}", self.loc)
        v = int(value.p)
        if v not in self.consts:
            self.consts[v] = len(self.gates)
            self.gates.append(v)
        return self.consts[v]

    def op(self, j: int, op: str, k: int) -> int:
        self.gates.append((j, op, k))
        if len(self.gates) & 1023 == 0:
            self.budget.tick(1024, self.loc)
        return len(self.gates) - 1

    def circuit(self, out: int) -> Circuit:
        """Constants first, then the rows in creation order, then a copy of `out` (the value)."""
        self.op(out, "+", self.const(fmpq(0), "0"))
        order = [i for i, g in enumerate(self.gates) if type(g) is int]
        consts = [self.gates[i] for i in order]
        order += [i for i, g in enumerate(self.gates) if type(g) is not int]
        new = {old: n for n, old in enumerate(order)}
        rows = [(new[self.gates[i][0]], self.gates[i][1], new[self.gates[i][2]])
                for i in order[len(consts):]]
        return Circuit(consts, rows)

    def expr(self, e: ast.Expr, env: dict[str, int]) -> int:
        t = type(e)
        if t is ast.Num:
            return self.const(e.value, f"the literal {e.value}")
        if t is ast.Var:
            return env[e.name]
        if t is ast.Neg:
            return self.op(self.const(fmpq(0), "0"), "-", self.expr(e.arg, env))
        if t is ast.Sum:
            acc = self.expr(e.terms[0], env)
            for s, term in zip(e.signs[1:], e.terms[1:]):
                acc = self.op(acc, "+" if s > 0 else "-", self.expr(term, env))
            return acc
        if t is ast.Product:
            if "/" in e.ops:
                raise Decline("fingerprints evaluate ring operations only; an activation "
                              "divides", e.loc)
            acc = self.expr(e.factors[0], env)
            for f in e.factors[1:]:
                acc = self.op(acc, "*", self.expr(f, env))
            return acc
        if t is ast.Pow and type(e.exp) is ast.Num and e.exp.value.q == 1 and e.exp.value >= 0:
            n = int(e.exp.value.p)
            self.budget.tick(2 * n.bit_length(), e.loc)
            base, acc = self.expr(e.base, env), self.const(fmpq(1), "1")
            for bit in bin(n)[2:]:                     # square and multiply, high bit first
                acc = self.op(acc, "*", acc)
                if bit == "1":
                    acc = self.op(acc, "*", base)
            return acc
        raise Decline(f"fingerprints evaluate ring operations only (+ - * and natural powers); "
                      f"an activation uses {_describe(e)}", e.loc)


def _describe(e: ast.Expr) -> str:
    if type(e) is ast.Call:
        return f"{e.fn}(…)"
    if type(e) is ast.Pow:
        return "a power whose exponent is not a natural-number literal"
    return type(e).__name__.lower()


def from_network(F: Any, inst: TrainingInstance, assignment: dict, locs: dict,
                 budget: Budget, loc: Location) -> Circuit:
    """The circuit computing the single output of `inst` on its single data point."""
    if F is not RATIONALS:
        raise Decline("fingerprints of networks support the rationals only, not a declared "
                      "field", loc)
    if len(inst.outputs) != 1 or len(inst.points) != 1:
        raise Decline(f"an equal claim about a network needs one output and one data point; "
                      f"{inst.name!r} has {len(inst.outputs)} and {len(inst.points)}", loc)
    check_domains(F, inst, assignment, locs)
    b = _Builder(budget, loc)
    env = {name: b.const(x, f"input {name!r}") for name, x in zip(inst.inputs,
                                                                    inst.points[0].inputs)}
    for n in inst.neurons:
        if n.act in ("relu", "threshold"):
            raise Decline(f"fingerprints evaluate ring operations only; neuron {n.name!r} uses "
                          f"{n.act}", n.loc)
        acc = b.const(fmpq(0), "0")
        for src, w in n.edges:
            term = b.op(b.const(_value(F, w, assignment), f"a weight into {n.name!r}"), "*",
                        env[src])
            acc = b.op(acc, "+", term)
        for w in n.biases:
            acc = b.op(acc, "+", b.const(_value(F, w, assignment), f"a bias of {n.name!r}"))
        if n.act != "identity":
            arg, body = n.act
            acc = b.expr(body, {arg: acc})
        env[n.name] = acc
    return b.circuit(env[inst.outputs[0]])
