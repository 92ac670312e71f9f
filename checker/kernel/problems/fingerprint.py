"""Equality of two integer circuits by fingerprints modulo a random prime (probabilistic).

A `Circuit` is a straight-line program over the integers: given integers a₀ … a_{c−1}, then rows
aᵢ = aⱼ ⊕ aₖ (⊕ ∈ {+, −, ×}, j, k < i); its value is the last aᵢ.  Exact evaluation can need
2^ℓ bits for ℓ rows; a residue modulo m needs ℓ operations on numbers below m.  `equal` decides
whether two circuits have the same value:

* **Sizes.**  One pass of the size recurrence of the exact evaluator (`slp.next_size`, integers
  only) gives B with |L − R| < 2^B.  If exact evaluation is affordable — every value fits in
  `EXACT_BITS` bits and the sizes of all values sum to at most `EXACT_TOTAL` bits (so at most
  EXACT_TOTAL/EXACT_BITS operations act on numbers of the largest size) — the circuits are
  evaluated exactly and the answer is exact.
* **Different residues are an exact disproof.**  If L mod m ≠ R mod m for any modulus m, then
  L ≠ R, whatever m is (prime or not) and however it was chosen: REJECT, exactly.
* **Equal residues are probabilistic evidence.**  The kernel, never the certificate, draws the
  modulus: a prime p uniform among the primes of [2^(k−1), 2^k), by rejection sampling (uniform
  odd k-bit candidates until one passes the test below).
  - At most ⌊B/(k−1)⌋ primes ≥ 2^(k−1) divide D = L − R ≠ 0 (their product divides D).
  - The number N_k of primes in [2^(k−1), 2^k) = π(2x) − π(x), x = 2^(k−1), is bounded below
    by Rosser & Schoenfeld, "Approximate formulas for some functions of prime numbers",
    Illinois J. Math. 6 (1962) 64–94, Corollary 1: π(y) > y/ln y for y ≥ 17 (3.5) and
    π(y) < 1.25506·y/ln y for y > 1 (3.6); with 0.6931 < ln 2 < 0.6932 (ln 2 =
    Σ 1/(n·2ⁿ) = 0.693147…) this gives, in exact rationals, for k ≥ 6:
        N_k > 2x/(0.6932·k) − 1.25506·x/(0.6931·(k−1))          (`primes_lower_bound`).
  - The primality test.  gmpy2.is_prime is probabilistic (it may call a composite prime, never a
    prime composite), so it is used only as a fast pre-filter.  A candidate is accepted after
    it and r Miller–Rabin rounds with bases drawn by the kernel uniformly from [2, n−2]; an odd
    composite n > 9 passes one round with probability ≤ 1/4 (Rabin 1980, J. Number Theory 12,
    128–138; Monier 1980), so ≤ 4^(−r).  Primes are always accepted.  Hence, with
    M = 2^(k−2) odd candidates, each draw is accepted with probability ≥ N_k/M, and given
    acceptance the modulus is a prime dividing D with probability ≤ bad/N_k and a composite
    with probability ≤ 4^(−r)·M/N_k.  A composite modulus is simply counted as an error.
  - Per drawn modulus the error is e = (⌊B/(k−1)⌋ + 4^(−r)·M) / N_k(lower bound); t moduli
    drawn independently (residues compared modulo their product) all fail with probability
    ≤ e^t.  `choose` picks t = 1 (t primes of k′ bits need t·k′ ≳ t·log₂B + 64 bits, one prime
    log₂B + 64 + O(log log B): one prime is the cheapest modulus) and the least k ≥ 32 with
    e ≤ 2^(−64); k is capped by `--max-prime-bits` (default 4096; DECLINE when the bound is
    unreachable within it, decided from the sizes alone before any prime is drawn).  The cap
    also bounds the time of one uninterruptible primality test (gmpy2 calls cannot be stopped
    by the time budget) and of drawing the prime (~k³): values of more than about 2^4000 bits
    (e.g. squaring chains of more than ~4000 rows) are DECLINED.  This is inherent to the
    bound, not to the code: D may have 2^B/(k−1) prime factors of k bits, so a meaningful
    prime needs k > log₂ B.
* **Randomness.**  The modulus must be unpredictable to the document's author: whoever can
  predict p writes R = L + p and is accepted.  `Budget.seed` None: `random.SystemRandom`
  (os.urandom), the bound holds as stated.  A seed N (reproducible runs): the random bits are
  SHA-256 in counter mode under the key sha256("nncert-fingerprint\n" ‖ N ‖ "\n" ‖ the
  document's bytes) (`OracleStream`; Fiat–Shamir).  Every byte of the document enters the key,
  so the author learns the prime only after fixing the document, and a changed document gets
  fresh bits.  Modelling SHA-256 as a random oracle, the bits are uniform and fresh for
  every document, so each document is fooled with probability ≤ the bound; an author trying
  document variants needs about 1/bound (2^64) hash evaluations, each followed by a prime
  draw, per expected success.  The verdict says which source was used.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Protocol

import gmpy2
from flint import fmpq

from checker.kernel.base.budget import Budget, Decline, Location, Reject
from checker.kernel.problems.slp import next_size

TARGET_BITS = 64          # default guarantee: error probability ≤ 2^-64
MIN_PRIME_BITS = 32
EXACT_BITS = 1 << 18      # exact evaluation when every value fits in this many bits
EXACT_TOTAL = 1 << 34     # and all values together in this many (10^6 random rows: 5.7·10^9)
LN2_LOWER, LN2_UPPER = fmpq(6931, 10000), fmpq(6932, 10000)
RS_UPPER = fmpq(125506, 100000)   # Rosser–Schoenfeld (3.6)


@dataclass
class Circuit:
    """Integers a₀ … a_{c−1} (`constants`), then rows (j, op, k): aᵢ = aⱼ op aₖ; value: the last."""

    constants: list[int]
    rows: list[tuple[int, str, int]]


@dataclass(frozen=True)
class Plan:
    """How to draw the moduli: t primes of k bits, r Miller–Rabin rounds each; `error` the bound."""

    k: int
    t: int
    rounds: int
    error: fmpq


def sizes(c: Circuit, budget: Budget, loc: Location, limit: int) -> tuple[int, int, int]:
    """(s, s_max, total): |value| < 2^s, every |aᵢ| < 2^s_max, and total is the sum of the
    bounds of all aᵢ.  DECLINE when a bound itself needs more than `limit` bits (a fingerprint
    would then need primes of more than `limit` bits)."""
    bits = [max(int(x).bit_length(), 0) for x in c.constants]
    if not bits:
        raise Reject("a circuit needs at least one value", loc)
    top = max(bits)
    for i, (j, op, k) in enumerate(c.rows, start=1):
        s = next_size(bits[j], op, bits[k])
        if s > top:
            top = s
            if s.bit_length() > limit:
                raise Decline(f"row {i}'s value may have about 2^{s.bit_length() - 1} bits; a "
                              f"fingerprint would need primes of more than {limit} bits "
                              f"(--max-prime-bits)", loc)
        if i & 1023 == 0:
            budget.tick(1024, loc)
        bits.append(s)
    return bits[-1], top, sum(bits)


def residue(c: Circuit, m: int | None, budget: Budget, loc: Location) -> int:
    """The circuit's value modulo m (exactly if m is None)."""
    if m is None:
        a = [gmpy2.mpz(x) for x in c.constants]
        for i, (j, op, k) in enumerate(c.rows, start=1):
            a.append(a[j] * a[k] if op == "*" else a[j] + a[k] if op == "+" else a[j] - a[k])
            if i & 1023 == 0:
                budget.tick(1024, loc)
        return int(a[-1])
    m = gmpy2.mpz(m)
    a = [gmpy2.mpz(x) % m for x in c.constants]
    for i, (j, op, k) in enumerate(c.rows, start=1):
        if op == "*":
            a.append(a[j] * a[k] % m)
        elif op == "+":
            a.append((a[j] + a[k]) % m)
        else:
            a.append((a[j] - a[k]) % m)
        if i & 1023 == 0:
            budget.tick(1024, loc)
    return int(a[-1])


