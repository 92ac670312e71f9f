"""D-NNT → C-NNT (002, Theorem 1.2, §6), as printed and corrected — an untrusted producer.

SOURCE (Python data `Dnnt`, or the first training instance of a document): a layered D-NNT
instance with one source vertex s of dimension d (input neurons x1..xd), a first layer of
neurons reading every input coordinate (the paper's edge (s, v) with weight vector
w_v_x1..w_v_xd and bias b_v), optionally a second layer reading first-layer neurons (edges
w_v_h, bias b_v); every parameter has a finite set of integers; activations map 0 to 0
(identity, relu, threshold, and two custom ones); a built-in loss (squared, absolute,
zero_one); γ.  Outputs are the neurons that feed no other neuron.

TARGET I' (C-NNT: every parameter real).  Common to both variants:
- every vertex becomes an output: an output neuron keeps its column; a hidden neuron h gets a
  copy column `output c_h identity = 1*h;` (the language's outputs feed no neuron);
- the input has d + 2 coordinates: x_{d+1} carries the bias (1 on the original data: we read the
  printed "x ⊕ 0" as x ⊕ 1 ⊕ 0, with the bias as the weight of coordinate d+1, "W_e[d+1] = B_e"),
  x_{d+2} lights paths (0 on the original data, weight l_v = w'_(s,v)[d+2]);
- the data are the original points (targets of the copy columns `?`) and the probe points
  D'' = {(x_k, y_k)}: x_k has one huge coordinate f_k; the label y_k is ours (the paper leaves
  y_{e,i} open): f_k in every column, which no original target can equal (|y| < 10^M < f_k);
- the loss L' is one custom expression: `if y(1) = f_k then (if COND_k then 1 else P)` for every
  probe k, else the source's loss on the original columns.  The language needs no extension:
  the paper's L'(z, y) depends on the point only through its label y, and so does ours.

`printed`: probes (e, i) for every edge e and i = 1..d+1 (for an edge (u, v), u ≠ s, i = 2..d
check {0} and i = d+1 checks B_e, as the text says); f_k = (k+1)·(10^M + 1) (conditions (i),
(ii) of the text, M = 2·M_0); σ'^v(z) = σ^v(z) if |z| < 10^M, 0 if z ∈ F(e,i) with v ∉ P_e,
else z; the loss conditions (i)-(iii); penalty (2+γ)|V||E|(d+1)|D|; γ' = γ + |E|(d+1).
Second-layer biases stay real bias terms b_v (the printed I' has B'_e = R).  This variant is
WRONG (docs/AUDIT.md): the head v of e is never on P_e, so σ'^v maps w·f(e,i) to 0.

`corrected` (ours, docs/AUDIT.md): every bias is the weight of an edge from x_{d+1} (also in
the second layer); every parameter π (head v) gets TWO probes k, k' with f_k = c·Q^{e_k}
(c = 10^M', Q huge, e_k a Sidon sequence, so that no two probes of one parameter can both hit
a non-injective zone); σ'^v(z) = σ^v(z) on the finite set S_v of pre-activations the source
network can produce at v on its data (for some θ ∈ Θ), 0 on F_k = ±[f_k, M'·f_k] for every
probe k of which v is neither head nor lit tail, z elsewhere; COND_k: lit tail = f_k, the other
in-neighbours of v = 0, z^v ∈ W_π·f_k; penalty max(γ, 0) + 2; γ' = γ + #probes.  Computing
S_v enumerates reachable values (exponential in the fan-in; fine for generated instances,
NOT a polynomial reduction — see AUDIT.md).  Only layered networks of depth ≤ 2 are supported.

The certificate (Level 1 both ways): I, I', solves(I, θ) and solves(I', enc θ) for a solution θ
found by the D-NNT solvers, or refutes(I) for a NO-instance; plus, for each of a few
perturbed parameter vectors θ'_b of I' that the producer finds to solve I' (checked with the
kernel), solves(I', θ'_b) and solves(I, dec θ'_b).  decode is the identity on the shared
parameters (the l_v are dropped).
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from fractions import Fraction

from . import shrink
from .numerals import dec, expr, ratio
from .subset_sum_to_dnnt import check_variant

VARIANTS = ("printed", "corrected")

# activation name -> (expression in t, Python function); every one maps 0 to 0
ACTS = {
    "identity": ("t", lambda t: t),
    "relu": ("relu(t)", lambda t: max(t, Fraction(0))),
    "threshold": ("if t > 0 then 1 else 0", lambda t: Fraction(1 if t > 0 else 0)),
    "leaky": ("max(t, t/2)", lambda t: max(t, t / 2)),
    "square": ("t*abs(t)", lambda t: t * abs(t)),
}
BUILTIN_ACTS = ("identity", "relu", "threshold")
LOSSES = ("squared", "absolute", "zero_one")


@dataclass(frozen=True)
class Neuron:
    name: str
    act: str
    sources: tuple[str, ...]                 # input names x1..xd, or first-layer neuron names
    weights: tuple[tuple[int, ...], ...]     # one finite set per source
    bias: tuple[int, ...]


@dataclass(frozen=True)
class Dnnt:
    d: int
    neurons: tuple[Neuron, ...]              # first layer first; a topological order
    loss: str
    gamma: int
    data: tuple[tuple[tuple[Fraction, ...], tuple[Fraction | None, ...]], ...]

    def __len__(self) -> int:                # the size `nncert audit` minimizes
        return (8 * self.d + sum(4 + sum(len(w) for w in n.weights) + len(n.bias)
                                 for n in self.neurons)
                + sum(len(x) + len(y) + sum(abs(v.numerator) for v in x)
                      for x, y in self.data) + abs(self.gamma))


# ---- structure ---------------------------------------------------------------------------
def inputs(src: Dnnt) -> list[str]:
    return [f"x{j}" for j in range(1, src.d + 1)]


def first_layer(src: Dnnt, n: Neuron) -> bool:
    return all(s.startswith("x") for s in n.sources)


def children(src: Dnnt, name: str) -> list[str]:
    return [n.name for n in src.neurons if name in n.sources]


def outputs(src: Dnnt) -> list[str]:
    return [n.name for n in src.neurons if not children(src, n.name)]


def hidden(src: Dnnt) -> list[str]:
    return [n.name for n in src.neurons if children(src, n.name)]


def wname(n: Neuron, s: str) -> str:
    return f"w_{n.name}_{s}"


def params(src: Dnnt) -> list[tuple[str, Neuron, str | None, tuple[int, ...]]]:
    """(parameter, head neuron, source (None for the bias), domain), in declaration order."""
    out = []
    for n in src.neurons:
        out += [(wname(n, s), n, s, w) for s, w in zip(n.sources, n.weights)]
        out.append((f"b_{n.name}", n, None, n.bias))
    return out


def validate(src: Dnnt) -> None:
    names = set(inputs(src))
    for n in src.neurons:
        if n.act not in ACTS:
            raise ValueError(f"unknown activation {n.act!r}")
        if first_layer(src, n):
            if list(n.sources) != inputs(src):
                raise ValueError(f"first-layer neuron {n.name!r} must read every input")
        elif any(s not in names or s.startswith("x") for s in n.sources) or \
                any(not first_layer(src, m) for m in src.neurons if m.name in n.sources):
            raise ValueError(f"neuron {n.name!r}: only layered networks of depth <= 2 "
                             "(a second layer reading first-layer neurons) are supported")
        if not all(n.weights) or not n.bias:
            raise ValueError(f"neuron {n.name!r} has an empty parameter set")
        names.add(n.name)
    if src.loss not in LOSSES:
        raise ValueError(f"unsupported loss {src.loss!r}; one of {', '.join(LOSSES)}")
    if not src.data:
        raise ValueError("the source needs at least one data point")


# ---- numbers and text ----------------------------------------------------------------------
def ex(v: Fraction | int) -> str:
    """A number inside an expression (any size: checker/reductions/numerals.py)."""
    return expr(v)


def tok(v: Fraction | int | None) -> str:
    """A number in a data row."""
    return "?" if v is None else ratio(v)


def dom(values) -> str:
    return "{" + ", ".join(ex(v) for v in sorted(set(values))) + "}"


def m0(src: Dnnt) -> int:
    """M_0: the largest absolute value of a number in the input (rounded up)."""
    nums = [abs(Fraction(src.gamma))]
    for n in src.neurons:
        nums += [abs(Fraction(v)) for w in n.weights for v in w] + \
                [abs(Fraction(v)) for v in n.bias]
    for x, y in src.data:
        nums += [abs(v) for v in x] + [abs(v) for v in y if v is not None]
    return max(1, max(-(-v.numerator // v.denominator) for v in nums))


def source_text(src: Dnnt, name: str = "I") -> str:
    lines = [f"instance {name} : training {{", f"  input {', '.join(inputs(src))};"]
    for a in sorted({n.act for n in src.neurons} - set(BUILTIN_ACTS)):
        lines.append(f"  activation {a}(t) = {ACTS[a][0]};")
    for p, _, _, values in params(src):
        lines.append(f"  param {p} {dom(values)};")
    outs = set(outputs(src))
    for n in src.neurons:
        role = "output" if n.name in outs else "hidden"
        terms = [f"{wname(n, s)}*{s}" for s in n.sources] + [f"b_{n.name}"]
        lines.append(f"  {role} {n.name} {n.act} = {' + '.join(terms)};")
    lines += [f"  loss {src.loss};", f"  gamma {ex(src.gamma)};", "  data {"]
    lines += ["    " + " ".join(tok(v) for v in x) + " -> " + " ".join(tok(v) for v in y)
              for x, y in src.data]
    lines += ["  }", "}"]
    return "\n".join(lines)


def original_loss(src: Dnnt) -> str:
    cols = range(1, len(outputs(src)) + 1)
    if src.loss == "zero_one":
        return "if " + " and ".join(f"(not known({j}) or p({j}) = y({j}))" for j in cols) + \
            " then 0 else 1"
    term = "(y({j}) - p({j}))^2" if src.loss == "squared" else "abs(y({j}) - p({j}))"
    return " + ".join(f"(if known({j}) then {term.format(j=j)} else 0)" for j in cols)


# ---- the producer's own evaluation (for S_v and for witnesses) -----------------------------
def reachable(src: Dnnt) -> dict[str, set[Fraction]]:
    """S_v: every pre-activation value v takes on some original data point for some θ ∈ Θ
    (first layer: exactly; second layer: a superset, sources combined independently)."""
    out: dict[str, set[Fraction]] = {n.name: set() for n in src.neurons}
    for x, _ in src.data:
        values = dict(zip(inputs(src), ([Fraction(v)] for v in x)))
        post: dict[str, set[Fraction]] = {s: {v[0]} for s, v in values.items()}
        for n in src.neurons:
            sums = {Fraction(0)}
            for s, w in zip(n.sources, n.weights):
                sums = {a + c * z for a in sums for c in w for z in post[s]}
                if len(sums) > 20000:
                    raise ValueError("too many reachable values for the corrected variant")
            sums = {a + b for a in sums for b in n.bias}
            out[n.name] |= sums
            post[n.name] = {ACTS[n.act][1](v) for v in sums}
    return out


def mian_chowla(k: int) -> list[int]:
    """The first k terms of the Mian-Chowla Sidon sequence (all pairwise sums distinct)."""
    seq, sums, c = [], set(), 1
    while len(seq) < k:
        new = {c + a for a in seq} | {2 * c}
        if not new & sums:
            seq.append(c)
            sums |= new
        c += 1
    return seq


@dataclass
class Probe:
    param: str | None           # the probed parameter (corrected) / None (printed, index i)
    head: str                   # v
    tail: str | None            # the lit first-layer neuron (edge from a neuron), else None
    coord: int                  # the lit input coordinate, 1..d+2
    allowed: tuple              # the finite set z^v / f must lie in


def probes(src: Dnnt, variant: str) -> list[Probe]:
    d = src.d
    out = []
    if variant == "printed":
        for n in src.neurons:
            if first_layer(src, n):             # the edge (s, n), i = 1..d+1
                out += [Probe(None, n.name, None, i, w) for i, w in enumerate(n.weights, 1)]
                out.append(Probe(None, n.name, None, d + 1, n.bias))
            else:
                for j, (s, w) in enumerate(zip(n.sources, n.weights)):
                    out.append(Probe(None, n.name, s, d + 2, w))
                    out += [Probe(None, n.name, s, d + 2, (0,)) for _ in range(2, d + 1)]
                    out.append(Probe(None, n.name, s, d + 2, n.bias if j == 0 else (0,)))
        return out
    for p, n, s, values in params(src):
        if s is None:
            coord, tail = d + 1, None
        elif s.startswith("x"):
            coord, tail = int(s[1:]), None
        else:
            coord, tail = d + 2, s
        out += [Probe(p, n.name, tail, coord, values)] * 2
    return out


@dataclass
class Target:
    text: str
    columns: dict[str, int]
    f: list[int]
    encode: dict[str, str]       # extra parameters of I' (beyond the shared ones) and values


def target(src: Dnnt, variant: str) -> Target:
    validate(src)
    d, outs, hid = src.d, outputs(src), hidden(src)
    columns = {o: i for i, o in enumerate(outs, 1)}
    columns.update({h: len(outs) + i for i, h in enumerate(hid, 1)})
    ncol = len(columns)
    ps = probes(src, variant)
    M0 = m0(src)
    if variant == "printed":
        M = 2 * M0
        zone = 10 ** M
        f = [(k + 1) * (zone + 1) for k in range(len(ps))]
        big = M
        n_edges = sum(1 if first_layer(src, n) else len(n.sources) for n in src.neurons)
        penalty = (2 + src.gamma) * (1 + len(src.neurons)) * n_edges * (d + 1) * len(src.data)
        gamma2 = src.gamma + n_edges * (d + 1)
    else:
        S = reachable(src)
        allv = [abs(v) for s in S.values() for v in s] + \
               [abs(ACTS[n.act][1](v)) for n in src.neurons for v in S[n.name]] + [Fraction(1)]
        bound = max(allv)
        big = M0                                 # F_k = ±[f_k, M0·f_k] holds every w·f_k
        c = bound.numerator // bound.denominator + 1     # f_k > every |s|, |σ(s)|, s ∈ S_v
        m_min = min(v for v in allv if v != 0)
        Q = int(big * c / m_min) + 2
        f = [c * Q ** e for e in mian_chowla(len(ps))]
        penalty = max(src.gamma, 0) + 2
        gamma2 = src.gamma + len(ps)

    def in_range(k: int) -> str:
        lo, hi = dec(f[k]), dec(big * f[k])
        return f"(t >= {lo} and t <= {hi}) or (t <= -{lo} and t >= -{hi})"

    lines = ["instance J : training {",
             f"  input {', '.join(inputs(src) + [f'x{d + 1}', f'x{d + 2}'])};"]
    for n in src.neurons:
        sigma = ACTS[n.act][0]
        if variant == "printed":    # v ∉ P_e: v is not the lit tail of the probe
            dark = [k for k, p in enumerate(ps) if p.tail != n.name]
            body = f"if abs(t) < {dec(zone)} then {sigma}"
        else:
            dark = [k for k, p in enumerate(ps) if n.name not in (p.head, p.tail)]
            table = sorted(S[n.name])
            body = ("if " + " or ".join(f"t = {ex(v)}" for v in table) + f" then {sigma}") \
                if table else "if 1 = 0 then 0"
        if dark:
            body += " else if " + " or ".join(in_range(k) for k in dark) + " then 0"
        lines.append(f"  activation s_{n.name}(t) = {body} else t;")
    encode: dict[str, str] = {}
    for p, _, _, _ in params(src):
        lines.append(f"  param {p} real;")
    outs_set = set(outs)
    for n in src.neurons:
        if first_layer(src, n):
            terms = [f"{wname(n, s)}*{s}" for s in n.sources] + \
                    [f"b_{n.name}*x{d + 1}", f"l_{n.name}*x{d + 2}"]
            lines.append(f"  param l_{n.name} real;")
            encode[f"l_{n.name}"] = "1"
        else:
            terms = [f"{wname(n, s)}*{s}" for s in n.sources] + \
                    ([f"b_{n.name}"] if variant == "printed" else [f"b_{n.name}*x{d + 1}"])
        role = "output" if n.name in outs_set else "hidden"
        lines.append(f"  {role} {n.name} s_{n.name} = {' + '.join(terms)};")
    for h in hid:
        lines.append(f"  output c_{h} identity = 1*{h};")
    upstream = {n.name: [s for s in n.sources if not s.startswith("x")] for n in src.neurons}
    loss = original_loss(src)
    for k in reversed(range(len(ps))):
        p, fk = ps[k], dec(f[k])
        conds = []
        if p.tail is not None:
            conds.append(f"p({columns[p.tail]}) = {fk}")
        conds += [f"p({columns[q]}) = 0" for q in upstream[p.head] if q != p.tail]
        conds.append("(" + " or ".join(f"p({columns[p.head]}) = {ex(w * f[k])}"
                                      for w in sorted(set(p.allowed))) + ")")
        loss = f"if y(1) = {fk} then (if {' and '.join(conds)} then 1 else {ex(penalty)}) " \
               f"else ({loss})"
    lines += [f"  loss = {loss};", f"  gamma {ex(gamma2)};", "  data {"]
    for x, y in src.data:
        lines.append("    " + " ".join([tok(v) for v in x] + ["1", "0"]) + " -> " +
                     " ".join([tok(v) for v in y] + ["?"] * len(hid)))
    for k, p in enumerate(ps):
        xs = ["0"] * (d + 2)
        xs[p.coord - 1] = dec(f[k])
        lines.append("    " + " ".join(xs) + " -> " + " ".join([dec(f[k])] * ncol))
    lines += ["  }", "}"]
    return Target("\n".join(lines), columns, f, encode)


# ---- witnesses -----------------------------------------------------------------------------
def solution(src: Dnnt) -> dict[str, Fraction] | None:
    """A solution of I, by the (untrusted) D-NNT solvers."""
    from ..solvers import read_instance, solve_instance
    _, inst = read_instance(f"nncert 1;\n{source_text(src)}\nclaims {{ }}\nend\n")
    sol, _ = solve_instance(inst, "exhaustive")
    if sol is None:
        return None
    return {k: Fraction(int(v.p), int(v.q)) for k, v in sol.items()}


def backward_candidates(src: Dnnt, base: dict[str, Fraction], tgt: Target,
                        rng: random.Random) -> list[dict[str, str]]:
    """A few parameter vectors of I' near the encoding of `base`, one parameter moved off its
    set: to 0, halfway between values, to a tiny value, or to s/f_0 for a reachable s."""
    out = []
    S = reachable(src)
    tiny = Fraction(1, 2 * tgt.f[-1])
    for p, n, _, values in params(src):
        moves = [Fraction(0), Fraction(values[0]) + Fraction(1, 2), -tiny, tiny]
        moves += [s / tgt.f[0] for s in sorted(S[n.name]) if s != 0][:2]
        for m in moves:
            if m not in values:
                out.append((p, m))
    rng.shuffle(out)
    cands = []
    for p, m in out[:3]:
        theta = {k: ex(v) for k, v in base.items()}
        theta[p] = ex(m)
        theta.update(tgt.encode)
        cands.append(theta)
    return cands


def certificate(src: Dnnt, variant: str, header: str = "") -> str:
    import checker
    check_variant(variant)
    tgt = target(src, variant)
    theta = solution(src)
    shared = [p for p, _, _, _ in params(src)]
    lines = ["nncert 1;"]
    if header.strip():
        lines.append(header.rstrip())
    lines += [f"# 002 Theorem 1.2 ({variant}): the D-NNT instance I reduced to the C-NNT instance "
              "J (checker/reductions/dnnt_to_cnnt.py).",
              "# Columns of J: " + ", ".join(f"{c}={q}" for q, c in tgt.columns.items()),
              source_text(src), tgt.text]
    claims = []
    if theta is not None:
        lines.append("witness th for I { " + " ".join(f"{p} = {ex(theta[p])};" for p in shared)
                     + " }")
        lines.append("witness thj for J { " + " ".join(f"{p} = {ex(theta[p])};" for p in shared)
                     + " " + " ".join(f"{p} = {v};" for p, v in tgt.encode.items()) + " }")
        claims += ["solves(I, th);", "solves(J, thj);"]
        base = theta
    else:
        claims.append("refutes(I);")
        base = {p: Fraction(values[0]) for p, _, _, values in params(src)}
    seed = int(hashlib.sha256(repr((src, variant)).encode()).hexdigest()[:8], 16)
    doc_head = "nncert 1;\n" + source_text(src) + "\n" + tgt.text + "\n"
    found = 0
    for cand in backward_candidates(src, base, tgt, random.Random(seed)):
        wit = "witness b for J { " + " ".join(f"{p} = {v};" for p, v in cand.items()) + " }"
        trial = doc_head + wit + "\nclaims { solves(J, b); }\nend\n"
        if checker.check(trial).status == "ACCEPT":
            found += 1
            lines.append(wit.replace("witness b ", f"witness bj{found} "))
            lines.append(f"witness bi{found} for I {{ " +
                         " ".join(f"{p} = {cand[p]};" for p in shared) + " }")
            claims += [f"solves(J, bj{found});", f"solves(I, bi{found});"]
    lines += ["claims {", *[f"  {c}" for c in claims], "}", "end"]
    return "\n".join(lines) + "\n"


# ---- reading, generating, minimizing -------------------------------------------------------
def read_source(doc) -> Dnnt:
    """The first training instance of a document, if it has the supported shape."""
    from checker.kernel.problems.training import TrainingInstance
    inst = next((i for i in doc.instances.values() if isinstance(i, TrainingInstance)), None)
    if inst is None:
        raise ValueError("the document contains no training instance")
    if inst.loss.name not in LOSSES:
        raise ValueError(f"unsupported loss {inst.loss.name!r}; one of {', '.join(LOSSES)}")

    def ints(name):
        values = inst.params[name].values
        if values is None or any(v.q != 1 for v in values):
            raise ValueError(f"parameter {name!r} must have a finite set of integers")
        return tuple(int(v.p) for v in values)

    neurons = []
    for n in inst.neurons:
        if not isinstance(n.act, str):
            raise ValueError(f"neuron {n.name!r}: custom activations are not read")
        if len(n.biases) != 1 or n.biases[0].param is None or n.biases[0].sign < 0:
            raise ValueError(f"neuron {n.name!r} needs exactly one bias parameter")
        if any(w.param is None or w.sign < 0 for _, w in n.edges):
            raise ValueError(f"neuron {n.name!r}: every edge needs its own parameter")
        neurons.append(Neuron(n.name, n.act, tuple(s for s, _ in n.edges),
                              tuple(ints(w.param) for _, w in n.edges), ints(n.biases[0].param)))
    if inst.gamma.q != 1:
        raise ValueError("gamma must be an integer")
    q = lambda v: None if v is None else Fraction(int(v.p), int(v.q))   # noqa: E731
    renamed = {old: f"x{j}" for j, old in enumerate(inst.inputs, 1)}
    neurons = [replace(n, sources=tuple(renamed.get(s, s) for s in n.sources)) for n in neurons]
    src = Dnnt(len(inst.inputs), tuple(neurons), inst.loss.name, int(inst.gamma.p),
               tuple((tuple(q(v) for v in p.inputs), tuple(q(v) for v in p.outputs))
                     for p in inst.points))
    validate(src)
    return src


def random_source(rng) -> Dnnt:
    """A random source with M_0 <= 60 (see `_random_source`): the printed f(e, i) > 10^(2·M_0)
    has 2·M_0 digits, so larger numbers make instances the kernel cannot check in budget."""
    while True:
        src = _random_source(rng)
        if m0(src) <= 60:
            return src


def _random_source(rng) -> Dnnt:
    """Small layered instances over the paper's assumptions: integer sets with negative
    values, 0 and singletons, occasionally large numbers; relu, identity, threshold and custom
    activations (all map 0 to 0); d = 1 or 2; one or two layers; planted YES-instances."""
    d = rng.choice((1, 1, 2))
    xs = inputs_of(d)
    big = rng.random() < 0.1

    def values():
        pool = [-2, -1, 0, 1, 2, 3] + ([rng.randint(10, 40)] if big else [])
        return tuple(sorted(rng.sample(pool, rng.randint(1, 3))))

    n1 = rng.randint(1, 2)
    two = rng.random() < 0.5
    neurons = [Neuron(f"h{i}", rng.choice(list(ACTS)), tuple(xs),
                      tuple(values() for _ in xs), values()) for i in range(1, n1 + 1)]
    if two:
        for i in range(1, rng.randint(1, 2) + 1):
            srcs = tuple(n.name for n in neurons[:n1] if rng.random() < 0.8) or (neurons[0].name,)
            neurons.append(Neuron(f"o{i}", rng.choice(list(ACTS)), srcs,
                                  tuple(values() for _ in srcs), values()))
    src = Dnnt(d, tuple(neurons), rng.choice(LOSSES), rng.choice((0, 0, 1, 2)), ())
    data = []
    theta = {p: Fraction(rng.choice(v)) for p, _, _, v in params(src)}
    for _ in range(rng.randint(1, 2)):
        x = tuple(Fraction(rng.randint(-2, 3), rng.choice((1, 1, 2))) for _ in range(d))
        ys = evaluate(src, theta, x)
        if rng.random() < 0.3:
            ys = {k: v + 1 for k, v in ys.items()}
        y = tuple(ys[o] if rng.random() < 0.9 else None for o in outputs(src))
        data.append((x, y))
    return replace(src, data=tuple(data))


def inputs_of(d: int) -> list[str]:
    return [f"x{j}" for j in range(1, d + 1)]


def evaluate(src: Dnnt, theta: dict[str, Fraction], x) -> dict[str, Fraction]:
    """The source network's outputs at x (producer side, for planting targets)."""
    z = dict(zip(inputs(src), x))
    for n in src.neurons:
        pre = sum((theta[wname(n, s)] * z[s] for s in n.sources), Fraction(0))
        z[n.name] = ACTS[n.act][1](pre + theta[f"b_{n.name}"])
    return {o: z[o] for o in outputs(src)}


