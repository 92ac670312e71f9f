"""Exhaustive tests of `checker.kernel.claims.settle`, the glue between claims and judgments.

Real checkers were unsound here (VIPR accepted an infeasibility claim with no derivations;
drat-trim verified a statement other than the one given).  `spec` below is a tiny independent
specification of the verdict; `test_exhaustive` compares `settle` with it on every combination
of up to three claims (with repetitions), every status per claim (missing, proved, refuted,
declined, or a status that is none of those), judgments written with the same or another
display text, in claim order or reversed, and every kind of stray judgment: a different kind,
the same kind about an altered copy of the instance (same text, another hash), swapped or
missing subjects, and a second judgment of a claimed statement.
"""
from __future__ import annotations

import hashlib
import itertools

import pytest

from checker.kernel.judge.claims import DECLINED, PROVED, REFUTED, Judgment, Statement, Verdict, settle


def h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


I, I2, W, W2 = h("instance I"), h("instance I2"), h("witness W"), h("witness W2")
I_ALTERED = h("instance I, silently strengthened")

A = Statement("solves", (I, W), "solves(I, W)")
B = Statement("solves", (I2, W), "solves(I2, W)")
C = Statement("solves", (I, W2), "solves(I, W2)")
POOL = (A, B, C)

# statements that are never claimed (each differs from A in the part that is compared)
STRAY = {
    "other kind": Statement("refutes", (I, W), "refutes(I, W)"),
    "altered instance": Statement("solves", (I_ALTERED, W), "solves(I, W)"),
    "swapped subjects": Statement("solves", (W, I), "solves(I, W)"),
    "missing subject": Statement("solves", (I,), "solves(I, W)"),
    "extra subject": Statement("solves", (I, W, W2), "solves(I, W)"),
}

BOGUS = "maybe"                               # a status that is none of the three
STATUSES = (None, PROVED, REFUTED, DECLINED, BOGUS)   # None: no judgment for this claim
LOC = (7, 3)


# ---------------------------------------------------------------- the specification
def _key(s: Statement) -> tuple:
    return (s.kind, tuple(s.subjects))


def spec(claims: list, judgments: list) -> tuple[str, str | None]:
    """(status, reason that the verdict must mention, or None)."""
    keys = [_key(s) for s, _ in claims]
    if not keys:
        return "REJECT", None
    if len(set(keys)) < len(keys):
        return "REJECT", None
    jkeys = [_key(j.statement) for j in judgments]
    if any(k not in keys for k in jkeys) or len(set(jkeys)) < len(jkeys):
        return "REJECT", None
    found = {_key(j.statement): j for j in judgments}
    first_declined = None
    for k in keys:                            # in claim order: the first failure is reported
        j = found.get(k)
        if j is None or j.status not in (PROVED, REFUTED, DECLINED):
            return "REJECT", None
        if j.status == REFUTED:
            return "REJECT", j.reason
        if j.status == DECLINED and first_declined is None:
            first_declined = j.reason
    if first_declined is not None:
        return "DECLINE", first_declined
    return "ACCEPT", None


def judgment(s: Statement, status: str, retext: bool = False) -> Judgment:
    if retext:                                # the display text is not part of the statement
        s = Statement(s.kind, s.subjects, "written differently")
    return Judgment(s, status, f"because {status} for {s.text}", (11, 5))


def check_against_spec(claims, judgments):
    v = settle(claims, judgments)
    status, reason = spec(claims, judgments)
    where = f"claims={[s.text for s, _ in claims]} judgments={judgments} -> {v}"
    assert isinstance(v, Verdict), where
    assert v.status == status, where
    assert v.claims == tuple(s for s, _ in claims), where
    if reason is not None:
        assert reason in v.reason, where
    if v.status != "ACCEPT":
        assert v.reason, where
    return v


# ---------------------------------------------------------------- named cases
def test_no_claims_rejects():
    assert settle([], []).status == "REJECT"
    # judgments without claims are not a certificate either (VIPR: no derivations, accepted)
    assert settle([], [judgment(A, PROVED)]).status == "REJECT"


def test_all_proved_accepts():
    claims = [(A, LOC), (B, LOC), (C, LOC)]
    v = settle(claims, [judgment(s, PROVED) for s, _ in claims])
    assert v.status == "ACCEPT" and v.claims == (A, B, C)


