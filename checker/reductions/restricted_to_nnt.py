"""RESTRICTED TRAINING → NN-TRAINING (003 §3.9–3.11), with Level-2 identity proofs.

Applies to two-layer identity networks without biases whose prescribed weights are numbers,
whose data are 0/1 vectors, and whose every input feeds one hidden neuron (true of the
instances `eq-to-restricted` builds).  The three modifications, in the paper's order:

§3.9 fixed weights: a new output q; per hidden neuron m a new input s_m and edges s_m → m
     (z1) and m → q (z2), and a point d(m) = (s_m; q = 1); every prescribed edge becomes a
     parameter F with a point fixing it: for m → t of value c the point (s_m; t = c), for
     u → m the point (u; q = c).  All other targets '?'; old points get q = '?'.
     `corrected`: a prescribed −1 on u → m is fixed by (u, s_m; q = 0) instead, which with
     d(m) says (F + z1)·z2 = 0 = z1·z2 − 1 + 1, i.e. F·z2 = −1 with the label 0, keeping the
     data in {0, 1} (the text's "the case of −1 is analogous" needs the label −1).  A −1 on
     m → t keeps the label −1 (the audit's Theorem-2 check reports it; our eq-to-restricted
     prescribes only +1, so the 003 chain never meets it).
§3.10 biases: every neuron gets a bias parameter, and the point (0; 0, …, 0).
§3.11 question marks: for every '?' of point d at output o, a new input i, hidden n and edges
     i → n (r), n → o (t), i = 1 only in d, and the '?' becomes 0.

Maps.  encode: prescribed values, z = 1, biases 0, r = 1, t = −(what o computes on d).
decode (Observation 4, normalising z1 to 1): a parameter on an edge u → m becomes P/z1_m, one
on m → o becomes P·z1_m.

Proofs.  Forward: the old equations are the source's own hypotheses; every new one is
identically 0 under encode.  Backward: z1·z2 − 1 = h(d(m), q) − h(0, q) (Observation 5: the
zero point carries every output's constant term c_o = h(0, o)); each old equation times M
(the z1 it divides by) is M·(h(d, o) − h(0, o)) plus, per path through a prescribed edge, the
difference between the normalised and the actual path weight, written with the fixing points.
"""
from __future__ import annotations

import random
from fractions import Fraction

from . import first_of_shape
from .laurent import Term, factor, without
from .stage import Stage, block, document, terms_sum
from .stage import goal as goal_step
from .twolayer import Net, Point, number, path_sum

VARIANTS = ("printed", "corrected")