def minimize(src: Dnnt, fails) -> Dnnt:
    """Greedily drop data points, second-layer neurons and set values; simplify activations,
    inputs and gamma."""
    def candidates_of(src: Dnnt):
        out = []
        for i in range(len(src.data)):
            if len(src.data) > 1:
                out.append(replace(src, data=src.data[:i] + src.data[i + 1:]))
        outs = outputs(src)
        for i, n in enumerate(src.neurons):
            if not first_layer(src, n) or (n.name in outs and len(outs) > 1):
                keep = [m for m in src.neurons if m is not n]
                if keep and any(not children(replace(src, neurons=tuple(keep)), m.name)
                                for m in keep):
                    cols = [j for j, o in enumerate(outs) if o != n.name]
                    new_outs = [m.name for m in keep if not any(m.name in k.sources
                                                                for k in keep)]
                    if new_outs == [outs[j] for j in cols]:
                        out.append(replace(src, neurons=tuple(keep), data=tuple(
                            (x, tuple(y[j] for j in cols)) for x, y in src.data)))
            if n.act != "identity":
                out.append(_with(src, i, replace(n, act="identity")))
            for k, w in enumerate(n.weights):
                for v in w:
                    if len(w) > 1:
                        ws = n.weights[:k] + (tuple(u for u in w if u != v),) + n.weights[k + 1:]
                        out.append(_with(src, i, replace(n, weights=ws)))
            for v in n.bias:
                if len(n.bias) > 1:
                    out.append(_with(src, i, replace(n, bias=tuple(u for u in n.bias if u != v))))
        if src.gamma:
            out.append(replace(src, gamma=0))
        return out

    return shrink(src, fails, candidates_of)


def _with(src: Dnnt, i: int, n: Neuron) -> Dnnt:
    return replace(src, neurons=src.neurons[:i] + (n,) + src.neurons[i + 1:])
