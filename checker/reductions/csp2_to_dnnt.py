"""Binary CSP (2-CSP) → D-NNT (002, Theorem 1.4), as printed and corrected.

The SOURCE is written as a finite-domain ETR instance: the alphabet Σ is {1, ..., n} (as
integers), one variable per vertex of the constraint graph, and one `formula` statement per
constraint C_(u,v), the disjunction of its allowed pairs:

    instance S : etr {
      var x1, x2, x3 in {1, 2, 3};                  # V = {x1, x2, x3}, Σ = {1, 2, 3}
      formula (x1 = 1 and x2 = 2) or (x1 = 3 and x2 = 3);   # C_(x1,x2) = {(1,2), (3,3)}
      formula (x2 = 1 and x3 = 1);                  # C_(x2,x3) = {(1,1)}
    }

`read_source` reads the first etr instance of a document in this shape: every variable has the
domain {1, ..., n}; the formula is a conjunction of constraints, each a disjunction of pairs
`(xu = a and xv = b)` (the first pair fixes the order (u, v); a lone pair needs no `or`).
Variables in no constraint, the same pair constrained twice, both (u, v) and (v, u), and
self-loops (u, u) (pairs `(xu = a and xu = b)`) are allowed; an empty constraint is not (the
paper requires C_e ≠ ∅, and it could not name its pair).  `read_source` takes g = identity.

The TARGET is the paper's two-layer network: input s; a hidden neuron h_v per variable with
the edge (s, h_v) of weight w_v ∈ {1, ..., n}; an output t_e per constraint e = (u, v) with
the edges (h_u, t_e) of weight u_e ∈ {1} and (h_v, t_e) of weight v_e ∈ {2n}; every edge has
its own bias ∈ {0}; identity activations; one data point (1; 1, ..., 1); γ = 1; and the loss
L = 1 if for every e, (g⁻¹(ℓ_e), g⁻¹(m_e)) ∈ C_e with ℓ_e = f_e mod 2n, m_e = (f_e − ℓ_e)/2n,
else 2.  g : Σ → {1..n} is "an arbitrary bijection": the audit draws it at random.  In the loss,
g⁻¹(ℓ) = a is written ℓ = g(a) (the same condition, g being a bijection onto {1..n}).

Maps: encode w_v = g(x_v) (the proof's w_(s,h_v) = g(φ(v))); decode, `printed`: x_v = w_v (the
proof's φ(v) = w_(s,h_v)); `corrected`: x_v = g⁻¹(w_v).

`printed` is WRONG for g ≠ identity: the decoding forgets g⁻¹ (docs/AUDIT.md).  Its loss is
also never 0, although the paper's model demands L(a, b) = 0 iff a = b; `corrected` adds the
case "0 if f = y" (never taken: f_e ≥ 2n + 1 > 1 = y_e), which changes no verdict.

Details the paper leaves open, designed here: the outputs' activation is not given (identity,
as the proof's f_e = g(φ(u)) + 2n·g(φ(v)) assumes); for a self-loop e = (u, u) the two edges
(h_u, t_e) coincide and get the weight spaces {1} and {2n} at once: we write the multigraph
reading, one edge of weight 2n + 1 (= 1 + 2n) and one bias, in both variants.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from . import shrink
from .subset_sum_to_dnnt import (VARIANTS, _q, check_variant, domain_of, first_etr, integer,
                                 render)

__all__ = ["VARIANTS", "Csp", "certificate", "read_source", "random_source", "minimize"]


@dataclass(frozen=True)
class Csp:
    n: int                                                   # Σ = {1..n}
    nvars: int                                               # variables x1..x_nvars
    constraints: tuple[tuple[int, int, frozenset], ...]      # (u, v, allowed pairs (a, b))
    g: tuple[int, ...] = ()                                  # g(a) = g[a-1]; () = identity

    def gmap(self) -> tuple[int, ...]:
        return self.g or tuple(range(1, self.n + 1))

    def __len__(self) -> int:
        moved = sum(1 for a, b in enumerate(self.gmap(), start=1) if a != b)
        loops = sum(1 for u, v, _ in self.constraints if u == v)
        # a self-loop counts extra: it is outside the paper's constraint graphs (our multigraph
        # reading), so a counterexample without one is preferred when the audit has both
        return (3 * self.n + 2 * self.nvars + 3 * len(self.constraints)
                + sum(len(c) for _, _, c in self.constraints) + moved + 4 * loops)


def solution(src: Csp) -> tuple[int, ...] | None:
    for phi in itertools.product(range(1, src.n + 1), repeat=src.nvars):
        if all((phi[u - 1], phi[v - 1]) in c for u, v, c in src.constraints):
            return phi
    return None


def source_text(src: Csp) -> str:
    xs = [f"x{i}" for i in range(1, src.nvars + 1)]
    lines = ["instance S : etr {",
             f"  var {', '.join(xs)} in {{{', '.join(str(a) for a in range(1, src.n + 1))}}};"]
    for u, v, c in src.constraints:
        pairs = " or ".join(f"(x{u} = {a} and x{v} = {b})" for a, b in sorted(c))
        lines.append(f"  formula {pairs};")
    lines.append("}")
    return "\n".join(lines)


def _table(var: str, keys, values) -> str:
    """`if var = k1 then v1 else if ... else vn` (a finite map on the domain of var)."""
    pairs = list(zip(keys, values))
    if all(k == v for k, v in pairs):
        return var
    out = str(pairs[-1][1])
    for k, v in reversed(pairs[:-1]):
        out = f"if {var} = {k} then {v} else {out}"
    return out


def loss_text(src: Csp, variant: str) -> str:
    g, two_n = src.gmap(), 2 * src.n
    conds = []
    for i, (u, v, c) in enumerate(src.constraints, start=1):
        ell = f"mod(p({i}), {two_n})"
        m = f"(p({i}) - mod(p({i}), {two_n})) / {two_n}"
        pairs = [f"({ell} = {g[a - 1]} and {m} = {g[b - 1]})" for a, b in sorted(c)]
        conds.append("(" + " or ".join(pairs) + ")")
    printed = "\n    if " + "\n      and ".join(conds) + "\n    then 1 else 2"
    if variant == "printed":
        return printed
    return f"if forall(i, p(i) = y(i)) then 0 else ({printed})"


def certificate(src: Csp, variant: str, header: str = "") -> str:
    check_variant(variant)
    if not src.constraints:
        raise ValueError("a 2-CSP needs at least one constraint (the network needs an output)")
    if any(not c for _, _, c in src.constraints):
        raise ValueError("every constraint allows at least one pair (002: C_e is non-empty)")
    n, g = src.n, src.gmap()
    dom = "{" + ", ".join(str(a) for a in range(1, n + 1)) + "}"
    params, neurons = [], []
    for v in range(1, src.nvars + 1):
        params += [f"  param w{v} {dom};", f"  param b{v} {{0}};"]
        neurons.append(f"  hidden h{v} identity = w{v}*s + b{v};")
    fixed = []                                  # (name, value) of the one-value parameters
    for e, (u, v, _) in enumerate(src.constraints, start=1):
        if u == v:                              # self-loop: one edge of weight 1 + 2n
            params += [f"  param u{e} {{{2 * n + 1}}};", f"  param ub{e} {{0}};"]
            fixed += [(f"u{e}", 2 * n + 1), (f"ub{e}", 0)]
            neurons.append(f"  output t{e} identity = u{e}*h{u} + ub{e};")
        else:
            params += [f"  param u{e} {{1}};", f"  param ub{e} {{0}};",
                       f"  param v{e} {{{2 * n}}};", f"  param vb{e} {{0}};"]
            fixed += [(f"u{e}", 1), (f"ub{e}", 0), (f"v{e}", 2 * n), (f"vb{e}", 0)]
            neurons.append(f"  output t{e} identity = u{e}*h{u} + ub{e} + v{e}*h{v} + vb{e};")
    k = len(src.constraints)
    target = "\n".join([
        "instance T : training {",
        "  input s;",
        *params, *neurons,
        f"  loss = {loss_text(src, variant)};",
        "  gamma 1;",
        "  data {",
        f"    1 -> {' '.join(['1'] * k)}",
        "  }",
        "}"])
    symbols = list(range(1, n + 1))
    encode = []
    for v in range(1, src.nvars + 1):
        encode += [(f"w{v}", _table(f"x{v}", symbols, g)), (f"b{v}", "0")]
    encode += [(name, str(val)) for name, val in fixed]
    ginv = {g[a - 1]: a for a in symbols}
    decode = []
    for v in range(1, src.nvars + 1):
        if variant == "printed":
            decode.append((f"x{v}", f"w{v}"))
        else:
            decode.append((f"x{v}", _table(f"w{v}", symbols, [ginv[w] for w in symbols])))
    phi = solution(src)
    witness = None
    if phi is not None:
        wt = []
        for v, a in enumerate(phi, start=1):
            wt += [(f"w{v}", str(g[a - 1])), (f"b{v}", "0")]
        witness = ([(f"x{v}", str(a)) for v, a in enumerate(phi, start=1)],
                   wt + [(name, str(val)) for name, val in fixed])
    loops = any(u == v for u, v, _ in src.constraints)
    comments = [
        f"002 Theorem 1.4 ({variant}): a 2-CSP over the alphabet {{1..{n}}} with {src.nvars} "
        f"variable(s) and {k} constraint(s)",
        f"as a D-NNT instance, with g = ({', '.join(f'{a}->{g[a - 1]}' for a in symbols)}): "
        f"edge s -> h_v of weight w_v in {{1..{n}}};",
        "per constraint e = (u, v) an output t_e, with the edges h_u -> t_e of weight u_e = 1",
        f"and h_v -> t_e of weight v_e = 2n = {2 * n}" + (";" if not loops else ""),
        *([f"(a self-loop (u, u): one edge of weight 2n + 1 = {2 * n + 1});"] if loops else []),
        "every edge bias 0; identity activations; data (1; 1..1); gamma 1; loss 1 if every",
        "(g^-1(f_e mod 2n), g^-1((f_e - f_e mod 2n)/2n)) is in C_e, else 2"
        + (" (and 0 if f = y)." if variant != "printed" else "."),
        "encode w_v = g(x_v); decode x_v = " + ("w_v (as printed)." if variant == "printed"
                                                 else "g^-1(w_v)."),
        "The source " + ("has a solution: witnesses both ways." if phi is not None
                         else "has no solution: both sides refuted."),
    ]
    return render(header, comments, source_text(src), target, encode, decode, witness)


# ---- reading a source document ----------------------------------------------------------------
def _pair(e) -> tuple[tuple[str, int], tuple[str, int]]:
    """((xu, a), (xv, b)) of `xu = a and xv = b`; ValueError otherwise."""
    from checker.kernel.syntax import ast
    if not (type(e) is ast.BoolOp and e.op == "and" and len(e.args) == 2):
        raise ValueError("an allowed pair is written `(xu = a and xv = b)`")
    out = []
    for c in e.args:
        if not (type(c) is ast.Cmp and c.op == "=" and type(c.left) is ast.Var
                and type(c.right) is ast.Num):
            raise ValueError("an allowed pair is written `(xu = a and xv = b)`, a and b symbols")
        out.append((c.left.name, integer(_q(c.right.value), "a symbol")))
    return out[0], out[1]


def _constraint(e, index: dict[str, int]) -> tuple[int, int, frozenset]:
    from checker.kernel.syntax import ast
    alternatives = e.args if type(e) is ast.BoolOp and e.op == "or" else [e]
    u = v = None
    pairs = set()
    for alt in alternatives:
        (x, a), (y, b) = _pair(alt)
        if x not in index or y not in index:
            raise ValueError(f"a constraint mentions {x if x not in index else y!r}, "
                             f"which is not a variable")
        if u is None:
            u, v = index[x], index[y]
        if (index[x], index[y]) == (u, v):
            pairs.add((a, b))
        elif (index[y], index[x]) == (u, v):
            pairs.add((b, a))
        else:
            raise ValueError("all pairs of one constraint name the same two variables")
    return u, v, frozenset(pairs)


def read_source(doc) -> Csp:
    """Alphabet, variables and constraints of the first etr instance (g = identity)."""
    from checker.kernel.syntax import ast
    inst = first_etr(doc)
    xs = list(inst.variables)
    if not xs:
        raise ValueError("a 2-CSP source needs at least one variable")
    doms = {x: domain_of(inst, x) for x in xs}
    n = len(doms[xs[0]])
    if any(d != list(range(1, n + 1)) for d in doms.values()):
        raise ValueError("every variable must have the domain {1, ..., n} (the alphabet)")
    index = {x: i for i, x in enumerate(xs, start=1)}
    f = inst.formula
    try:
        parts = [_constraint(f, index)]          # one constraint (possibly a lone pair)
    except ValueError:
        parts = [_constraint(c, index) for c in
                 (f.args if type(f) is ast.BoolOp and f.op == "and" else [f])]
    for _, _, c in parts:
        if any(not (1 <= a <= n and 1 <= b <= n) for a, b in c):
            raise ValueError("a constraint allows a symbol outside the alphabet")
    return Csp(n, len(xs), tuple(parts))


# ---- the audit ------------------------------------------------------------------------------------
def random_source(rng) -> Csp:
    """Small instances (both spaces n^|V| ≤ 1024) biased towards the glossed cases: a random g
    (often not the identity), variables in no constraint, the same pair constrained twice,
    (u, v) and (v, u), self-loops, one-letter alphabets, full and single-pair relations."""
    n = rng.choice([1, 2, 2, 3, 3, 4])
    nvars = 1 if rng.random() < 0.08 else rng.randint(2, {1: 5, 2: 5, 3: 5, 4: 4}[n])
    constraints = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if constraints and r < 0.15:
            u, v, _ = rng.choice(constraints)               # the same pair again
        elif constraints and r < 0.25:
            v, u, _ = rng.choice(constraints)               # the reversed pair
        elif r < 0.32 or nvars == 1:
            u = v = rng.randint(1, nvars)                   # a self-loop
        else:
            u, v = rng.sample(range(1, nvars + 1), 2)
        everything = [(a, b) for a in range(1, n + 1) for b in range(1, n + 1)]
        if rng.random() < 0.1:
            pairs = everything
        else:
            pairs = rng.sample(everything, rng.randint(1, min(len(everything), 3)))
        constraints.append((u, v, frozenset(pairs)))
    g = list(range(1, n + 1))
    if rng.random() < 0.7:
        rng.shuffle(g)
    return Csp(n, nvars, tuple(constraints), tuple(g))


def minimize(src: Csp, fails) -> Csp:
    """Greedily drop constraints, allowed pairs, unused variables and symbols, and simplify g,
    while `fails` holds."""
    def drop_var(s: Csp, x: int) -> Csp:
        shift = lambda y: y - 1 if y > x else y             # noqa: E731
        return Csp(s.n, s.nvars - 1, tuple((shift(u), shift(v), c) for u, v, c in s.constraints),
                   s.g)

    def drop_symbol(s: Csp, a: int) -> Csp | None:
        shift = lambda y: y - 1 if y > a else y             # noqa: E731
        cons = []
        for u, v, c in s.constraints:
            c2 = frozenset((shift(x), shift(y)) for x, y in c if a not in (x, y))
            if not c2:
                return None
            cons.append((u, v, c2))
        g = [y for b, y in enumerate(s.gmap(), start=1) if b != a]
        ranks = {y: r for r, y in enumerate(sorted(g), start=1)}
        return Csp(s.n - 1, s.nvars, tuple(cons), tuple(ranks[y] for y in g))

    def transpositions(s: Csp):
        for i in range(s.n):
            for j in range(i + 1, s.n):
                h = list(range(1, s.n + 1))
                h[i], h[j] = h[j], h[i]
                yield Csp(s.n, s.nvars, s.constraints, tuple(h))
        yield Csp(s.n, s.nvars, s.constraints, tuple(range(1, s.n + 1)))

    def candidates_of(src):
        candidates = []
        cs = src.constraints
        for i in range(len(cs)):
            if len(cs) > 1:
                candidates.append(Csp(src.n, src.nvars, cs[:i] + cs[i + 1:], src.g))
            u, v, c = cs[i]
            for p in c:
                if len(c) > 1:
                    candidates.append(Csp(src.n, src.nvars,
                                          cs[:i] + ((u, v, c - {p}),) + cs[i + 1:], src.g))
        used = {x for u, v, _ in cs for x in (u, v)}
        candidates += [drop_var(src, x) for x in range(1, src.nvars + 1)
                       if x not in used and src.nvars > 1]
        if src.n > 1:
            candidates += [c for a in range(1, src.n + 1) if (c := drop_symbol(src, a))]
        candidates += list(transpositions(src))
        return candidates

    return shrink(src, fails, candidates_of)