def reduce(s2: Net, variant: str) -> tuple[Net, Stage]:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    s2.index()
    out_degree: dict[str, int] = {}
    for (u, _v) in s2.edges:
        out_degree[u] = out_degree.get(u, 0) + 1
    outputs = s2.outputs + ["q"]
    s3 = Net(list(s2.inputs), list(s2.hidden), outputs)
    s3.points = [Point(dict(p.inputs), {**p.targets, "q": None}, p.note) for p in s2.points]
    taken = set(s2.inputs) | set(s2.hidden) | set(s2.outputs) | set(s2.params())
    value: dict[str, Fraction] = {}     # encode of every new parameter but the t_k (below)

    def new(name: str, encoded_as: Fraction | None = None) -> str:
        if name in taken:
            raise ValueError(f"the name {name!r} is already used in the restricted instance")
        taken.add(name)
        if encoded_as is not None:
            value[name] = encoded_as
        return name

    new("q")
    fixed: dict[tuple[str, str], tuple[str, Fraction]] = {}
    for (u, v), w in s2.edges.items():
        if isinstance(w, str):
            s3.edges[(u, v)] = w
        else:
            fixed[(u, v)] = (new(f"F_{u}_{v}", w), w)
            s3.edges[(u, v)] = fixed[(u, v)][0]

    def add_point(inputs: list[str], targets: dict, note: str) -> int:
        s3.points.append(Point({u: 1 for u in inputs}, {o: targets.get(o) for o in outputs},
                               note))
        return len(s3.points) - 1

    dm: dict[str, int] = {}
    one, zero_value = Fraction(1), Fraction(0)
    for m in s2.hidden:
        s3.inputs.append(new(f"s_{m}"))
        s3.edges[(f"s_{m}", m)] = new(f"z1_{m}", one)
        s3.edges[(m, "q")] = new(f"z2_{m}", one)
        dm[m] = add_point([f"s_{m}"], {"q": Fraction(1)}, f"d({m})")
    fix: dict[tuple[str, str], int] = {}
    base: dict[tuple[str, str], int | None] = {}     # the point h(fix) is compared with
    for (u, v), (name, c) in fixed.items():
        if v in s2.outputs:
            fix[(u, v)] = add_point([f"s_{u}"], {v: c}, f"fixes {name} = {number(c)}")
            base[(u, v)] = None
        else:
            if out_degree[u] != 1:
                raise ValueError(f"input {u!r} feeds several neurons; fixing its edge to {v!r} "
                                 f"by a point on q is not sound")
            if c == -1 and variant == "corrected":     # (u, s_v; q = 0): (F + z1)·z2 = 0
                fix[(u, v)] = add_point([u, f"s_{v}"], {"q": Fraction(0)},
                                        f"fixes {name} = -1 (with d({v}))")
                base[(u, v)] = dm[v]
            else:
                fix[(u, v)] = add_point([u], {"q": c}, f"fixes {name} = {number(c)}")
                base[(u, v)] = None
    for n in s3.hidden + outputs:
        s3.biases[n] = new(f"B_{n}", zero_value)
    zero = add_point([], {o: Fraction(0) for o in outputs}, "all biases vanish")
    base = {key: zero if b is None else b for key, b in base.items()}
    gadgets: list[tuple[int, int, str]] = []          # (k, point index, output)
    for i, p in enumerate(s3.points):
        for o in outputs:
            if p.targets[o] is None:
                k = len(gadgets) + 1
                s3.inputs.append(new(f"i{k}"))
                s3.hidden.append(new(f"n{k}"))
                s3.edges[(f"i{k}", f"n{k}")] = new(f"r{k}", one)
                s3.edges[(f"n{k}", o)] = new(f"t{k}")
                s3.biases[f"n{k}"] = new(f"B_n{k}", zero_value)
                p.inputs[f"i{k}"] = 1
                p.targets[o] = Fraction(0)
                gadgets.append((k, i, o))
    s3.index()
    eq2 = {key: k for k, key in enumerate(s2.equations(), start=1)}
    eq3 = {key: k for k, key in enumerate(s3.equations(), start=1)}

    def encoded(w):
        return value.get(w, w) if isinstance(w, str) else w

    encode: list[tuple[str, str]] = []
    by_gadget = {f"t{k}": (k, i, o) for k, i, o in gadgets}
    for param in s3.params():
        if param in value:
            encode.append((param, number(value[param])))
        elif param in by_gadget:                          # t_k = -(what o computes on d)
            k, i, o = by_gadget[param]
            paths = [(u, m, encoded(a), encoded(b)) for u, m, a, b in s3.paths(s3.points[i], o)
                     if u != f"i{k}"]
            encode.append((param, f"-({path_sum(paths)})"))
        else:
            encode.append((param, param))
    decode = []
    for (u, v), w in s2.edges.items():
        if isinstance(w, str):
            decode.append((w, f"{w}/z1_{v}" if v in s2.hidden else f"{w}*z1_{u}"))

    forward = [f"goal {eq3[key]} by hyp[{k}];" for key, k in eq2.items()]

    def h(i: int, o: str) -> str:
        return f"hyp[{eq3[(i, o)]}]"

    backward = [f"nonzero z1_{m} inverse z2_{m} by {h(dm[m], 'q')} - {h(zero, 'q')};"
                for m in s2.hidden]
    for (i, o), j in eq2.items():
        terms: list[Term] = [(-s2.points[i].targets[o], (), ())]
        full: list[str] = []
        pieces = []
        for u, m, w1, w2 in s2.paths(s2.points[i], o):
            z1 = f"z1_{m}"
            if isinstance(w1, str) and isinstance(w2, str):
                terms.append((Fraction(1), (w1, w2), ()))
                continue
            if isinstance(w1, str):                       # free in, prescribed out
                terms.append((w2, (w1,), (z1,)))
                full.append(z1)
                pieces.append(("scaled", z1, f"{w1}*({h(zero, o)} - {h(fix[(m, o)], o)})"))
                continue
            f_in = fixed[(u, m)][0]
            a_ideal = (f"{f_in}*({h(dm[m], 'q')} - {h(zero, 'q')}) - "      # c·z1 − F_in
                       f"{z1}*({h(fix[(u, m)], 'q')} - {h(base[(u, m)], 'q')})")
            if isinstance(w2, str):                       # prescribed in, free out
                terms.append((w1, (w2, z1), ()))
                pieces.append(("whole", None, f"{w2}*({a_ideal})"))
                continue
            terms.append((w1 * w2, (), ()))               # prescribed in and out
            full.append(z1)
            b_ideal = f"{h(fix[(m, o)], o)} - {h(zero, o)}"                # z1·F_out − c
            pieces.append(("scaled", z1, f"-({f_in}*({b_ideal}) - {number(w2)}*({a_ideal}))"))
        full = list(dict.fromkeys(full))
        m_text = "*".join(full)
        parts = [("+", f"{m_text}*({h(i, o)} - {h(zero, o)})" if m_text
                  else f"{h(i, o)} - {h(zero, o)}")]
        for how, z1, text in pieces:
            scale = without(full, z1) if how == "scaled" else m_text
            parts.append(("+", f"{scale}*({text})" if scale not in ("", "1") else text))
        backward.append(goal_step(j, factor(terms, full), terms_sum(parts)))
    comments = ["NN-TRAINING: one hidden layer, identity activations, squared loss, gamma 0,",
                "outputs a, b, q; every weight and bias a free real parameter."]
    return s3, Stage(s3.render("S3", comments), encode, decode, forward, backward)


