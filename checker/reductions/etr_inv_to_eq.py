"""ETR-INV → ETR-INV-EQ (003 §3.1), with Level-2 identity proofs.

SOURCE: an ETR-INV formula — a conjunction of addition constraints x + y = z and inversion
constraints x·y = 1 over real variables — written as an ETR instance:

    instance S0 : etr { var x, y, z; formula x + y = z and x*y = 1; }

TARGET: ETR-INV-EQ, every constraint x^(±1) + y^(±1) − z^(±1) = 0, the inverted variables
declared `nonzero` (docs/LANGUAGE.md).

The paper's steps: (a) a variable in no addition constraint gets one, printed as "x + y = y
for a new variable y"; (b) if x is in two inversions x·y1 = 1, x·y2 = 1, replace y2 by y1;
(c) for every inversion x·y = 1, replace y by x⁻¹ and drop the constraint.  Steps (b) and (c)
amount to this: in each connected component of the graph of inversions, pick a root r (the
first variable declared); a variable at even distance from r equals r, one at odd distance
equals 1/r.  So every source variable v becomes base(v)^(±1).

Audit findings (docs/AUDIT.md), both kept in the `printed` variant:
- (a) as printed forces x = 0: "x + y = y" is x = 0, which contradicts any inversion of x;
  corrected: x + d − e = 0 with two new variables (d = 0, e = x);
- an odd cycle of inversions (x·x = 1, or x·y = y·z = z·x = 1) means r = 1/r, i.e. r = ±1;
  steps (b)/(c) silently drop it; corrected: two constraints r + t − s = 0 and r⁻¹ + t − s = 0
  with new t, s.

Proofs.  For every source variable v the producer writes an element A_v of the ideal of the
source's equations: v − r (even) or v·r − 1 (odd), built along a BFS tree of the component
(a child w of u through hyp h = u·w − 1: A_w = −w·A_u + h if u is even, −w·A_u + r·h if odd).
Forward goals are then M·(target constraint) = M·hyp[j] − Σ ± M·(v − base(v)^(±1)); backward
goals are the target's own hypotheses.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from . import shrink
from .laurent import Term, factor, full_denominator, without
from .stage import Stage, block, document, goal, terms_sum

VARIANTS = ("printed", "corrected")


@dataclass(frozen=True)
class EtrInv:
    variables: tuple[str, ...]
    constraints: tuple[tuple, ...]       # ("add", x, y, z) | ("inv", x, y)

    def __len__(self) -> int:
        return len(self.variables) + 3 * len(self.constraints)


@dataclass(frozen=True)
class EtrInvEq:
    variables: tuple[str, ...]
    nonzero: frozenset
    constraints: tuple[tuple, ...]       # ((v, e), (w, f), (u, g)): v^e + w^f − u^g = 0

    def __len__(self) -> int:
        return len(self.variables) + 3 * len(self.constraints)


# ---- reading and writing ----------------------------------------------------------------------
def render_source(src: EtrInv, name: str = "S0") -> str:
    atoms = [f"{c[1]} + {c[2]} = {c[3]}" if c[0] == "add" else f"{c[1]}*{c[2]} = 1"
             for c in src.constraints]
    return (f"instance {name} : etr {{\n  var {', '.join(src.variables)};\n"
            f"  formula {' and '.join(atoms)};\n}}")


def power(v: str, e: int) -> str:
    return v if e == 1 else f"{v}^-1"


def render_eq(eq: EtrInvEq, name: str = "S1") -> str:
    plain = [v for v in eq.variables if v not in eq.nonzero]
    inverted = [v for v in eq.variables if v in eq.nonzero]
    lines = [f"instance {name} : etr {{"]
    if inverted:
        lines.append(f"  var {', '.join(inverted)} nonzero;")
    if plain:
        lines.append(f"  var {', '.join(plain)};")
    atoms = [f"{power(*a)} + {power(*b)} - {power(*c)} = 0" for a, b, c in eq.constraints]
    lines += [f"  formula {' and '.join(atoms)};", "}"]
    return "\n".join(lines)


def read_source(doc) -> EtrInv:
    """The first ETR instance of a document, as an ETR-INV formula (ValueError otherwise)."""
    from checker.kernel.syntax import ast
    from checker.kernel.problems.etr import EtrInstance, atoms
    inst = next((i for i in doc.instances.values() if isinstance(i, EtrInstance)), None)
    if inst is None:
        raise ValueError("the document contains no etr instance")
    if inst.nonzero or any(d is not None for d in inst.domains.values()):
        raise ValueError("ETR-INV variables range over all reals")
    out = []
    for a in atoms(inst.formula):
        if type(a) is not ast.Cmp or a.op != "=":
            raise ValueError("an ETR-INV formula is a conjunction of equations")
        left, right = a.left, a.right
        if type(left) is ast.Sum and len(left.terms) == 2 and left.signs == [1, 1] \
                and all(type(t) is ast.Var for t in left.terms) and type(right) is ast.Var:
            out.append(("add", left.terms[0].name, left.terms[1].name, right.name))
        elif type(left) is ast.Product and left.ops == ["*", "*"] and len(left.factors) == 2 \
                and all(type(t) is ast.Var for t in left.factors) \
                and type(right) is ast.Num and right.value == 1:
            out.append(("inv", left.factors[0].name, left.factors[1].name))
        else:
            raise ValueError("each ETR-INV constraint is `x + y = z` or `x*y = 1`")
    return EtrInv(tuple(inst.variables), tuple(out))


def random_source(rng: random.Random) -> EtrInv:
    """Small formulas with what the proof passes over: a variable used twice in one
    constraint, variables in several inversions, only in inversions, in none, x·x = 1."""
    n = rng.randint(1, 5)
    names = tuple(f"x{i}" for i in range(1, n + 1))
    out = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.45:
            out.append(("inv", rng.choice(names), rng.choice(names)))
        else:
            out.append(("add", rng.choice(names), rng.choice(names), rng.choice(names)))
    return EtrInv(names, tuple(out))


def sized_source(n: int, seed: int) -> EtrInv:
    """A seeded random formula with n variables and n constraints, about 30 % inversions (the
    instances of bench/l2_growth.py)."""
    rng = random.Random(seed)
    names = tuple(f"x{i}" for i in range(1, n + 1))
    out = []
    for i in range(n):
        if rng.random() < 0.3:
            out.append(("inv", names[i], rng.choice(names)))
        else:
            out.append(("add", rng.choice(names), rng.choice(names), rng.choice(names)))
    return EtrInv(names, tuple(out))


def minimize(src: EtrInv, fails) -> EtrInv:
    def smaller(s: EtrInv):
        for i in range(len(s.constraints)):
            rest = s.constraints[:i] + s.constraints[i + 1:]
            if rest:
                yield EtrInv(s.variables, rest)
        used = {v for c in s.constraints for v in c[1:]}
        unused = [v for v in s.variables if v not in used]
        if unused:
            yield EtrInv(tuple(v for v in s.variables if v in used), s.constraints)
    return shrink(src, fails, smaller)


# ---- the construction ---------------------------------------------------------------------------
def _fresh(taken: set[str]):
    k = 0
    while True:
        k += 1
        name = f"aux{k}"
        if name not in taken:
            taken.add(name)
            yield name


def reduce(src: EtrInv, variant: str) -> tuple[EtrInvEq, Stage]:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    adjacency: dict[str, list[tuple[str, int]]] = {}
    for k, c in enumerate(src.constraints, start=1):
        if c[0] == "inv":
            adjacency.setdefault(c[1], []).append((c[2], k))
            adjacency.setdefault(c[2], []).append((c[1], k))
    parity: dict[str, int] = {}
    root: dict[str, str] = {}
    ideal: dict[str, str] = {}          # A_v: v - r (even) or v*r - 1 (odd), in the ideal
    odd: dict[str, str] = {}            # root -> r^2 - 1 in the ideal (odd cycles)
    for v in src.variables:
        if v in parity:
            continue
        parity[v], root[v], ideal[v] = 0, v, "0"
        queue = [v]
        while queue:
            u = queue.pop(0)
            for w, k in adjacency.get(u, []):
                h = f"hyp[{k}]"
                if w not in parity:
                    parity[w], root[w] = 1 - parity[u], v
                    ideal[w] = terms_sum([("-", f"{w}*({ideal[u]})" if ideal[u] != "0" else ""),
                                          ("+", h if parity[u] == 0 else f"{v}*{h}")])
                    queue.append(w)
                elif parity[w] == parity[u] and v not in odd:
                    if parity[u] == 0:
                        odd[v] = terms_sum([("+", h), ("-", f"{u}*({ideal[w]})"),
                                            ("-", f"{v}*({ideal[u]})")])
                    else:
                        odd[v] = terms_sum([("-", f"{v}^2*{h}"), ("+", f"{w}*{v}*({ideal[u]})"),
                                            ("+", ideal[w])])

    def base(x: str) -> tuple[str, int]:
        return root[x], 1 if parity[x] == 0 else -1

    fresh = _fresh(set(src.variables))
    constraints: list[tuple] = []
    origin: list[tuple] = []            # why each target constraint exists
    for j, c in enumerate(src.constraints, start=1):
        if c[0] == "add":
            constraints.append((base(c[1]), base(c[2]), base(c[3])))
            origin.append(("add", j, c))
    in_addition = {v for c in src.constraints if c[0] == "add" for v in c[1:]}
    encode_aux: list[tuple[str, str]] = []
    for v in src.variables:
        if v in in_addition:
            continue
        d = next(fresh)
        if variant == "printed":                       # "x + y = y for a new variable y"
            constraints.append((base(v), (d, 1), (d, 1)))
            encode_aux.append((d, "0"))
        else:
            e = next(fresh)
            constraints.append((base(v), (d, 1), (e, 1)))
            encode_aux += [(d, "0"), (e, v)]
        origin.append(("dummy", v))
    if variant == "corrected":
        for r in odd:
            t, s = next(fresh), next(fresh)
            constraints += [((r, 1), (t, 1), (s, 1)), ((r, -1), (t, 1), (s, 1))]
            origin += [("odd+", r), ("odd-", r)]
            encode_aux += [(t, "0"), (s, r)]
    roots = [v for v in src.variables if root[v] == v]
    variables = tuple(roots + [n for n, _ in encode_aux])
    nonzero = frozenset(t[0] for c in constraints for t in c if t[1] == -1)
    eq = EtrInvEq(variables, nonzero, tuple(constraints))

    encode = [(r, r) for r in roots] + encode_aux
    decode = [(v, root[v] if parity[v] == 0 else f"1/{root[v]}") for v in src.variables]

    forward = []
    for b in sorted(nonzero, key=variables.index):
        member = next((w for w in src.variables if root[w] == b and parity[w] == 1), None)
        forward.append(f"nonzero {b} inverse {member} by {ideal[member]};" if member
                       else f"nonzero {b} inverse {b} by {odd.get(b, '0')};")
    odd_index: dict[str, tuple[int, int]] = {}
    for k, (why, c) in enumerate(zip(origin, constraints), start=1):
        if why[0] == "add":
            forward.append(_forward_addition(k, why[1], why[2], base, ideal))
        elif why[0] == "dummy":
            v = why[1]
            b, e = base(v)
            terms: list[Term] = [(1, (b,), ()) if e == 1 else (1, (), (b,)), (-1, (v,), ())]
            forward.append(goal(k, factor(terms), terms_sum([("-", ideal[v])])))
        elif why[0] == "odd-":
            r = why[1]
            forward.append(goal(k, factor([(1, (), (r,)), (-1, (r,), ())]),
                                terms_sum([("-", odd[r])])))
            odd_index[r] = (k - 1, k)
        # odd+: r + 0 - r is identically 0
    backward = []
    for j, c in enumerate(src.constraints, start=1):
        if c[0] == "add":
            k = next(i for i, w in enumerate(origin, start=1) if w[:2] == ("add", j))
            backward.append(f"goal {j} by hyp[{k}];")
        elif parity[c[1]] == parity[c[2]]:
            r = root[c[1]]
            p, q = odd_index.get(r, (0, 0))
            combo = "0" if not p else (f"{r}*hyp[{p}] - hyp[{q}]" if parity[c[1]] == 0
                                      else f"hyp[{q}] - {r}*hyp[{p}]")
            backward.append(f"goal {j} by {combo};")
    return eq, Stage(render_eq(eq), encode, decode, forward, backward)


def _forward_addition(k: int, j: int, c: tuple, base, ideal) -> str:
    """Target constraint k came from source constraint j: x + y = z."""
    signs = (1, 1, -1)
    terms: list[Term] = []
    for sign, v in zip(signs, c[1:]):
        b, e = base(v)
        terms.append((sign, (b,), ()) if e == 1 else (sign, (), (b,)))
    full = full_denominator(terms)
    m = "*".join(full)
    parts = [("+", f"{m}*hyp[{j}]" if m else f"hyp[{j}]")]
    for sign, v in zip(signs, c[1:]):
        b, e = base(v)
        if ideal[v] == "0":
            continue
        scale = (m if e == 1 else without(full, b)) if full else ""
        text = f"{scale}*({ideal[v]})" if scale and scale != "1" else ideal[v]
        parts.append(("-" if sign == 1 else "+", text))
    return goal(k, factor(terms), terms_sum(parts))


# ---- the certificate -------------------------------------------------------------------------
def certificate(src: EtrInv, variant: str, header: str = "") -> str:
    eq, stage = reduce(src, variant)
    comments = [f"ETR-INV -> ETR-INV-EQ (003 section 3.1), variant {variant!r}.",
                "corresponds(R1): every real solution of S0 maps to one of S1 and back,",
                "by polynomial identities the kernel checks."]
    return document(header, comments, [render_source(src), stage.target,
                                       block("R1", "S0", "S1", stage)], ["corresponds(R1);"])
