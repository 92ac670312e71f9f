"""Derived claims: carrying solutions and refutations along proved correspondences.

`corresponds(R)` (Level 2) says: every solution x of R's source encodes to a solution of R's
target (forward), and every solution of the target decodes to a solution of the source
(backward).  Two consequences follow without any further arithmetic:

    solves(T, W) via R1, …, Rk    W solves the source S of R1 (claimed as `solves(S, W)`), so
                                  encode_Rk(… encode_R1(W)) solves T = the target of Rk;
    refutes(T) via R1, …, Rk      the source of R1 has no solution (claimed as any refutation
                                  of it), so by backward along the chain T has none.

A derived claim is proved only if the chain is well formed (each Rᵢ's target is Rᵢ₊₁'s source,
Rk's target is T) and every premise is itself a claim of the same document that the kernel
proved: `corresponds(Rᵢ)` for every i and the premise about the chain's start.  A premise that
is missing rejects; one that is not proved declines (its own judgment then decides the
document's verdict).  Premises are looked up among claims judged earlier, so a derived claim
may rest on another derived claim written before it.
"""
from __future__ import annotations

from typing import Any

from checker.kernel.syntax import ast
from checker.kernel.base.budget import Decline, Reject
from checker.kernel.judge.claims import PROVED


def claim_key(c: ast.Claim) -> tuple:
    return (c.kind, tuple(c.args), tuple(c.via))


def record(judged: dict[tuple, str], claim: ast.Claim, status: str) -> None:
    """Remember a judged claim; for refutations also "is this instance refuted", so that a
    derivation finds its premise in one lookup (any kind of refutation serves)."""
    judged.setdefault(claim_key(claim), status)
    if claim.kind == "refutes":
        key = ("refuted", (claim.args[0],), ())
        if judged.get(key) != PROVED:
            judged[key] = status


def derive(doc: Any, claim: ast.Claim, judged: dict[tuple, str]) -> None:
    """Return if `claim` (which has a `via` chain) follows from proved premises; else raise.
    `judged` maps the key of every claim judged so far to its status."""
    chain = []
    for name in claim.via:
        red = doc.reductions.get(name)
        if red is None:
            raise Reject(f"{name!r} is not a reduction", claim.loc)
        if chain and chain[-1].target != red.source:
            raise Reject(f"the chain breaks at {name!r}: its source is {red.source!r}, not "
                         f"{chain[-1].target!r}", claim.loc)
        chain.append(red)
    target = claim.args[0]
    if chain[-1].target != target:
        raise Reject(f"the chain ends at {chain[-1].target!r}, not at {target!r}", claim.loc)
    start = chain[0].source
    premises = [("corresponds", (red.name,), ()) for red in chain]
    if claim.kind == "solves":
        witness = doc.witnesses.get(claim.args[1])
        if witness is None:
            raise Reject(f"{claim.args[1]!r} is not a witness", claim.loc)
        if witness.target != start:
            raise Reject(f"witness {witness.name!r} is for {witness.target!r}, but the chain "
                         f"starts at {start!r}", claim.loc)
        premises.append(("solves", (start, witness.name), ()))
    else:
        if ("refuted", (start,), ()) not in judged:
            raise Reject(f"refutes({target}) via {', '.join(claim.via)} needs a refutation of "
                         f"{start!r} among the claims before it", claim.loc)
        premises.append(("refuted", (start,), ()))
    for key in premises:
        text = f"{key[0]}({', '.join(key[1])})" if key[0] != "refuted" else \
            f"a refutation of {key[1][0]}"
        if key not in judged:
            raise Reject(f"the derivation needs the claim {text} among the claims before it",
                         claim.loc)
        if judged[key] != PROVED:
            raise Decline(f"the premise {text} is not established", claim.loc)
