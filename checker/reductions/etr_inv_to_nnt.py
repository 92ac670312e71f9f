"""ETR-INV → NN-TRAINING (003 Theorem 2): the three stages composed in one certificate.

    S0 (ETR-INV) --R1--> S1 (ETR-INV-EQ) --R2--> S2 (RESTRICTED TRAINING) --R3--> S3 (NN-TRAINING)

The certificate claims corresponds(R1), corresponds(R2), corresponds(R3) — each checked by the
kernel with polynomial identities, for all real solutions — and, when the source document
gives them, carries a solution forward (`solves(S3, w) via R1, R2, R3`) or a refutation
(`refutes(S3) via R1, R2, R3`).  The stages are `etr_inv_to_eq`, `eq_to_restricted`,
`restricted_to_nnt`; `violations` checks Theorem 2's claims about the final instance.
"""
from __future__ import annotations

from dataclasses import dataclass

from flint import fmpq

from . import eq_to_restricted, etr_inv_to_eq, restricted_to_nnt
from .etr_inv_to_eq import EtrInv
from .stage import block, document

VARIANTS = ("printed", "corrected")
RESERVED = {"S1", "S2", "S3", "R1", "R2", "R3", "w3", "w3b", "w0b"}
random_source = etr_inv_to_eq.random_source


@dataclass(frozen=True)
class Carried:
    """A source formula with what travels along the chain: a solution and/or a refutation,
    as nncert text for the source instance (named `name`)."""
    formula: EtrInv
    name: str = "S0"
    field_decl: str = ""
    witness: tuple[str, str] = ("", "")        # (its name, its text)
    refutation: tuple[str, str] = ("", "")

    def __len__(self) -> int:
        return len(self.formula)


def _formula(src) -> tuple[EtrInv, Carried]:
    return (src.formula, src) if isinstance(src, Carried) else (src, Carried(src))


def stages(src: EtrInv, variant: str):
    eq, r1 = etr_inv_to_eq.reduce(src, variant)
    net, r2 = eq_to_restricted.reduce(eq, variant)
    final, r3 = restricted_to_nnt.reduce(net, variant)
    return (r1, r2, r3), final


def violations(src, variant: str) -> list[str]:
    formula, _ = _formula(src)
    _stages, final = stages(formula, variant)
    return restricted_to_nnt.theorem2_violations(
        final, len(formula.variables) + len(formula.constraints))


def certificate(src, variant: str, header: str = "") -> str:
    formula, carried = _formula(src)
    clash = {carried.name, carried.witness[0], carried.refutation[0]} & RESERVED
    if clash:
        raise ValueError(f"the source document uses the name {sorted(clash)[0]!r}, which the "
                         f"certificate needs; rename it")
    (r1, r2, r3), final = stages(formula, variant)
    s0 = carried.name
    items = [carried.field_decl] if carried.field_decl else []
    items += [etr_inv_to_eq.render_source(formula, s0), r1.target, r2.target, r3.target,
              block("R1", s0, "S1", r1), block("R2", "S1", "S2", r2), block("R3", "S2", "S3", r3)]
    claims = ["corresponds(R1);", "corresponds(R2);", "corresponds(R3);"]
    if carried.witness[0]:
        items.append(carried.witness[1])
        claims += [f"solves({s0}, {carried.witness[0]});",
                   f"solves(S3, {carried.witness[0]}) via R1, R2, R3;"]
        draft = document("", [], items, claims)
        items += travel(draft, final, s0, carried.witness[0])
        claims += ["solves(S3, w3);", "solves(S3, w3b);", f"solves({s0}, w0b);"]
    if carried.refutation[0]:
        items.append(carried.refutation[1])
        claims += [f"refutes({s0}, {carried.refutation[0]});", "refutes(S3) via R1, R2, R3;"]
    n = len(final.inputs) + len(final.hidden)
    comments = [f"ETR-INV -> NN-TRAINING (003 Theorem 2), variant {variant!r}: three stages,",
                "each a correspondence for ALL real solutions checked by polynomial identities.",
                f"Final instance: {len(final.inputs)} inputs, {len(final.hidden)} hidden "
                f"neurons, 3 outputs, {len(final.points)} data points ({n} neurons "
                f"besides the outputs)."]
    return document(header, comments, items, claims)


