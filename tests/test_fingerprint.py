"""`equal` claims by fingerprints (checker/kernel/problems/fingerprint.py, circuits.py).

The error-bound arithmetic is checked against an independent computation (sympy's prime
counts, mpmath logarithms at 50 digits, `fractions`); acceptance and rejection come in twins;
seeds reproduce, and a seed is hashed with the whole document (Fiat-Shamir) so
that its prime is unknown to the document's author; probabilistic and exact verdicts are kept apart.
"""
from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy
from flint import fmpq

import checker
from checker import Budget
from checker.cli import main
from checker.kernel.judge.claims import PROVED, Judgment, Statement, settle
from checker.kernel.problems import fingerprint as FP
from checker.kernel.problems.fingerprint import Circuit

ADVERSARIAL = Path(__file__).resolve().parent / "adversarial" / "fingerprint"


def squaring(n: int, first: str = "0 + 0") -> str:
    """a1 = 2, then n - 1 squarings: the value 2^(2^(n-1))."""
    return "\n".join([first] + [f"{i} * {i}" for i in range(1, n)])


def doc(p: str, q: str, claims: str = "equal(P, Q);", extra: str = "") -> str:
    return (f"nncert 1;\ninstance P : slp {{\n{p}\n}}\ninstance Q : slp {{\n{q}\n}}\n{extra}"
            f"claims {{ {claims} }}\nend\n")


def network(n: int, x: int = 2, act: str = "t^2") -> str:
    lines = [f"  {'output' if i == n else 'hidden'} h{i} sq = 1*{'x' if i == 1 else f'h{i-1}'};"
             for i in range(1, n + 1)]
    return ("instance N : training {\n  input x;\n  activation sq(t) = " + act + ";\n"
            + "\n".join(lines) + f"\n  loss squared;\n  gamma 0;\n  data {{ {x} -> 0 }}\n}}\n"
            "witness W for N { }\n")


# ---- the bound, against independent computations --------------------------------------------
@pytest.mark.parametrize("k", range(6, 23))
def test_prime_count_lower_bound_is_below_the_true_count(k):
    true = sympy.primepi(2 ** k) - sympy.primepi(2 ** (k - 1))
    bound = FP.primes_lower_bound(k)
    assert 0 < bound < true
    assert Fraction(int(bound.p), int(bound.q)) > Fraction(true, 3)   # not vacuous either


@pytest.mark.parametrize("k", [6, 32, 97, 1000, 65536])
def test_prime_count_lower_bound_is_below_rosser_schoenfeld(k):
    """Our rational is below 2x/ln 2x - 1.25506 x/ln x (x = 2^(k-1)), computed with mpmath."""
    mpmath.mp.dps = 50 + k // 3
    x = mpmath.mpf(2) ** (k - 1)
    real = 2 * x / mpmath.log(2 * x) - mpmath.mpf("1.25506") * x / mpmath.log(x)
    b = FP.primes_lower_bound(k)
    assert mpmath.mpf(int(b.p)) / int(b.q) < real
    assert mpmath.mpf(int(b.p)) / int(b.q) > real * mpmath.mpf("0.99")


def test_ln2_bracket():
    mpmath.mp.dps = 30
    assert FP.LN2_LOWER < fmpq(6932, 10000)
    assert mpmath.mpf(6931) / 10000 < mpmath.log(2) < mpmath.mpf(6932) / 10000


