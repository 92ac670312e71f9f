"""Resource budgets and the three outcomes of a failed step.

Every potentially explosive step in the kernel (a power, a product of huge numbers, a field
declaration of high degree, an enumeration, a long loop) asks its `Budget` first.  Running out
of budget raises `Decline`: the kernel could not decide, which is never an accept.  A step that
finds the certificate wrong raises `Reject`.  Both carry a one-sentence reason and, where known,
the source location (line, column) of the construct being checked.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

Location = tuple[int, int] | None


class KernelError(Exception):
    """Base of the two ways a check stops early; carries a reason and a location."""

    verdict = "ERROR"

    def __init__(self, reason: str, loc: Location = None):
        super().__init__(reason)
        self.reason = reason
        self.loc = loc

    def at(self, loc: Location) -> "KernelError":
        """Attach a location if none is known yet (inner steps know less than outer ones)."""
        if self.loc is None:
            self.loc = loc
        return self


class Reject(KernelError):
    """The certificate (or the document) is wrong."""

    verdict = "REJECT"


class Undefined(Reject):
    """An expression has no value at this point (division by zero, zero to a negative power,
    mod by zero, a non-integer exponent).  Such a point is not a solution of anything: the
    solution predicates catch exactly this class (docs/LANGUAGE.md, "Undefined values")."""


class Decline(KernelError):
    """The kernel cannot decide within its budget or does not support the rule."""

    verdict = "DECLINE"


DEFAULT_MAX_BITS = 1 << 22          # size of any single integer, numerator or denominator
DEFAULT_MAX_SECONDS = 60.0
DEFAULT_MAX_ENUMERATION = 1_000_000
DEFAULT_MAX_DEGREE = 400           # degree of a field's defining polynomial
DEFAULT_MAX_STEPS = 50_000_000     # elementary evaluation steps (expression nodes, entries)
DEFAULT_MAX_PRIME_BITS = 1 << 12   # fingerprint primes (drawing an 8066-bit one took 88 s)
DEFAULT_MAX_TERMS = 1 << 20        # terms of one polynomial (products, powers, gcds)
DEFAULT_MAX_MEMORY_MIB = 4096      # address space of the checking process (CLI guard)


@dataclass
class Budget:
    """Limits of one check.  `deadline` is set when the check starts.  `seed` is not a limit
    but a parameter of the check: where its random choices come from (`fingerprint`)."""

    max_bits: int = DEFAULT_MAX_BITS
    max_seconds: float = DEFAULT_MAX_SECONDS
    max_enumeration: int = DEFAULT_MAX_ENUMERATION
    max_degree: int = DEFAULT_MAX_DEGREE
    max_steps: int = DEFAULT_MAX_STEPS
    max_prime_bits: int = DEFAULT_MAX_PRIME_BITS
    max_terms: int = DEFAULT_MAX_TERMS
    seed: int | None = None        # of the kernel's random choices (fingerprints); None: os
    deadline: float = field(default=float("inf"), repr=False)
    steps: int = field(default=0, repr=False)

    def start(self) -> "Budget":
        self.deadline = time.monotonic() + self.max_seconds
        self.steps = 0
        return self

    def tick(self, n: int = 1, loc: Location = None) -> None:
        """Count `n` elementary steps; decline when the step or time budget is exhausted."""
        self.steps += n
        if self.steps > self.max_steps:
            raise Decline(f"step budget of {self.max_steps} exhausted (--max-steps)", loc)
        if time.monotonic() > self.deadline:
            raise Decline(f"time budget of {self.max_seconds:g} s exhausted (--max-seconds)", loc)

    def bits(self, nbits: int, what: str = "a number", loc: Location = None) -> None:
        """Decline before creating `what` if it would need more than `max_bits` bits."""
        if nbits > self.max_bits:
            raise Decline(f"{what} would need about {nbits} bits, over the budget of "
                          f"{self.max_bits} (--max-bits)", loc)

    def enumeration(self, size: int, what: str, loc: Location = None) -> None:
        if size > self.max_enumeration:
            raise Decline(f"{what} has {size} cases, over the budget of {self.max_enumeration} "
                          f"(--max-enumeration)", loc)

    def terms(self, n: int, what: str = "a polynomial", loc: Location = None) -> None:
        """Decline before creating `what` if it could have more than `max_terms` terms."""
        if n > self.max_terms:
            raise Decline(f"{what} could have more than {self.max_terms} terms, over the "
                          f"budget (--max-terms)", loc)

    def degree(self, deg: int, loc: Location = None) -> None:
        if deg > self.max_degree:
            raise Decline(f"field polynomial of degree {deg} is over the budget of "
                          f"{self.max_degree} (--max-degree)", loc)