def travel(text: str, final, s0: str, witness: str) -> list[str]:
    """Witnesses travelling both ways, each checked at Level 1: w3 = the encoding of the
    source's witness along R1, R2, R3; w3b = another fit of S3, from w3 by the symmetries of
    Observations 4 and 5 (every hidden neuron's incoming weights ×2, outgoing ×1/2, bias 1,
    output biases compensating); w0b = the decoding of w3b back along R3, R2, R1."""
    from checker.kernel.semantics import expr as X
    from checker.kernel.base.budget import Budget
    from checker.kernel.judge.elaborate import elaborate
    from checker.kernel.syntax.parser import parse
    budget = Budget().start()
    doc = elaborate(parse(text, budget), budget)
    F = doc.field
    values = dict(doc.witnesses[witness].assignment)
    ev = X.Evaluator(F, budget)
    for name in ("R1", "R2", "R3"):
        values = {n: ev.value(e, values) for n, e in doc.reductions[name].encode.items()}
    w3 = dict(values)
    two, half = F.from_rational(fmpq(2)), F.from_rational(fmpq(1, 2))
    for (u, v), w in final.edges.items():
        if v in final.hidden:
            values[w] = F.mul(values[w], two)
        elif u in final.hidden:
            values[w] = F.mul(values[w], half)
    one = F.from_rational(fmpq(1))
    for n in final.hidden:
        values[final.biases[n]] = one
    for (u, v), w in final.edges.items():
        if u in final.hidden:
            b = final.biases[v]
            values[b] = F.sub(values[b], values[w])
    w3b = dict(values)
    for name in ("R3", "R2", "R1"):
        values = {n: ev.value(e, values) for n, e in doc.reductions[name].decode.items()}
    return [_witness_text("w3", "S3", w3, F), _witness_text("w3b", "S3", w3b, F),
            _witness_text("w0b", s0, values, F)]


def _witness_text(name: str, target: str, values: dict, F) -> str:
    def show(a) -> str:
        if F.is_rational(a):
            return _q(F.to_rational(a))
        return " + ".join(f"({_q(c)})*{F.name}^{k}" for k, c in enumerate(F.components(a))
                          if c != 0)
    lines = [f"witness {name} for {target} {{"]
    lines += [f"  {n} = {show(v)};" for n, v in values.items()]
    return "\n".join(lines + ["}"])


def read_source(doc) -> Carried:
    """The first ETR instance (an ETR-INV formula), with a witness and a refutation of it if
    the document has them."""
    formula = etr_inv_to_eq.read_source(doc)
    from checker.kernel.problems.etr import EtrInstance
    name = next(n for n, i in doc.instances.items() if isinstance(i, EtrInstance))
    formula = EtrInv(formula.variables, formula.constraints)
    witness = next(((w.name, w.canonical) for w in doc.witnesses.values() if w.target == name),
                   ("", ""))
    refutation = next(((r.name, r.canonical) for r in doc.refutations.values()
                       if r.target == name), ("", ""))
    field_decl = ""
    if witness[0] and getattr(doc.field, "degree", 1) > 1:
        f = doc.field
        poly = " + ".join(f"({int(c)})*{f.name}^{k}" for k, c in enumerate(f._coeffs) if c)
        field_decl = (f"field {f.name}: {poly} in ({_q(f._lo0)}, {_q(f._hi0)});")
    return Carried(formula, name, field_decl, witness, refutation)


def _q(v) -> str:
    return str(v.p) if v.q == 1 else f"{v.p}/{v.q}"


def minimize(src, fails):
    formula, _ = _formula(src)
    return etr_inv_to_eq.minimize(formula, fails)
