"""The claim logic: is what the kernel established exactly what the document claims?

Real checkers failed here, not in their arithmetic (VIPR accepted an infeasibility claim with no
derivations; drat-trim read the proof's empty clause as input).  So this is one small function,
`settle`, tested exhaustively on its own: it compares the claims, as statements about hashed
subjects, with the judgments the kernel produced, and gives the verdict.

A claim is accepted only if a judgment with exactly the same kind and the same subject hashes
proves it.  No claims, a repeated claim, a claim without its judgment and a judgment that
answers no claim all reject: they mean the certificate or the glue is wrong.

A judgment may be probabilistic (an `equal` claim decided by fingerprints): it carries `error`,
an exact upper bound on the probability that it is wrong.  The verdict on several claims then
carries the sum of these bounds (the union bound: the probability that any of them is wrong),
so an acceptance is exact only if every judgment behind it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.kernel.base.budget import Location

PROVED, REFUTED, DECLINED = "proved", "refuted", "declined"


@dataclass(frozen=True)
class Statement:
    """`kind(subjects…)`, each subject the sha256 of the canonical text of an instance/witness."""

    kind: str
    subjects: tuple[str, ...]
    text: str = ""            # how the document wrote it, e.g. "solves(fig1, w)"; not compared

    def key(self) -> tuple:
        return (self.kind, self.subjects)


@dataclass(frozen=True)
class Judgment:
    statement: Statement
    status: str               # PROVED | REFUTED | DECLINED
    reason: str = ""
    loc: Location = None
    error: Any = None         # None: exact; else an fmpq bounding the probability it is wrong


@dataclass(frozen=True)
class Verdict:
    status: str               # ACCEPT | REJECT | DECLINE
    reason: str = ""
    loc: Location = None
    claims: tuple[Statement, ...] = ()
    error: Any = None         # ACCEPT only: None exact, else an fmpq bound on P(wrong accept)
    randomness: str = ""      # where the kernel's random choices came from, if it made any

    @property
    def probabilistic(self) -> bool:
        return self.error is not None

    def guarantee(self) -> str:
        """'exact', or 'probabilistic: error <= 2^-E (randomness)' with e <= 2^-E."""
        if self.error is None:
            return "exact"
        e = self.error
        bits = int(e.q // e.p).bit_length() - 1 if e > 0 else None
        bound = "0" if bits is None else f"2^-{bits}" if bits > 0 else str(e)
        return f"probabilistic: error <= {bound}" + (f" ({self.randomness})"
                                                      if self.randomness else "")


def settle(claims: list[tuple[Statement, Location]], judgments: list[Judgment]) -> Verdict:
    """The verdict on `claims` given the kernel's `judgments` (in claim order)."""
    statements = tuple(s for s, _ in claims)
    if not claims:
        return Verdict("REJECT", "the certificate makes no claim", None, statements)
    seen: set = set()
    for s, loc in claims:
        if s.key() in seen:
            return Verdict("REJECT", f"claim {s.text or s.kind} is made twice", loc, statements)
        seen.add(s.key())
    by_key: dict = {}
    for j in judgments:
        if j.statement.key() not in seen:
            return Verdict("REJECT", f"the kernel judged {j.statement.text or j.statement.kind}, "
                           f"which is not claimed", j.loc, statements)
        if j.statement.key() in by_key:
            return Verdict("REJECT", f"two judgments of {j.statement.text}", j.loc, statements)
        by_key[j.statement.key()] = j
    declined, error = None, None
    for s, loc in claims:
        j = by_key.get(s.key())
        if j is None:
            return Verdict("REJECT", f"claim {s.text or s.kind} was not established", loc,
                           statements)
        if j.status == REFUTED:
            return Verdict("REJECT", f"{s.text}: {j.reason}", j.loc or loc, statements)
        if j.status == DECLINED:
            declined = declined or Verdict("DECLINE", f"{s.text}: {j.reason}", j.loc or loc,
                                           statements)
        elif j.status != PROVED:
            return Verdict("REJECT", f"claim {s.text} has no decision", loc, statements)
        elif j.error is not None:
            error = j.error if error is None else error + j.error
    return declined or Verdict("ACCEPT", "", None, statements, error)
