"""Fuzzing the parser and checker: every input ends in a verdict, never in an internal error.

`check_text` turns any unexpected exception into a DECLINE that names it ("internal error");
such a verdict is a kernel bug, so the invariant here is: ACCEPT, REJECT or DECLINE, and never
"internal error" or a resources-exhausted crash.
"""
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "certificates" / "examples").glob("*.nnc")) + \
    [ROOT / "docs" / "LANGUAGE.md"]
CORPUS = [p.read_text() for p in SEEDS if p.suffix == ".nnc"]
TOKENS = ["nncert", "1", ";", "field", "instance", "training", "etr", "witness", "for", "claims",
          "end", "{", "}", "(", ")", "[", "]", ",", ":", "=", "->", "?", "+", "-", "*", "/",
          "^", "input", "param", "real", "hidden", "output", "relu", "identity", "threshold",
          "loss", "squared", "gamma", "data", "matrix", "solves", "refutes", "x", "y", "a",
          "0", "2", "1/2", "0.5", "-1", "if", "then", "else", "and", "or", "not", "<=", "\n",
          "sumover", "p", "y(1)", "#", "phi", "in", "from", "weights", "bias", "nobias"]

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SMALL = checker.Budget(max_seconds=5, max_bits=50_000, max_steps=200_000)


def assert_clean(text: str) -> None:
    v = checker.check(checker.load(text.encode("latin-1", "replace")), SMALL)
    assert v.status in ("ACCEPT", "REJECT", "DECLINE")
    assert "internal error" not in v.reason and "resources exhausted" not in v.reason, v.reason
    if v.status != "ACCEPT":
        assert v.reason


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data):
    v = checker.check(checker.load(data), SMALL)
    assert v.status in ("REJECT", "DECLINE") or data.startswith(b"nncert")
    assert "internal error" not in v.reason


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_token_soup(tokens):
    assert_clean(" ".join(tokens))


@FUZZ
@given(st.sampled_from(CORPUS) if CORPUS else st.just("nncert 1; end"),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 12), st.sampled_from(TOKENS)),
                min_size=1, max_size=4))
def test_mutated_examples(text, edits):
    for pos, cut, token in edits:
        pos %= len(text) + 1
        text = text[:pos] + token + text[pos + cut:]
    assert_clean(text)


@FUZZ
@given(st.sampled_from(CORPUS) if CORPUS else st.just("nncert 1; end"), st.integers(0, 10**6))
def test_truncated_examples_reject(text, cut):
    cut %= max(len(text.rstrip()) - 1, 1)
    v = checker.check(checker.load(text[:cut].encode()), SMALL)
    assert v.status == "REJECT", (cut, v)