def independent_error(B: int, k: int, r: int) -> Fraction:
    x = Fraction(2 ** (k - 1))
    n_lb = 2 * x / (Fraction(6932, 10000) * k) - Fraction(125506, 100000) * x / (
        Fraction(6931, 10000) * (k - 1))
    return (B // (k - 1) + Fraction(2 ** (k - 2), 4 ** r)) / n_lb


@pytest.mark.parametrize("B", [2, 64, 1000, 2 ** 30 + 2, 2 ** 1000 + 12345])
def test_chosen_plan_meets_the_target_and_is_least(B):
    plan = FP.choose(B, 64, 1 << 22)
    assert plan.t == 1 and plan.k >= 32
    e = independent_error(B, plan.k, plan.rounds)
    assert e == Fraction(int(plan.error.p), int(plan.error.q))
    assert e <= Fraction(1, 2 ** 64)
    if plan.k > max(32, B.bit_length() + 64):
        k = plan.k - 1                        # one bit less would not do
        assert independent_error(B, k, FP.rounds_for(k, 64)) > Fraction(1, 2 ** 64)
    r = plan.rounds                           # and r is the least number of rounds that does
    n_lb = independent_error(0, plan.k, r) * 4 ** r / 2 ** (plan.k - 2)
    assert Fraction(2 ** (plan.k - 2), 4 ** r) <= Fraction(1, 2 ** 66) / n_lb
    assert Fraction(2 ** (plan.k - 2), 4 ** (r - 1)) > Fraction(1, 2 ** 66) / n_lb


def test_unreachable_bound_declines():
    with pytest.raises(checker.Decline, match="needs primes of more than 100 bits"):
        FP.choose(2 ** 64, 64, 100)


def test_error_bound_grows_with_B_and_falls_with_k():
    assert FP.error_per_modulus(10 ** 6, 90, 40) < FP.error_per_modulus(10 ** 9, 90, 40)
    assert FP.error_per_modulus(10 ** 6, 120, 40) < FP.error_per_modulus(10 ** 6, 90, 40)


# ---- primes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [32, 61, 100, 256])
def test_random_prime_is_a_prime_of_k_bits(k):
    p = FP.random_prime(k, FP.rounds_for(k, 64), random.Random(k), Budget().start())
    assert p.bit_length() == k and sympy.isprime(p)


def test_seed_reproduces_the_prime_and_fresh_randomness_varies():
    draw = lambda rng: FP.random_prime(128, 40, rng, Budget().start())   # noqa: E731
    d = b"nncert 1;\n"
    assert draw(FP.randomness(7, d)) == draw(FP.randomness(7, d))
    assert draw(FP.randomness(7, d)) != draw(FP.randomness(8, d))
    assert len({draw(FP.randomness(None, d)) for _ in range(3)}) == 3
    assert isinstance(FP.randomness(None, d), random.SystemRandom)


# ---- Fiat-Shamir: a seed is hashed with the whole document -----------------------------------
def test_seeded_randomness_depends_on_every_byte_of_the_document():
    """The author fixes the document before the prime is known: one byte more or less (even in
    a comment) and the prime is another; the seed alone no longer determines it."""
    draw = lambda rng: FP.random_prime(128, 40, rng, Budget().start())   # noqa: E731
    text = doc(squaring(41), squaring(41)).encode()
    variants = [text, text + b"\n", text.replace(b"nncert 1;", b"# x\nnncert 1;"),
                text.replace(b"0 + 0", b"0  + 0", 1)]
    assert len({draw(FP.randomness(0, t)) for t in variants}) == len(variants)
    assert draw(FP.randomness(0, text)) != draw(random.Random(0))      # not the old scheme


def test_fiat_shamir_key_and_stream_are_the_documented_sha256():
    """An independent computation of the documented construction (hashlib only)."""
    import hashlib
    key = hashlib.sha256(b"nncert-fingerprint\n" + b"-5\n" + b"doc").digest()
    assert FP.fiat_shamir_key(-5, b"doc") == key
    assert FP.fiat_shamir_key(1, b"2\ndoc") != FP.fiat_shamir_key(12, b"\ndoc")   # unambiguous
    rng = FP.OracleStream(key)
    blocks = [hashlib.sha256(key + (0).to_bytes(8, "big") + (i).to_bytes(8, "big")).digest()
              for i in range(2)]
    assert rng.getrandbits(300) == int.from_bytes(b"".join(blocks), "big") >> 212
    second = hashlib.sha256(key + (1).to_bytes(8, "big") + bytes(8)).digest()
    assert rng.getrandbits(7) == second[0] >> 1                         # a fresh call counter
    assert rng.getrandbits(0) == 0


def test_below_is_in_range_and_hits_every_value():
    rng = FP.OracleStream(b"k")
    seen = {FP.below(rng, 5) for _ in range(200)}
    assert seen == set(range(5))
    assert all(0 <= FP.below(rng, n) < n for n in (1, 2, 3, 2 ** 64 + 1) for _ in range(20))


OLD_SEED0_PRIME = 99125128809528884803000348150681   # tests/adversarial/fingerprint/seed0_*


def test_the_prime_the_old_seeded_scheme_drew_is_no_longer_accepted():
    """Before Fiat-Shamir, --seed 0 drew this prime for every document whose values need 107-bit
    primes (random.Random(0)), so Q = P + p was ACCEPTED under --seed 0.  The fixture's p is that
    prime, and now the same document is rejected under seed 0 (and without a seed)."""
    plan = FP.choose(2 ** 41 + 2, 64, 4096)      # |P|, |Q| < 2^(2^41 + 1)
    assert plan.k == 107
    assert FP.random_prime(plan.k, plan.rounds, random.Random(0), Budget().start()) \
        == OLD_SEED0_PRIME
    text = (ADVERSARIAL / "seed0_prime_plus.nnc").read_text()
    assert str(OLD_SEED0_PRIME) in text and "# budget: seed=0" in text
    for budget in (Budget(seed=0), Budget()):
        v = checker.check(text, budget)
        assert v.status == "REJECT" and "exact disproof" in v.reason, v.reason


def test_seeded_verdicts_are_reproducible_and_name_their_randomness(monkeypatch):
    drawn = []
    real = FP.random_prime
    monkeypatch.setattr(FP, "random_prime", lambda *a, **k: drawn.append(real(*a, **k))
                        or drawn[-1])
    text = doc(squaring(41), squaring(41), "equal(P, Q); equal(Q, P);")
    first = checker.check(text, Budget(seed=4))
    again = checker.check(text, Budget(seed=4))
    assert first.status == again.status == "ACCEPT"
    assert first.randomness == "seed 4, Fiat-Shamir over the document"
    assert drawn[:2] == drawn[2:] and drawn[0] != drawn[1]     # per claim a fresh prime
    checker.check(text + "\n", Budget(seed=4))
    assert drawn[4] != drawn[0]


@pytest.mark.parametrize("n", [561, 1105, 2047, 3215031751, 3825123056546413051,
                               318665857834031151167461])
def test_miller_rabin_rejects_carmichael_and_strong_pseudoprimes(n):
    assert not sympy.isprime(n)
    assert not FP._passes_miller_rabin(n, 30, random.Random(n))


def test_miller_rabin_accepts_primes():
    for p in (2 ** 61 - 1, 2 ** 89 - 1, sympy.nextprime(10 ** 30)):
        assert FP._passes_miller_rabin(int(p), 30, random.Random(1))


# ---- residues against exact evaluation -------------------------------------------------------
def random_circuit(rng: random.Random, n: int) -> Circuit:
    consts = [rng.randint(-50, 50) for _ in range(3)]
    rows = [(rng.randrange(len(consts) + i), rng.choice("+-*"), rng.randrange(len(consts) + i))
            for i in range(n)]
    return Circuit(consts, rows)


def test_residue_is_the_exact_value_modulo_m():
    rng = random.Random(5)
    for _ in range(200):
        c = random_circuit(rng, rng.randrange(0, 30))
        exact = FP.residue(c, None, Budget().start(), None)
        m = rng.choice([97, 2 ** 61 - 1, 10 ** 20 + 39])
        assert FP.residue(c, m, Budget().start(), None) == exact % m
        s, top, total = FP.sizes(c, Budget().start(), None, 1 << 22)
        assert abs(exact) < 2 ** s and s <= top <= total


# ---- claims: accept / reject twins -----------------------------------------------------------
SEEDED = Budget(seed=11)


def test_huge_equal_programs_accepted_probabilistically_where_exact_declines():
    p, q = squaring(41), squaring(41, "0 + 0\n1 + 1").replace("\n1 * 1", "", 1)
    v = checker.check(doc(p, q), Budget(seed=11))
    assert (v.status, v.reason) == ("ACCEPT", "")
    assert v.probabilistic and v.error <= fmpq(1, 2 ** 64)
    assert v.guarantee() == "probabilistic: error <= 2^-64 (seed 11, Fiat-Shamir over the document)"
    exact = checker.check(doc(p, q, "solves(P, V);", "witness V for P { }\n"))
    assert exact.status == "DECLINE" and "--max-bits" in exact.reason


def test_huge_programs_differing_by_one_rejected_exactly():
    p = squaring(41)
    v = checker.check(doc(p, p + "\n40 - 0"), Budget(seed=11))
    assert v.status == "REJECT" and "exact disproof" in v.reason
    assert not v.probabilistic


def test_product_of_many_primes_is_still_caught():
    """D = 2^(2^40) - 1 has many small prime factors; primes of >= 32 bits must miss them all
    except with tiny probability (and here, with several seeds, always)."""
    p = squaring(41)
    for seed in range(5):
        v = checker.check(doc(p, p + "\n0 + 0\n40 - 41"), Budget(seed=seed))
        assert v.status == "REJECT", v.reason


def test_small_programs_are_compared_exactly():
    v = checker.check(doc("0 + 0\n1 * 1", "0 + 0\n1 + 1"))     # 4 and 4
    assert (v.status, v.probabilistic, v.guarantee()) == ("ACCEPT", False, "exact")
    v = checker.check(doc("0 + 0\n1 * 1", "0 + 0\n1 + 0"))     # 4 and 3
    assert v.status == "REJECT" and "(4 and 3)" in v.reason


def test_empty_program_has_value_one():
    assert checker.check(doc("", "0 * 0")).status == "ACCEPT"
    assert checker.check(doc("", "0 + 0")).status == "REJECT"


def test_network_output_equals_program():
    text = doc(squaring(41), "0 + 0", "equal(P, N, W);", network(40))
    v = checker.check(text, Budget(seed=3))
    assert (v.status, v.probabilistic) == ("ACCEPT", True), v.reason
    v = checker.check(text.replace("data { 2", "data { -2"), Budget(seed=3))   # same value
    assert v.status == "ACCEPT", v.reason
    v = checker.check(text.replace("data { 2", "data { 3"), Budget(seed=3))
    assert v.status == "REJECT" and "exact disproof" in v.reason
    v = checker.check(text.replace("t^2", "t^2 + 1"), Budget(seed=3))
    assert v.status == "REJECT"


@pytest.mark.parametrize("act,reason", [
    ("relu(t)^2", "relu"), ("t^2 / 2", "divides"), ("floor(t)^2", "floor"),
    ("t^2 * 1.5", "integers"), ("if t > 0 then t else 0", "ite")])
def test_network_outside_the_ring_fragment_declines(act, reason):
    v = checker.check(doc(squaring(3), "0 + 0", "equal(P, N, W);", network(2, act=act)))
    assert v.status == "DECLINE" and reason in v.reason, v.reason


def test_network_with_two_data_points_or_a_field_declines():
    text = doc(squaring(3), "0 + 0", "equal(P, N, W);", network(2))
    v = checker.check(text.replace("data { 2 -> 0", "data { 2 -> 0\n 3 -> 0"))
    assert v.status == "DECLINE" and "one data point" in v.reason
    v = checker.check(text.replace("nncert 1;", "nncert 1;\nfield r : r^2 - 2 in (1, 2);"))
    assert v.status == "DECLINE" and "rationals only" in v.reason


def test_network_witness_values_are_used_and_checked():
    text = doc(squaring(3), "0 + 0", "equal(P, N, W);", network(2)).replace(
        "h1 sq = 1*x", "h1 sq = a*x").replace("input x;", "input x;\n  param a {1, 2};")
    assert checker.check(text.replace("witness W for N { }", "witness W for N { a = 1; }")
                         ).status == "ACCEPT"
    assert checker.check(text.replace("witness W for N { }", "witness W for N { a = 2; }")
                         ).status == "REJECT"
    v = checker.check(text.replace("witness W for N { }", "witness W for N { a = 3; }"))
    assert v.status == "REJECT" and "not in its domain" in v.reason


def test_over_budget_prime_declines():
    v = checker.check(doc(squaring(80), squaring(80)), Budget(max_prime_bits=100))
    assert v.status == "DECLINE" and "more than 100 bits (--max-prime-bits)" in v.reason
    v = checker.check(doc(squaring(10 ** 5), squaring(10 ** 5)))       # decided from sizes
    assert v.status == "DECLINE" and "primes of more than 4096 bits" in v.reason


# ---- verdicts: never mixed silently ----------------------------------------------------------
def test_mixed_document_reports_the_weakest_guarantee():
    text = doc(squaring(41), squaring(41), "equal(P, Q); solves(P, V); equal(Q, P);",
               "witness V for P { }\n").replace(squaring(41), squaring(5), 1)
    v = checker.check(text, Budget(seed=2))
    assert v.status == "REJECT"                     # P now differs from Q: exact reject
    text = doc(squaring(5), squaring(41), "solves(P, V); equal(Q, Q);", "witness V for P { }\n")
    v = checker.check(text, Budget(seed=2))
    assert (v.status, v.probabilistic) == ("ACCEPT", True)
    only_exact = doc(squaring(5), squaring(41), "solves(P, V);", "witness V for P { }\n")
    assert not checker.check(only_exact).probabilistic


def test_settle_adds_the_error_bounds():
    a, b = Statement("equal", ("x", "y"), "a"), Statement("equal", ("y", "x"), "b")
    c = Statement("solves", ("x", "z"), "c")
    v = settle([(a, None), (b, None), (c, None)],
               [Judgment(a, PROVED, error=fmpq(1, 2 ** 64)),
                Judgment(b, PROVED, error=fmpq(1, 2 ** 65)), Judgment(c, PROVED)])
    assert v.status == "ACCEPT" and v.error == fmpq(3, 2 ** 65)
    assert v.guarantee() == "probabilistic: error <= 2^-63"     # 3/2^65 > 2^-64
    v = settle([(c, None)], [Judgment(c, PROVED)])
    assert v.error is None and v.guarantee() == "exact"


# ---- the CLI ---------------------------------------------------------------------------------
def test_cli_marks_seeds_and_exact_mode(tmp_path, capsys):
    f = tmp_path / "eq.nnc"
    f.write_text(doc(squaring(41), squaring(41)))
    assert main(["check", "--seed", "5", str(f)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ACCEPT {f} ")
    assert ("probabilistic: error <= 2^-64 (seed 5, Fiat-Shamir over the document): "
            "1 claim(s): equal(P, Q)") in out
    assert main(["check", str(f)]) == 0
    assert "(fresh os randomness)" in capsys.readouterr().out
    assert main(["check", "--exact", str(f)]) == 2
    assert capsys.readouterr().out.startswith(f"DECLINE {f} ")
    assert main(["check", "--json", "--seed", "5", str(f)]) == 0
    j = json.loads(capsys.readouterr().out)
    assert (j["verdict"], j["probabilistic"], j["randomness"]) == (
        "ACCEPT", True, "seed 5, Fiat-Shamir over the document")
    assert Fraction(j["error_bound"]) <= Fraction(1, 2 ** 64)
    g = tmp_path / "exact.nnc"
    g.write_text(doc("0 + 0", "0 + 0"))
    assert main(["check", "--json", "--exact", str(g)]) == 0
    j = json.loads(capsys.readouterr().out)
    assert (j["probabilistic"], j["guarantee"], j["error_bound"]) == (False, "exact", None)
