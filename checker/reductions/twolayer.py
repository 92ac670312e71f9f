"""Two-layer identity networks with prescribed weights and `?` targets — the instances of 003's
RESTRICTED TRAINING and NN-TRAINING — as producer-side data, rendered as nncert text.

Every path runs input → hidden → output, every activation is the identity, the loss is
squared and γ = 0, so an instance is a system of polynomial equations: one per data point and
known target, `Σ_paths w_in·w_out + biases − y = 0`, in the order the kernel derives them
(points in order, outputs in declaration order).  The reductions of 003 need these equations
symbolically (to write encode values and cofactors), hence `paths` and `equations`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

Weight = Union[str, Fraction]          # a parameter name, or a prescribed number
SPARSE_ABOVE = 16                      # data rows of wider networks are written sparse


@dataclass
class Point:
    inputs: dict[str, int]             # the inputs with a non-zero value (all others are 0)
    targets: dict[str, Fraction | None]   # every output: its target, None for `?`
    note: str = ""


@dataclass
class Net:
    inputs: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    edges: dict[tuple[str, str], Weight] = field(default_factory=dict)
    biases: dict[str, str] = field(default_factory=dict)      # neuron -> bias parameter
    points: list[Point] = field(default_factory=list)

    def params(self) -> list[str]:
        out = [w for w in self.edges.values() if isinstance(w, str)]
        return out + [self.biases[n] for n in self.hidden + self.outputs if n in self.biases]

    def into(self, neuron: str) -> list[tuple[str, Weight]]:
        return [(u, w) for (u, v), w in self.edges.items() if v == neuron]

    def index(self) -> None:
        """Adjacency lists for `paths` (call after the edges are final)."""
        self._out: dict[str, list[tuple[str, Weight]]] = {}
        for (u, v), w in self.edges.items():
            self._out.setdefault(u, []).append((v, w))

    def paths(self, point: Point, output: str) -> list[tuple[str, str, Weight, Weight]]:
        """(input, hidden, input→hidden weight, hidden→output weight) of every path that
        carries one of the point's inputs (all of value 1) to `output`."""
        out = []
        for u, x in point.inputs.items():
            assert x == 1, "003's data points are 0/1 vectors"
            for m, w1 in self._out.get(u, []):
                for o, w2 in self._out.get(m, []):
                    if o == output:
                        out.append((u, m, w1, w2))
        return out

    def equations(self) -> list[tuple[int, str]]:
        """(point index, output) of every equation, in the kernel's order."""
        return [(i, o) for i, p in enumerate(self.points) for o in self.outputs
                if p.targets[o] is not None]

    def render(self, name: str, comments: list[str] = ()) -> str:
        def term(src: str, w: Weight) -> str:
            if isinstance(w, str):
                return f"{w}*{src}"
            return f"{number(w)}*{src}"

        lines = [f"instance {name} : training {{"]
        lines += [f"  # {c}" for c in comments]
        lines.append(f"  input {', '.join(self.inputs)};")
        params = self.params()
        if params:
            lines.append(f"  param {', '.join(params)} real;")
        into: dict[str, list[tuple[str, Weight]]] = {}      # `into` for all neurons at once
        for (u, v), w in self.edges.items():
            into.setdefault(v, []).append((u, w))
        for kind, group in (("hidden", self.hidden), ("output", self.outputs)):
            for n in group:
                terms = [term(u, w) for u, w in into.get(n, [])]
                if n in self.biases:
                    terms.append(self.biases[n])
                body = " + ".join(terms).replace("+ -", "- ")
                lines.append(f"  {kind} {n} identity = {body or '0'};")
        lines += ["  loss squared;", "  gamma 0;", "  data {"]
        column = {u: i for i, u in enumerate(self.inputs, start=1)}
        for p in self.points:
            if len(self.inputs) > SPARSE_ABOVE:         # `{i: v, ...}`: O(non-zeros) per row
                ins = "{" + ", ".join(f"{column[u]}: {x}" for u, x in sorted(
                    p.inputs.items(), key=lambda item: column[item[0]]) if x != 0) + "}"
            else:
                ins = " ".join(str(p.inputs.get(u, 0)) for u in self.inputs)
            outs = " ".join("?" if p.targets[o] is None else number(p.targets[o])
                            for o in self.outputs)
            lines.append(f"    {ins} -> {outs}" + (f"    # {p.note}" if p.note else ""))
        lines += ["  }", "}"]
        return "\n".join(lines)


def number(q: Fraction | int) -> str:
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def weight_text(w: Weight) -> str:
    """A weight inside an expression (numbers parenthesised when negative)."""
    if isinstance(w, str):
        return w
    return number(w) if w >= 0 else f"({number(w)})"


def path_sum(paths: list[tuple[str, str, Weight, Weight]]) -> str:
    """Σ w1·w2 over `paths` as an expression; `0` for none."""
    return " + ".join(f"{weight_text(a)}*{weight_text(b)}" for _u, _m, a, b in paths) or "0"