def theorem2_violations(s3: Net, n: int) -> list[str]:
    """What Theorem 2 claims of the final instance, checked on it: data in {0, 1}, three
    outputs, every neuron hidden or output in one layer, size O(n) (here: ≤ 400·(n + 1))."""
    problems = []
    values = {v for p in s3.points for v in list(p.inputs.values()) + list(p.targets.values())}
    if not values <= {0, 1}:
        problems.append(f"data values outside {{0, 1}}: {sorted(map(str, values - {0, 1}))}")
    if len(s3.outputs) != 3:
        problems.append(f"{len(s3.outputs)} outputs, not 3")
    if any(u not in s3.inputs or v not in s3.hidden for (u, v) in s3.edges
           if v in s3.hidden) or any(u not in s3.hidden for (u, v) in s3.edges
                                     if v in s3.outputs):
        problems.append("not one hidden layer between inputs and outputs")
    size = len(s3.inputs) + len(s3.hidden) + len(s3.points)
    if size > 400 * (n + 1):
        problems.append(f"size {size} is not O(n) for n = {n}")
    return problems


# ---- the audit interface -------------------------------------------------------------------------
def random_source(rng: random.Random) -> Net:
    """A restricted instance built by eq-to-restricted from a random ETR-INV-EQ formula."""
    from . import eq_to_restricted
    net, _stage = eq_to_restricted.reduce(eq_to_restricted.random_source(rng), "corrected")
    return net


def minimize(src: Net, fails) -> Net:
    return src


def read_source(doc) -> Net:
    """The first training instance of a document that is a two-layer identity network without
    biases on 0/1 data (so the output of `nncert reduce eq-to-restricted` can be fed on)."""
    from checker.kernel.problems.training import TrainingInstance
    return first_of_shape(doc, TrainingInstance, _as_net, "training")


def _as_net(inst) -> Net:
    net = Net(list(inst.inputs), [n.name for n in inst.neurons if n.name not in inst.outputs],
              list(inst.outputs))
    for n in inst.neurons:
        if n.act != "identity" or n.biases:
            raise ValueError("restricted training here has identity neurons without biases")
        for src, w in n.edges:
            if w.param is None:
                net.edges[(src, n.name)] = Fraction(int(w.fixed.p), int(w.fixed.q))
            elif w.sign > 0:
                net.edges[(src, n.name)] = w.param
            else:
                raise ValueError("a negated parameter on an edge is not supported here")
    for p in inst.points:
        if any(x not in (0, 1) for x in p.inputs):
            raise ValueError("data inputs must be 0 or 1")
        net.points.append(Point({u: 1 for u, x in zip(inst.inputs, p.inputs) if x == 1},
                                {o: None if y is None else Fraction(int(y.p), int(y.q))
                                 for o, y in zip(inst.outputs, p.outputs)}))
    return net


def certificate(src: Net, variant: str, header: str = "") -> str:
    _s3, stage = reduce(src, variant)
    return document(header, [f"RESTRICTED TRAINING -> NN-TRAINING (003 sections 3.9-3.11), "
                             f"variant {variant!r}."],
                    [src.render("S2"), stage.target, block("R3", "S2", "S3", stage)],
                    ["corresponds(R3);"])
