"""posslp-to-dnnt (002 Lemma 3.5): the printed construction fails the audit, the corrected one
passes; every certificate is judged by the kernel, not by the reduction code."""
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker
from checker.audit import audit
from checker.cli import main
from checker.reductions import posslp_to_dnnt as R

KNOWN_BAD = {
    "negative factor": [(0, "+", 0), (0, "-", 1), (1, "*", 2)],
    "trailing zero": [(0, "+", 0), (1, "+", 1), (2, "+", 0), (3, "+", 3), (1, "*", 4),
                      (4, "-", 5)],
    "negative square": [(0, "+", 0), (0, "-", 1), (2, "*", 2)],
}


@pytest.mark.parametrize("case", sorted(KNOWN_BAD))
def test_printed_variant_fails_where_the_audit_says(case):
    assert checker.check(R.certificate(KNOWN_BAD[case], "printed")).status == "REJECT"
    assert checker.check(R.certificate(KNOWN_BAD[case], "corrected")).status == "ACCEPT"


@st.composite
def programs(draw):
    rows = []
    for i in range(1, draw(st.integers(1, 7)) + 1):
        j = draw(st.integers(0, i - 1))
        rows.append((j, draw(st.sampled_from("+-*")),
                     draw(st.one_of(st.just(j), st.integers(0, i - 1)))))
    return rows


@settings(max_examples=120, deadline=None)
@given(programs())
def test_corrected_variant_corresponds(rows):
    if max(abs(v) for v in _values(rows)).bit_length() > 200:
        return
    verdict = checker.check(R.certificate(rows, "corrected"))
    assert verdict.status == "ACCEPT", (rows, verdict.reason)


def _values(rows):
    a = [1]
    for j, op, k in rows:
        a.append(a[j] + a[k] if op == "+" else a[j] - a[k] if op == "-" else a[j] * a[k])
    return a


def test_weights_stay_in_the_papers_set_even_for_repeated_operands():
    rows = [(0, "+", 0), (1, "-", 1), (1, "+", 2), (3, "*", 3)]
    for variant in R.VARIANTS:
        text = R.build(rows, variant).instance
        domains = {line.split("{")[1].split("}")[0] for line in text.splitlines()
                   if line.strip().startswith("param ")}
        assert domains <= {"1", "-1"}, (variant, domains)


def test_printed_value_deviation_shows_where_the_decision_does_not():
    # a1 = 0, a2 = -1, a3 = a1 * a2 = 0: both NO (the printed output -9 <= 0), but h3 != a3
    rows = [(0, "-", 0), (1, "-", 0), (1, "*", 2)]
    verdict = checker.check(R.certificate(rows, "printed"))
    assert verdict.status == "REJECT" and "solves(V, value)" in verdict.reason
    assert checker.check(R.certificate(rows, "corrected")).status == "ACCEPT"


@pytest.mark.parametrize("v", [0, 1, 2, -1, -2, 10, 2**70 + 3, -(2**64)])
def test_constant_rows_write_the_value(v):
    assert R.slp_value(R.constant_rows(v)) == v


def test_wrong_label_is_rejected():
    # the value claim can fail: a certificate whose V carries a wrong a_l is REJECTED
    rows = [(0, "+", 0), (1, "*", 1)]
    text = R.certificate(rows, "corrected").replace("    1 -> 4", "    1 -> 5")
    assert "1 -> 5" in text and checker.check(text).status == "REJECT"


def test_certificate_claims_follow_the_source_not_the_target():
    rows = KNOWN_BAD["negative factor"]
    text = R.certificate(rows, "printed")
    assert "refutes(P);" in text and "refutes(T);" in text


def test_audit_command(tmp_path, capsys):
    assert main(["audit", "posslp-to-dnnt", "--count", "60", "--seed", "3",
                 "--out", str(tmp_path)]) == 0
    assert "OK posslp-to-dnnt" in capsys.readouterr().out
    assert audit("posslp-to-dnnt", 300, 0, "printed", tmp_path) > 0
    written = list(tmp_path.glob("*.nnc"))
    assert len(written) == 1
    assert checker.check(checker.load(written[0])).status == "REJECT"


def test_reduce_command(tmp_path, capsys):
    src = tmp_path / "p.nnc"
    src.write_text("nncert 1;\ninstance P : slp {\n  0 + 0\n  1 * 1\n}\nclaims { refutes(P); }\nend\n")
    out = tmp_path / "out.nnc"
    assert main(["reduce", "posslp-to-dnnt", str(src), "-o", str(out)]) == 0
    assert checker.check(checker.load(out)).status == "ACCEPT"
    assert main(["reduce", "posslp-to-dnnt", str(tmp_path / "missing.nnc"), "-o", str(out)]) == 3
    bad = tmp_path / "bad.nnc"
    bad.write_text("nncert 1; garbage")
    assert main(["reduce", "posslp-to-dnnt", str(bad), "-o", str(out)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_random_programs_exercise_the_glossed_cases():
    rng = random.Random(0)
    programs = [R.random_source(rng) for _ in range(300)]
    assert any(j == k for p in programs for j, _, k in p)
    assert any(v < 0 for p in programs for v in _values(p))
    assert any(v != 0 and v % 10 == 0 for p in programs for v in _values(p))