# ---- the error bound -------------------------------------------------------------------------
def primes_lower_bound(k: int) -> fmpq:
    """A rational strictly below the number of primes in [2^(k−1), 2^k), k ≥ 6 (see above)."""
    if k < 6:
        raise ValueError("the Rosser–Schoenfeld bound needs 2^(k-1) >= 17")
    x = fmpq(1 << (k - 1))
    return 2 * x / (LN2_UPPER * k) - RS_UPPER * x / (LN2_LOWER * (k - 1))


def error_per_modulus(B: int, k: int, rounds: int) -> fmpq:
    """The probability that one drawn modulus hides a difference |D| < 2^B (see above)."""
    bad = B // (k - 1)
    composite = fmpq(1 << (k - 2), 4 ** rounds)
    return (bad + composite) / primes_lower_bound(k)


def rounds_for(k: int, target: int) -> int:
    """Least r with 4^(−r)·2^(k−2) ≤ N_k(lower)·2^(−target−2)."""
    q = fmpq(1 << (k - 2 + target + 2)) / primes_lower_bound(k)
    need = int((q.p + q.q - 1) // q.q)                 # ⌈q⌉; 4^r ≥ ⌈q⌉ suffices
    return ((need - 1).bit_length() + 1) // 2


def choose(B: int, target: int, max_bits: int, loc: Location = None) -> Plan:
    """The least prime size k ≥ 32 (t = 1) with error ≤ 2^(−target); DECLINE above max_bits."""
    k = max(MIN_PRIME_BITS, B.bit_length() + target)
    while k <= max_bits:
        r = rounds_for(k, target)
        e = error_per_modulus(B, k, r)
        if e * (1 << target) <= 1:
            return Plan(k, 1, r, e)
        k += 1
    raise Decline(f"a fingerprint with error at most 2^-{target} for values of up to {B} bits "
                  f"needs primes of more than {max_bits} bits (--max-prime-bits)", loc)


# ---- drawing primes --------------------------------------------------------------------------
class Randomness(Protocol):
    """What the kernel draws from: `getrandbits(k)`, k uniform random bits as an integer."""

    def getrandbits(self, k: int) -> int: ...


FIAT_SHAMIR_TAG = b"nncert-fingerprint\n"


class OracleStream:
    """Random bits derived from a key by SHA-256 in counter mode: call c's k bits are the first
    k bits of sha256(key ‖ c ‖ 0) ‖ sha256(key ‖ c ‖ 1) ‖ … (c and the block index as 8-byte
    big-endian integers).  For a random oracle these are uniform and independent."""

    def __init__(self, key: bytes):
        self._key = key
        self._calls = 0

    def getrandbits(self, k: int) -> int:
        if k <= 0:
            return 0
        head = self._key + self._calls.to_bytes(8, "big")
        self._calls += 1
        blocks = b"".join(hashlib.sha256(head + i.to_bytes(8, "big")).digest()
                          for i in range((k + 255) // 256))
        return int.from_bytes(blocks, "big") >> (8 * len(blocks) - k)


def fiat_shamir_key(seed: int, document: bytes) -> bytes:
    """sha256(tag ‖ seed in decimal ‖ newline ‖ the whole document): the decimal seed has no
    newline, so (seed, document) is recovered from the hashed string."""
    return hashlib.sha256(FIAT_SHAMIR_TAG + str(int(seed)).encode("ascii") + b"\n"
                          + document).digest()


def randomness(seed: int | None, document: bytes) -> Randomness:
    """The kernel's random source: os randomness, or for a seed the bits of the random oracle
    at (seed, document) — reproducible, yet unknown to the author before the document is
    fixed (see above)."""
    if seed is None:
        return random.SystemRandom()
    return OracleStream(fiat_shamir_key(seed, document))


def describe(seed: int | None) -> str:
    """Which randomness a verdict rests on, for the verdict line and --json."""
    if seed is None:
        return "fresh os randomness"
    return f"seed {seed}, Fiat-Shamir over the document"


def below(rng: Randomness, n: int) -> int:
    """Uniform in [0, n), n ≥ 1, by rejection from n.bit_length() random bits."""
    k = n.bit_length()
    while True:
        x = rng.getrandbits(k)
        if x < n:
            return x


def _passes_miller_rabin(n: int, rounds: int, rng: Randomness) -> bool:
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = gmpy2.powmod(2 + below(rng, n - 3), d, n)     # a base in [2, n−2]
        if x == 1 or x == n - 1:
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def random_prime(k: int, rounds: int, rng: Randomness, budget: Budget,
                 loc: Location = None) -> int:
    """A k-bit number uniform among those passing the test, i.e. (see above) a uniform prime of
    [2^(k−1), 2^k) except with probability ≤ 4^(−r)·2^(k−2)/N_k."""
    while True:
        budget.tick(1 + k // 64, loc)
        n = (1 << (k - 1)) | (rng.getrandbits(k - 2) << 1) | 1
        if gmpy2.is_prime(n) and _passes_miller_rabin(n, rounds, rng):
            return n


# ---- the claim -------------------------------------------------------------------------------
def equal(left: Circuit, right: Circuit, budget: Budget, rng: Randomness,
          loc: Location = None, target: int = TARGET_BITS) -> fmpq | None:
    """Return None if the values are equal (exact), or an error bound e: the values are equal
    except with probability ≤ e.  Reject if they differ (always an exact disproof)."""
    sl, tl, ul = sizes(left, budget, loc, budget.max_prime_bits)
    sr, tr, ur = sizes(right, budget, loc, budget.max_prime_bits)
    if max(tl, tr) <= EXACT_BITS and ul + ur <= EXACT_TOTAL:
        a, b = residue(left, None, budget, loc), residue(right, None, budget, loc)
        if a != b:
            raise Reject(f"the values differ ({a} and {b})", loc)
        return None
    plan = choose(max(sl, sr) + 1, target, budget.max_prime_bits, loc)
    m = 1
    for _ in range(plan.t):
        m *= random_prime(plan.k, plan.rounds, rng, budget, loc)
    if residue(left, m, budget, loc) != residue(right, m, budget, loc):
        raise Reject(f"the values differ: their residues modulo a {plan.k}-bit prime differ "
                     f"(an exact disproof)", loc)
    return plan.error ** plan.t
