"""ETR-INV-EQ → RESTRICTED TRAINING (003 §3.3–3.8), with Level-2 identity proofs.

The figures are missing; the architecture is reconstructed from the counts in the text (ours,
docs/AUDIT.md).  Two layers, identity activations, no biases, squared loss, γ = 0, outputs
a and b.  Per variable v, a VARIABLE GADGET (five inputs s1..s5, four middle neurons m1..m4):

    s1 -X-> m1,  s2 -W-> m2,  s3 -Y-> m3,  s4 -Z-> m4,  s5 -(+1)-> m3        (first layer)
    m1, m2, m3, m4 -(+1)-> a,  m2 -(+1)-> b,  m3 -V-> b                        (second layer)

11 edges, 6 prescribed weights, data points (inputs at 1; targets a, b):
    d1 = s1 + s2 -> 0 ?   enforces X + W = 0        (a subtraction gadget, §3.4)
    d2 = s3 + s4 -> 0 ?   enforces Y + Z = 0        (a subtraction gadget)
    d3 = s3      -> ? 1   enforces Y·V = 1          (the inversion gadget's d1, §3.5)
    d4 = s2 + s5 -> ? 0   enforces W + V = 0, i.e. V = X
so X = v, W = −v, Y = 1/v, Z = −1/v (Lemma 3).  The paper prints d4 = (0,1,0,0,1; ?, 1),
target 1: in this reconstruction W + V = 1 and Y = 1/(1 + X) — Lemma 3 fails (the `printed`
variant).  (With two more prescribed edges s5 → m4 → b the printed d4 works:
certificates/examples/003_gadget_variable_alt_d4.nnc; we keep 11 edges and target 0.)
A COMBINED CONSTRAINT v^e + w^f − u^g = 0 is the point with inputs 1 at the inputs of the
weights for +v^e, +w^f, −u^g (X for +x, W for −x, Y for +1/x, Z for −1/x) and targets a = 0,
b = ?  (§3.8).

Corrected, beyond d4 (docs/AUDIT.md):
- a variable that is never inverted may be 0 in ETR-INV-EQ, but the gadget forces X·Y = 1;
  such a variable gets only the subtraction gadget (s1, s2, m1, m2, d1);
- a constraint using the same weight twice (x + x − z = 0) would put 1 twice on one input;
  the second use goes to a COPY gadget x' tied to x by two points x + t − s = 0 and
  x' + t − s = 0 with a fresh pair of subtraction gadgets t, s (all data stays in {0, 1}).

Proofs.  Forward: every target equation under encode is identically 0 except the combined
constraints, which are the source's own hypotheses.  Backward: X·Y − 1 = Y·h(d1) − Y·h(d4)
+ h(d3) shows every nonzero variable's image non-zero, and each source constraint times its
denominator M is M·h(d(C)) minus, per term, M·(weight − ±X^(±1)), written with the gadget's
hypotheses (and, for a copy, X' − X = h(link') − h(link)).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction

from . import first_of_shape, shrink
from .etr_inv_to_eq import EtrInvEq, render_eq
from .laurent import Term, factor, full_denominator, without
from .stage import Stage, block, document, terms_sum
from .stage import goal as goal_step
from .twolayer import Net, Point

VARIANTS = ("printed", "corrected")
ONE = Fraction(1)
WEIGHT_INPUT = {"X": 1, "W": 2, "Y": 3, "Z": 4}


@dataclass
class Gadget:
    number: int
    var: str | None            # the source variable it carries (None: a link's t or s)
    full: bool
    copy_of: str | None = None
    value: str = ""            # what encode gives X: the variable, or 0 / x for a link's t / s
    points: dict[str, int] = field(default_factory=dict)      # "d1".."d4" -> point index

    def p(self, letter: str) -> str:
        return f"{letter}{self.number}"

    def s(self, i: int) -> str:
        return f"s{self.number}_{i}"

    def m(self, i: int) -> str:
        return f"m{self.number}_{i}"


def weight_letter(sign: int, e: int) -> str:
    return {(1, 1): "X", (-1, 1): "W", (1, -1): "Y", (-1, -1): "Z"}[(sign, e)]


def reduce(eq: EtrInvEq, variant: str) -> tuple[Net, Stage]:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    net = Net(outputs=["a", "b"])
    gadgets: list[Gadget] = []
    primary: dict[str, Gadget] = {}
    eqs: dict[tuple[int, str], int] = {}        # (point index, output) -> equation number

    def add_point(inputs: list[str], a, b, note: str) -> int:
        net.points.append(Point({u: 1 for u in inputs}, {"a": a, "b": b}, note))
        return len(net.points) - 1

    def make(var: str | None, full: bool, copy_of: str | None = None,
             value: str | None = None) -> Gadget:
        g = Gadget(len(gadgets) + 1, var, full, copy_of, var if value is None else value)
        gadgets.append(g)
        count = 5 if full else 2
        net.inputs += [g.s(i) for i in range(1, count + 1)]
        net.hidden += [g.m(i) for i in range(1, (4 if full else 2) + 1)]
        for i, letter in enumerate("XWYZ"[:4 if full else 2], start=1):
            net.edges[(g.s(i), g.m(i))] = g.p(letter)
        if full:
            net.edges[(g.s(5), g.m(3))] = ONE
        for i in range(1, (4 if full else 2) + 1):
            net.edges[(g.m(i), "a")] = ONE
        if full:
            net.edges[(g.m(2), "b")] = ONE
            net.edges[(g.m(3), "b")] = g.p("V")
        label = var if copy_of is None else f"copy of {copy_of}"
        g.points["d1"] = add_point([g.s(1), g.s(2)], Fraction(0), None, f"d1 of {label}")
        if full:
            g.points["d2"] = add_point([g.s(3), g.s(4)], Fraction(0), None, f"d2 of {label}")
            g.points["d3"] = add_point([g.s(3)], None, ONE, f"d3 of {label}")
            d4 = ONE if variant == "printed" else Fraction(0)
            g.points["d4"] = add_point([g.s(2), g.s(5)], None, d4, f"d4 of {label}")
        return g

    for v in eq.variables:
        primary[v] = make(v, variant == "printed" or v in eq.nonzero)
    links: dict[int, tuple[int, int]] = {}       # copy gadget number -> (link point, link' point)
    uses: list[list[tuple[Gadget, int, int]]] = []
    for c in eq.constraints:
        terms = []
        for (v, e), sign in zip(c, (1, 1, -1)):
            g = primary[v]
            if variant == "corrected" and any(t[0] is g and t[1] == sign and t[2] == e
                                              for t in terms):
                g = make(v, g.full, copy_of=v)
                t, s = make(None, False, value="0"), make(None, False, value=v)
                links[g.number] = (
                    add_point([primary[v].s(1), t.s(1), s.s(2)], Fraction(0), None,
                              f"{v} + t - s = 0 (gadgets {t.number}, {s.number})"),
                    add_point([g.s(1), t.s(1), s.s(2)], Fraction(0), None,
                              f"copy of {v} + t - s = 0"))
            terms.append((g, sign, e))
        uses.append(terms)
    constraint_points = []
    for j, terms in enumerate(uses, start=1):
        inputs = [g.s(WEIGHT_INPUT[weight_letter(sign, e)]) for g, sign, e in terms]
        constraint_points.append(add_point(inputs, Fraction(0), None, f"constraint {j}"))
    net.index()
    for k, (i, o) in enumerate(net.equations(), start=1):
        eqs[(i, o)] = k

    def h(g: Gadget, point: str, output: str) -> str:
        return f"hyp[{eqs[(g.points[point], output)]}]"

    encode = []
    for g in gadgets:
        x = g.value
        encode += [(g.p("X"), x), (g.p("W"), "0" if x == "0" else f"-{x}")]
        if g.full:
            encode += [(g.p("Y"), f"1/{x}"), (g.p("Z"), f"-1/{x}"), (g.p("V"), x)]
    decode = [(v, primary[v].p("X")) for v in eq.variables]

    forward = [f"goal {eqs[(p, 'a')]} by hyp[{j}];"
               for j, p in enumerate(constraint_points, start=1)]

    def inverse_identity(g: Gadget) -> str:          # X·Y − 1 in the ideal
        y = g.p("Y")
        return f"{y}*{h(g, 'd1', 'a')} - {y}*{h(g, 'd4', 'b')} + {h(g, 'd3', 'b')}"

    backward = [f"nonzero {primary[v].p('X')} inverse {primary[v].p('Y')} by "
                f"{inverse_identity(primary[v])};"
                for v in eq.variables if v in eq.nonzero and primary[v].full]
    for j, (c, terms) in enumerate(zip(eq.constraints, uses), start=1):
        laurent: list[Term] = []
        for (v, e), sign in zip(c, (1, 1, -1)):
            x = primary[v].p("X")
            laurent.append((sign, (x,), ()) if e == 1 else (sign, (), (x,)))
        full = full_denominator(laurent)
        m = "*".join(full)
        parts = [("+", f"{m}*hyp[{eqs[(constraint_points[j - 1], 'a')]}]" if m
                  else f"hyp[{eqs[(constraint_points[j - 1], 'a')]}]")]
        for (v, e), (g, sign, _e) in zip(c, terms):
            x = primary[v].p("X")
            delta = "0"
            if g is not primary[v]:
                first, second = links[g.number]
                delta = f"(hyp[{eqs[(second, 'a')]}] - hyp[{eqs[(first, 'a')]}])"
            if e == 1:
                diff = delta if sign == 1 else terms_sum([("+", h(g, "d1", "a")), ("-", delta)])
                scale = m
            else:
                inv = inverse_identity(g)
                if sign == 1:
                    diff = terms_sum([("+", inv), ("-", f"{g.p('Y')}*{delta}"
                                                   if delta != "0" else "")])
                else:
                    diff = terms_sum([("+", f"{g.p('X')}*{h(g, 'd2', 'a')}"), ("-", inv),
                                      ("-", f"{g.p('Z')}*{delta}" if delta != "0" else "")])
                scale = without(full, x)
            if diff != "0":
                parts.append(("-", f"{scale}*({diff})" if scale not in ("", "1") else diff))
        backward.append(goal_step(j, factor(laurent), terms_sum(parts)))
    stage = Stage(net.render("S2", [f"gadget {g.number}: " + (
        f"variable {g.var}" if g.copy_of is None and g.var is not None else
        f"copy of {g.copy_of}" if g.var is not None else "link") +
        (" (full)" if g.full else " (subtraction only)") for g in gadgets]),
        encode, decode, forward, backward)
    return net, stage


# ---- the audit interface -----------------------------------------------------------------------
def random_source(rng: random.Random) -> EtrInvEq:
    """Small ETR-INV-EQ formulas: repeated weights in one constraint, never-inverted
    variables (which may be 0), variables only inverted."""
    n = rng.randint(1, 4)
    names = [f"x{i}" for i in range(1, n + 1)]
    constraints = []
    for _ in range(rng.randint(1, 4)):
        constraints.append(tuple((rng.choice(names), rng.choice((1, 1, -1))) for _ in range(3)))
    nonzero = frozenset(v for c in constraints for v, e in c if e == -1)
    return EtrInvEq(tuple(names), nonzero, tuple(constraints))


def minimize(src: EtrInvEq, fails) -> EtrInvEq:
    def smaller(s: EtrInvEq):
        for i in range(len(s.constraints)):
            rest = s.constraints[:i] + s.constraints[i + 1:]
            if rest:
                nz = frozenset(v for c in rest for v, e in c if e == -1)
                yield EtrInvEq(s.variables, nz, rest)
    return shrink(src, fails, smaller)


def read_source(doc) -> EtrInvEq:
    """The first ETR instance of a document that is an ETR-INV-EQ formula (so the output of
    `nncert reduce etr-inv-to-eq` can be fed on); ValueError if there is none."""
    from checker.kernel.problems.etr import EtrInstance
    return first_of_shape(doc, EtrInstance, _as_eq, "etr")


def _as_eq(inst) -> EtrInvEq:
    from checker.kernel.syntax import ast
    from checker.kernel.problems.etr import atoms

    def term(t) -> tuple[str, int]:
        if type(t) is ast.Var:
            return (t.name, 1)
        if type(t) is ast.Pow and type(t.base) is ast.Var:
            k = t.exp.arg.value if type(t.exp) is ast.Neg else -t.exp.value
            if k == 1:
                return (t.base.name, -1)
        raise ValueError("each term of a combined constraint is v or v^-1")

    out = []
    for a in atoms(inst.formula):
        left = getattr(a, "left", None)
        if type(a) is not ast.Cmp or a.op != "=" or type(a.right) is not ast.Num \
                or a.right.value != 0 or type(left) is not ast.Sum or left.signs != [1, 1, -1]:
            raise ValueError("each constraint is `v^(+-1) + w^(+-1) - u^(+-1) = 0`")
        out.append(tuple(term(t) for t in left.terms))
    return EtrInvEq(tuple(inst.variables), frozenset(inst.nonzero), tuple(out))


def certificate(src: EtrInvEq, variant: str, header: str = "") -> str:
    _net, stage = reduce(src, variant)
    comments = [f"ETR-INV-EQ -> RESTRICTED TRAINING (003 sections 3.3-3.8), variant {variant!r}."]
    return document(header, comments, [render_eq(src, "S1"), stage.target,
                                       block("R2", "S1", "S2", stage)], ["corresponds(R2);"])
