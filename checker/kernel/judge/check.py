"""Checking one document: parse, elaborate, judge every claim, settle.

This is the only place that turns the document's claims into `Statement`s about hashed
subjects and asks the problem definitions for judgments; `claims.settle` then decides.
Every exception is caught here: a malformed document is a REJECT, a budget overrun a DECLINE,
and an unexpected internal error a DECLINE that says so (never an ACCEPT).
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import sys
from typing import Any, Callable

from checker.kernel.syntax import ast
from checker.kernel.judge.elaborate import Elaborated, elaborate, unknown_domains
from checker.kernel.syntax.parser import parse
from checker.kernel.problems import circuits, etr, fingerprint, slp, training
from checker.kernel.problems import reduction as correspondence
from checker.kernel.base.budget import Budget, Decline, KernelError, Reject
from checker.kernel.judge.claims import DECLINED, PROVED, REFUTED, Judgment, Statement, Verdict, settle
from checker.kernel.judge.composition import derive, record

WHY_NOT = {training.TrainingInstance: training.why_not, etr.EtrInstance: etr.why_not,
           slp.SlpInstance: slp.why_not}      # the one solution predicate of each problem
REFUTES = {training.TrainingInstance: training.refutes, etr.EtrInstance: etr.refutes,
           slp.SlpInstance: slp.refutes}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


SUBJECT_TAG = "nncert-subject"


def preimage(parts: list[tuple[str, str]]) -> str:
    """`label length:value` lines: the length makes every value, line breaks and all,
    recoverable from the string, so distinct part lists give distinct strings."""
    return "".join(f"{label} {len(value)}:{value}\n" for label, value in parts)


class Subjects:
    """The sha256 of every subject a claim may name, each computed once.  A subject's hash
    covers everything its meaning depends on (docs/SOUNDNESS.md (Part I)): the language
    version, the document's field declaration (all values live in that field), its role, the
    hashes of the instances it is about (a witness or refutation: its instance; a reduction:
    its source and target), and its own canonical text."""

    def __init__(self, doc: Elaborated, tree: ast.Document):
        fields = [it.canonical for it in tree.items if isinstance(it, ast.FieldDecl)]
        self.doc = doc
        self.context = [("tag", SUBJECT_TAG), ("language", str(tree.version)),
                        ("field", fields[0] if fields else "")]
        self.known: dict[str, str] = {}

    def defines(self, name: str) -> bool:
        d = self.doc
        return any(name in t for t in (d.instances, d.witnesses, d.reductions, d.refutations))

    def __call__(self, name: str) -> str:
        """The hash of a defined subject."""
        if name not in self.known:
            self.known[name] = sha256(preimage(self.context + self._parts(name)))
        return self.known[name]

    def _parts(self, name: str) -> list[tuple[str, str]]:
        doc = self.doc
        if name in doc.instances:
            return [("role", "instance"), ("text", doc.instances[name].canonical)]
        if name in doc.reductions:          # elaboration made source and target instances
            red = doc.reductions[name]
            return [("role", "reduction"), ("source", self(red.source)),
                    ("target", self(red.target)), ("text", red.canonical)]
        item, role = ((doc.witnesses[name], "witness") if name in doc.witnesses else
                      (doc.refutations[name], "refutation"))
        if item.target not in doc.instances:
            raise Reject(f"{role} {name!r} is for {item.target!r}, which is not an instance",
                         item.loc)
        return [("role", role), ("instance", self(item.target)), ("text", item.canonical)]


def _subjects(subjects: Subjects, doc: Elaborated, claim: ast.Claim) -> tuple[str, ...]:
    """The hashes a claim is about; a correspondence is also about its source and target."""
    names = list(claim.args) + list(claim.via)
    if claim.kind == "corresponds" and names[0] in doc.reductions:
        red = doc.reductions[names[0]]
        names += [red.source, red.target]
    for name in names:
        if not subjects.defines(name):
            raise Reject(f"claim {claim.kind} names {name!r}, which is not defined", claim.loc)
    return tuple(subjects(name) for name in names)


def _instance(doc: Elaborated, name: str, claim: ast.Claim) -> Any:
    inst = doc.instances.get(name)
    if inst is None:
        raise Reject(f"{name!r} is not an instance", claim.loc)
    return inst


def _witness(doc: Elaborated, claim: ast.Claim, inst_name: str, wit_name: str) -> Any:
    """The witness `wit_name`, checked to be for `inst_name` and to assign only its unknowns."""
    inst, wit = _instance(doc, inst_name, claim), doc.witnesses.get(wit_name)
    if wit is None:
        raise Reject(f"{wit_name!r} is not a witness", claim.loc)
    if wit.target != inst_name:
        raise Reject(f"witness {wit_name!r} is for {wit.target!r}, not {inst_name!r}", claim.loc)
    extra = sorted(set(wit.assignment) - set(unknown_domains(inst)))
    if extra:
        raise Reject(f"the witness assigns {extra[0]!r}, which {inst_name!r} does not have",
                     wit.locs[extra[0]])
    return wit


def _solves(doc: Elaborated, claim: ast.Claim, budget: Budget) -> None:
    inst_name, wit_name = claim.args
    inst, wit = _instance(doc, inst_name, claim), _witness(doc, claim, inst_name, wit_name)
    reason = WHY_NOT[type(inst)](doc.field, inst, wit.assignment, wit.locs, budget)
    if reason is not None:
        raise reason


def _refutes(doc: Elaborated, claim: ast.Claim, budget: Budget) -> None:
    inst = _instance(doc, claim.args[0], claim)
    if len(claim.args) == 1:
        REFUTES[type(inst)](doc.field, inst, budget)
        return
    cert = doc.refutations.get(claim.args[1])
    if cert is None:
        raise Reject(f"{claim.args[1]!r} is not a refutation", claim.loc)
    if cert.target != claim.args[0]:
        raise Reject(f"refutation {cert.name!r} is for {cert.target!r}, not {claim.args[0]!r}",
                     claim.loc)
    if not isinstance(inst, etr.EtrInstance):
        raise Decline("identity certificates refute only ETR instances in this version",
                      claim.loc)
    etr.refutes_by_identity(inst, cert, budget)


def _corresponds(doc: Elaborated, claim: ast.Claim, budget: Budget) -> None:
    red = doc.reductions.get(claim.args[0])
    if red is None:
        raise Reject(f"{claim.args[0]!r} is not a reduction", claim.loc)
    source, target = doc.instances[red.source], doc.instances[red.target]

    def holds(inst: Any) -> Callable[[dict], bool]:
        def predicate(assignment: dict) -> bool:
            return WHY_NOT[type(inst)](doc.field, inst, assignment, {}, budget) is None
        return predicate

    correspondence.corresponds(doc.field, red, source, target, unknown_domains(source),
                               unknown_domains(target), holds(source), holds(target), budget)


def _equal(doc: Elaborated, claim: ast.Claim, budget: Budget,
           rng: fingerprint.Randomness) -> Any:
    """equal(P, Q): two programs' values; equal(P, N, W): P's value and N's output under W.
    Returns the error bound of a probabilistic proof (None: exact); see fingerprint.py.
    `rng` is the document's one random source (os, or Fiat–Shamir on seed and document)."""
    def program(name: str) -> fingerprint.Circuit:
        inst = _instance(doc, name, claim)
        if not isinstance(inst, slp.SlpInstance):
            raise Reject(f"{name!r} is not a straight-line program", claim.loc)
        return circuits.from_slp(inst)

    left = program(claim.args[0])
    if len(claim.args) == 2:
        right = program(claim.args[1])
    else:
        net = _instance(doc, claim.args[1], claim)
        if not isinstance(net, training.TrainingInstance):
            raise Reject(f"{claim.args[1]!r} is not a training instance", claim.loc)
        wit = _witness(doc, claim, *claim.args[1:])
        right = circuits.from_network(doc.field, net, wit.assignment, wit.locs, budget, claim.loc)
    return fingerprint.equal(left, right, budget, rng, claim.loc)


