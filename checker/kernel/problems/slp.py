"""PosSLP (002 Def. 3.1, Problem 3.3): is the value of a straight-line program positive?

A program is a₀ = 1 and rows aᵢ = aⱼ ⊕ aₖ (⊕ ∈ {+, −, ×}, j, k < i); its value is the last
aᵢ (a₀ if there are no rows).  Values can reach 2^(2^ℓ), so evaluation is exact within the
bit budget: before each operation the size of the result is bounded, and a program whose
values would outgrow `--max-bits` is DECLINED, saying how far evaluation got.

`solves(P, W)` (W an empty witness) claims the value is positive; `refutes(P)` that it is not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gmpy2

from checker.kernel.base.budget import Budget, Decline, Location, Reject

OPS = ("+", "-", "*")


@dataclass
class SlpInstance:
    name: str
    rows: list[tuple[int, str, int]]     # row i (1-based) is (j, op, k): a_i = a_j op a_k
    canonical: str
    loc: Location


def next_size(bits_j: int, op: str, bits_k: int) -> int:
    """A bound s with |a_j op a_k| < 2^s, given |a_j| < 2^bits_j and |a_k| < 2^bits_k."""
    return bits_j + bits_k if op == "*" else max(bits_j, bits_k) + 1


def values(inst: SlpInstance, budget: Budget) -> list:
    """a₀, a₁, …, exactly (gmpy2 integers), or DECLINE when a value would exceed the budget."""
    a = [gmpy2.mpz(1)]
    bits = [1]
    limit = budget.max_bits
    for i, (j, op, k) in enumerate(inst.rows, start=1):
        size = next_size(bits[j], op, bits[k])
        if size > limit:
            raise Decline(f"a{i} may need {size} bits (a{i - 1} has {bits[i - 1]}), over the "
                          f"budget of {limit} (--max-bits)", inst.loc)
        if i & 1023 == 0:
            budget.tick(1024, inst.loc)
        x = a[j] * a[k] if op == "*" else a[j] + a[k] if op == "+" else a[j] - a[k]
        a.append(x)
        bits.append(max(x.bit_length(), 1))
    return a


def value(inst: SlpInstance, budget: Budget) -> Any:
    return values(inst, budget)[-1]


def why_not(F: Any, inst: SlpInstance, assignment: dict, locs: dict,
            budget: Budget) -> Reject | None:
    """THE solution predicate (the empty assignment solves P iff P's value is positive)."""
    v = value(inst, budget)
    if v <= 0:
        return Reject(f"the program's value is {'zero' if v == 0 else 'negative'}, not "
                      f"positive", inst.loc)
    return None



def refutes(F: Any, inst: SlpInstance, budget: Budget) -> None:
    if why_not(F, inst, {}, {}, budget) is None:
        raise Reject("not refuted: the program's value is positive", inst.loc)