def test_duplicate_claim_rejects_even_if_proved():
    v = settle([(A, LOC), (A, (9, 1))], [judgment(A, PROVED)])
    assert v.status == "REJECT" and v.loc == (9, 1)
    # the same statement written differently is still the same claim
    again = Statement(A.kind, A.subjects, "solves(I,W)")
    assert settle([(A, LOC), (again, LOC)], [judgment(A, PROVED)]).status == "REJECT"


@pytest.mark.parametrize("stray", sorted(STRAY))
def test_judgment_of_an_unclaimed_statement_rejects(stray):
    """E.g. a proof about an altered copy of the instance must not count for the original."""
    s = STRAY[stray]
    assert settle([(A, LOC)], [judgment(s, PROVED)]).status == "REJECT"
    assert settle([(A, LOC)], [judgment(A, PROVED), judgment(s, PROVED)]).status == "REJECT"
    assert settle([(A, LOC)], [judgment(s, PROVED), judgment(A, PROVED)]).status == "REJECT"


def test_claim_without_judgment_rejects():
    v = settle([(A, LOC), (B, (8, 2))], [judgment(A, PROVED)])
    assert v.status == "REJECT" and v.loc == (8, 2)
    assert settle([(A, LOC)], []).status == "REJECT"


def test_refuted_rejects_with_its_reason():
    j = Judgment(B, REFUTED, "total loss 5 exceeds gamma = 1", (12, 4))
    v = settle([(A, LOC), (B, LOC)], [judgment(A, PROVED), j])
    assert v.status == "REJECT" and "exceeds gamma = 1" in v.reason and v.loc == (12, 4)


def test_refuted_wins_over_declined_in_any_order():
    for order in ([DECLINED, REFUTED], [REFUTED, DECLINED]):
        claims = [(A, LOC), (B, LOC)]
        js = [judgment(s, st) for (s, _), st in zip(claims, order)]
        assert settle(claims, js).status == "REJECT"


def test_declined_without_refuted_declines():
    v = settle([(A, LOC), (B, LOC)], [judgment(A, PROVED), judgment(B, DECLINED)])
    assert v.status == "DECLINE" and f"because {DECLINED}" in v.reason


def test_two_judgments_of_one_claim_reject():
    assert settle([(A, LOC)], [judgment(A, PROVED), judgment(A, PROVED)]).status == "REJECT"
    assert settle([(A, LOC)], [judgment(A, REFUTED), judgment(A, PROVED)]).status == "REJECT"


@pytest.mark.parametrize("status", [BOGUS, "", "PROVED", "accept", None])
def test_unknown_status_rejects(status):
    assert settle([(A, LOC)], [Judgment(A, status)]).status == "REJECT"


def test_display_text_is_not_compared():
    assert settle([(A, LOC)], [judgment(A, PROVED, retext=True)]).status == "ACCEPT"


# ---------------------------------------------------------------- exhaustive
def _extras(claims: list) -> list:
    """Stray judgments to add: none, each unclaimed statement, a second judgment of a claim."""
    out = [[]]
    for s in STRAY.values():
        for status in (PROVED, DECLINED):
            out.append([judgment(s, status)])
    if claims:
        for status in (PROVED, REFUTED):
            out.append([judgment(claims[0][0], status)])
    return out


def all_combinations():
    for n in range(4):
        for seq in itertools.product(POOL, repeat=n):
            claims = [(s, (i + 1, 1)) for i, s in enumerate(seq)]
            for statuses in itertools.product(STATUSES, repeat=n):
                for retext in (False, True):
                    base = [judgment(s, st, retext) for (s, _), st in zip(claims, statuses)
                            if st is not None]
                    for extra in _extras(claims):
                        for reverse in (False, True):
                            js = base + extra
                            yield claims, (js[::-1] if reverse else js)


def test_exhaustive():
    counts: dict = {}
    n = 0
    for claims, judgments in all_combinations():
        v = check_against_spec(claims, judgments)
        counts[v.status] = counts.get(v.status, 0) + 1
        n += 1
    assert n > 50_000
    assert set(counts) == {"ACCEPT", "REJECT", "DECLINE"}, counts
