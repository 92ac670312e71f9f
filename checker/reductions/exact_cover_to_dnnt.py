"""EXACT SET COVER with cardinality K → D-NNT (002, Theorem 1.5), as printed; the audit found
no deviation, so `corrected` is the same construction.

The SOURCE is written as a finite-domain ETR instance, one 0/1 variable per set
(x_j = 1 iff S_j is chosen), one equation per element and the cardinality equation last:

    instance S : etr {
      var x1, x2, x3, x4 in {0, 1};
      formula x1 + x3 = 1;              # u1 lies in S1 and S3: covered exactly once
      formula x2 + x3 = 1;              # u2 lies in S2 and S3
      formula 0 = 1;                    # u3 lies in no set (never covered)
      formula x1 + x2 + x3 + x4 = 2;    # K = 2 sets are chosen
    }

`read_source` reads the first etr instance of a document in this shape: a conjunction (one
`formula` statement per equation, or `and`) of equations whose variables have domain {0, 1}
and coefficient 1; the LAST equation is the cardinality constraint and must contain every
variable; each earlier equation (right side 1) is an element, in order u1, u2, ...  Empty
sets (variables in no element equation), duplicate sets, elements in no set, an empty
universe and K = 0 are all allowed.

The TARGET is the paper's network.  Theorem 1.5 speaks of "one input", but the construction
has input dimension m (one coordinate per set, x_i[j] = 1 iff u_i ∈ S_j) and a weight vector
W_(s,h)[j] = {0, 1} on the edge (s, h).  The nncert language has one input neuron per
coordinate, so the one input vertex s of dimension m is written as m input neurons x[1..m],
with the weight vector's entries as the parameters w1..wm (all {0, 1}) and the edge's one
bias b ∈ {0}; one hidden neuron h (identity); the edge (h, t) with weight v ∈ {1} and bias
c ∈ {0}; the output t (identity); squared loss; γ = 0; the data point x_0 = (1, ..., 1) with
target K first, then one data point (x_i; 1) per element.

Maps: encode w_j = x_j (the proof's w[j] = 1 iff S_j ∈ S*), b = c = 0, v = 1; decode
x_j = [w_j = 1] (the proof's S* = {S_j | w[j] = 1}).

Details the paper leaves open, designed here (docs/AUDIT.md): the output t's activation is not
given (σ^v is listed for v ∉ {s, t}; the proof computes f_θ(x) = w·x, so identity); the loss is
printed "(f_θ(x) y)^2", read as (f_θ(x) − y)², `loss squared`; "K sets S_1, ..., S_K" is read as
K DISTINCT members of the collection (a 0/1 choice per set) — with repetitions allowed, an
empty set could be chosen several times and a YES-instance would map to a NO-instance.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from . import shrink
from .subset_sum_to_dnnt import (VARIANTS, check_variant, conjuncts, domain_of, equation,
                                 first_etr, integer, render)

__all__ = ["VARIANTS", "ExactCover", "certificate", "read_source", "random_source", "minimize"]


@dataclass(frozen=True)
class ExactCover:
    n: int                                   # elements u_1..u_n
    sets: tuple[frozenset[int], ...]         # S_1..S_m, subsets of {1..n}
    k: int                                   # the cardinality K

    def __len__(self) -> int:
        return 2 * len(self.sets) + 2 * self.n + sum(len(s) for s in self.sets) + self.k


def solution(src: ExactCover) -> tuple[int, ...] | None:
    """A 0/1 choice of K sets covering every element exactly once (brute force)."""
    for xs in itertools.product((0, 1), repeat=len(src.sets)):
        if sum(xs) != src.k:
            continue
        if all(sum(x for x, s in zip(xs, src.sets) if u in s) == 1
               for u in range(1, src.n + 1)):
            return xs
    return None


def source_text(src: ExactCover) -> str:
    m = len(src.sets)
    xs = [f"x{j}" for j in range(1, m + 1)]
    lines = ["instance S : etr {", f"  var {', '.join(xs)} in {{0, 1}};"]
    for u in range(1, src.n + 1):
        members = [j for j, s in enumerate(src.sets, start=1) if u in s]
        lhs = " + ".join(f"x{j}" for j in members) or "0"
        where = ", ".join(f"S{j}" for j in members) or "no set"
        lines.append(f"  formula {lhs} = 1;    # u{u} lies in {where}")
    lines.append(f"  formula {' + '.join(xs)} = {src.k};    # K = {src.k}")
    lines.append("}")
    return "\n".join(lines)


def certificate(src: ExactCover, variant: str, header: str = "") -> str:
    check_variant(variant)
    m = len(src.sets)
    if m == 0:
        raise ValueError("EXACT COVER needs at least one set (the network needs an input)")
    ws = [f"w{j}" for j in range(1, m + 1)]
    rows = [" ".join(["1"] * m) + f" -> {src.k}"]
    for u in range(1, src.n + 1):
        rows.append(" ".join("1" if u in s else "0" for s in src.sets) + " -> 1")
    target = "\n".join([
        "instance T : training {",
        f"  input x[{m}];",
        f"  param {', '.join(ws)} {{0, 1}};",
        "  param b {0};",
        "  param v {1};",
        "  param c {0};",
        "  hidden h identity = " + " + ".join(f"w{j}*x[{j}]" for j in range(1, m + 1)) + " + b;",
        "  output t identity = v*h + c;",
        "  loss squared;",
        "  gamma 0;",
        "  data {",
        *[f"    {r}" for r in rows],
        "  }",
        "}"])
    encode = [(f"w{j}", f"x{j}") for j in range(1, m + 1)] + [("b", "0"), ("v", "1"), ("c", "0")]
    decode = [(f"x{j}", f"if w{j} = 1 then 1 else 0") for j in range(1, m + 1)]
    xs = solution(src)
    witness = None
    if xs is not None:
        witness = ([(f"x{j}", str(x)) for j, x in enumerate(xs, start=1)],
                   [(f"w{j}", str(x)) for j, x in enumerate(xs, start=1)]
                   + [("b", "0"), ("v", "1"), ("c", "0")])
    sets = ", ".join("{" + ", ".join(f"u{u}" for u in sorted(s)) + "}" for s in src.sets)
    comments = [
        f"002 Theorem 1.5 ({variant}): EXACT COVER of u1..u{src.n} by K = {src.k} of the sets",
        f"{sets}",
        "as a D-NNT instance: the input vertex s of dimension m is written as m input neurons",
        "x[1..m] (one per set); the edge (s, h) has weight vector w in {0, 1}^m and bias 0; the",
        "edge (h, t) weight 1; identity activations, squared loss, gamma 0; data (1..1; K) and",
        "(x_i; 1) per element, x_i[j] = 1 iff u_i is in S_j.  encode w_j = x_j; decode",
        "x_j = [w_j = 1].  The source " + ("has a solution: witnesses both ways."
                                           if xs is not None
                                           else "has no solution: both sides refuted."),
    ]
    return render(header, comments, source_text(src), target, encode, decode, witness)


def read_source(doc) -> ExactCover:
    """Sets, elements and K of the first etr instance (element equations, cardinality last)."""
    inst = first_etr(doc)
    xs = list(inst.variables)
    for x in xs:
        if domain_of(inst, x) != [0, 1]:
            raise ValueError(f"variable {x!r} must have the domain {{0, 1}}")
    equations = [equation(c) for c in conjuncts(inst.formula)]
    members: list[set[str]] = []
    for coeffs, rhs in equations:
        extra = sorted(set(coeffs) - set(xs))
        if extra:
            raise ValueError(f"an equation mentions {extra[0]!r}, which is not a variable")
        if any(v not in (0, 1) for v in coeffs.values()):
            raise ValueError("every coefficient of an EXACT COVER equation is 1")
        members.append({x for x, v in coeffs.items() if v == 1})
    *elements, (card_coeffs, k) = equations
    if members[-1] != set(xs):
        raise ValueError("the last equation (the cardinality K) must contain every variable")
    for coeffs, rhs in elements:
        if rhs != 1:
            raise ValueError("an element equation has right-hand side 1 (covered exactly once)")
    index = {x: j for j, x in enumerate(xs)}
    sets = [set() for _ in xs]
    for u, mem in enumerate(members[:-1], start=1):
        for x in mem:
            sets[index[x]].add(u)
    return ExactCover(len(elements), tuple(frozenset(s) for s in sets),
                      integer(Fraction(k), "K"))


def random_source(rng) -> ExactCover:
    """At most 8 sets over at most 6 elements, biased towards the glossed cases: empty sets,
    duplicate sets, elements in no set, an empty universe, K = 0, K > m, planted covers."""
    n = rng.randint(0, 6) if rng.random() < 0.9 else 0
    sets: list[frozenset[int]] = []
    planted = rng.random() < 0.5 and n > 0
    if planted:                                   # a random partition of U
        blocks: dict[int, set[int]] = {}
        for u in range(1, n + 1):
            blocks.setdefault(rng.randrange(rng.randint(1, n)), set()).add(u)
        sets.extend(frozenset(b) for b in blocks.values())
    for _ in range(rng.randint(0 if sets else 1, 4)):
        r = rng.random()
        if sets and r < 0.15:
            sets.append(rng.choice(sets))         # a duplicate set
        elif r < 0.3:
            sets.append(frozenset())              # a set covering nothing
        else:
            sets.append(frozenset(u for u in range(1, n + 1) if rng.random() < 0.4))
    sets = sets[:8]
    rng.shuffle(sets)
    if planted and rng.random() < 0.7:
        k = len(blocks) + (sum(1 for s in sets if not s) if rng.random() < 0.2 else 0)
    elif rng.random() < 0.2:
        k = 0
    else:
        k = rng.randint(0, len(sets) + 1)
    return ExactCover(n, tuple(sets), k)


def minimize(src: ExactCover, fails) -> ExactCover:
    """Greedily drop sets, elements and memberships, and lower K, while `fails` holds."""
    def drop_element(s: ExactCover, u: int) -> ExactCover:
        shift = lambda v: v - 1 if v > u else v            # noqa: E731
        return ExactCover(s.n - 1, tuple(frozenset(shift(v) for v in t if v != u)
                                         for t in s.sets), s.k)

    def candidates_of(src):
        candidates = []
        for j in range(len(src.sets)):
            if len(src.sets) > 1:
                rest = src.sets[:j] + src.sets[j + 1:]
                candidates += [ExactCover(src.n, rest, src.k),
                               ExactCover(src.n, rest, max(src.k - 1, 0))]
            for u in src.sets[j]:
                candidates.append(ExactCover(src.n, src.sets[:j] + (src.sets[j] - {u},)
                                             + src.sets[j + 1:], src.k))
        candidates += [drop_element(src, u) for u in range(1, src.n + 1)]
        if src.k > 0:
            candidates.append(ExactCover(src.n, src.sets, src.k - 1))
        return candidates

    return shrink(src, fails, candidates_of)