RULES = {"solves": _solves, "refutes": _refutes, "corresponds": _corresponds}   # equal: _equal


def _judge(doc: Elaborated, claim: ast.Claim, statement: Statement, budget: Budget,
           judged: dict[tuple, str], rng: fingerprint.Randomness) -> Judgment:
    try:
        if claim.via:
            derive(doc, claim, judged)      # premises are exact claims: no error bound
            error = None
        else:
            if claim.kind == "equal":            # None (exact), or a probabilistic bound
                error = _equal(doc, claim, budget, rng)
            else:
                error = RULES[claim.kind](doc, claim, budget)
        return Judgment(statement, PROVED, error=error)
    except Reject as e:
        return Judgment(statement, REFUTED, e.reason, e.loc)
    except Decline as e:
        return Judgment(statement, DECLINED, e.reason, e.loc)


def check_text(text: str, budget: Budget | None = None) -> Verdict:
    """The verdict on one document given as text."""
    budget = (budget or Budget()).start()
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 20000))
    gc_was_enabled = gc.isenabled()
    gc.disable()          # a check builds millions of acyclic objects; cyclic GC only slows it
    try:
        tree = parse(text, budget)
        doc = elaborate(tree, budget)
        subjects = Subjects(doc, tree)
        # one random source per document; with a seed keyed by the whole (ASCII) text
        rng = fingerprint.randomness(budget.seed, text.encode("ascii"))
        claims, judgments, judged = [], [], {}
        for c in doc.claims:
            shown = f"{c.kind}({', '.join(c.args)})" + (f" via {', '.join(c.via)}" if c.via else "")
            statement = Statement(c.kind, _subjects(subjects, doc, c), shown)
            claims.append((statement, c.loc))
            judgments.append(_judge(doc, c, statement, budget, judged, rng))
            record(judged, c, judgments[-1].status)
        verdict = settle(claims, judgments)
        if verdict.probabilistic:
            verdict = dataclasses.replace(verdict, randomness=fingerprint.describe(budget.seed))
        return verdict
    except Reject as e:
        return Verdict("REJECT", e.reason, e.loc)
    except Decline as e:
        return Verdict("DECLINE", e.reason, e.loc)
    except KernelError as e:
        return Verdict("DECLINE", e.reason, e.loc)
    except (RecursionError, MemoryError) as e:
        return Verdict("DECLINE", f"resources exhausted ({type(e).__name__})")
    except Exception as e:                           # a kernel bug: never accept, say so
        return Verdict("DECLINE", f"internal error {type(e).__name__}: {str(e)[:200]}")
    finally:
        sys.setrecursionlimit(old_limit)
        if gc_was_enabled:
            gc.enable()
