"""Producers never show a traceback: every audit driver over several seeds and small counts
(corrected variants: exit 0; printed: exit 0 or 1, never a crash), and an internal error of
any producer command (reduce, audit, solve, import) is one line naming the command and the
input, exit 4.  A longer sweep is tools/audit_sweep.py (figures in docs/AUDIT.md)."""
from __future__ import annotations

import pytest

from checker.audit import REDUCTIONS
from checker.cli import PRODUCER_CRASH, main
from checker.reductions import dnnt_to_cnnt, posslp_to_dnnt

# (count per seed, seeds): a few seconds per reduction on CI
SLOW = {"etr-inv-to-nnt": (2, 3), "restricted-to-nnt": (2, 3), "dnnt-to-cnnt": (3, 4)}
SEEDS = range(101, 107)


def _audit(name, variant, count, seed, tmp_path, capsys):
    code = main(["audit", name, "--variant", variant, "--count", str(count), "--seed",
                 str(seed), "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out, (name, variant, seed)
    return code, captured


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_corrected_audits_pass_over_seeds(name, tmp_path, capsys):
    count, seeds = SLOW.get(name, (6, len(SEEDS)))
    for seed in list(SEEDS)[:seeds]:
        code, captured = _audit(name, "corrected", count, seed, tmp_path, capsys)
        assert code == 0, (name, seed, captured.out, captured.err)


@pytest.mark.parametrize("name", sorted(set(REDUCTIONS) - {"etr-inv-to-nnt", "restricted-to-nnt"}))
def test_printed_audits_fail_or_pass_but_never_crash(name, tmp_path, capsys):
    count = 2 if name == "dnnt-to-cnnt" else 4          # (failures are minimised: slow)
    for seed in list(SEEDS)[:3]:
        code, captured = _audit(name, "printed", count, seed, tmp_path, capsys)
        assert code in (0, 1), (name, seed, captured.err)


def test_the_reported_crash_is_gone():
    # `nncert audit dnnt-to-cnnt --count 30 --seed 5` raised "Exceeds the limit (4300 digits)
    # for integer string conversion": its largest instance, written and accepted
    import random

    import checker
    rng = random.Random(5)
    sources = [dnnt_to_cnnt.random_source(rng) for _ in range(30)]
    widest = max(sources, key=lambda s: max(dnnt_to_cnnt.target(s, "corrected").f))
    assert max(dnnt_to_cnnt.target(widest, "corrected").f).bit_length() > 4300 * 3.33
    verdict = checker.check(dnnt_to_cnnt.certificate(widest, "corrected"))
    assert verdict.status == "ACCEPT", verdict.reason


def _boom(*args, **kwargs):
    raise ZeroDivisionError("a producer bug\nover two lines")


def _one_crash_line(capsys, *words):
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("nncert:")]
    assert len(lines) == 1 and "internal error" in lines[0], err
    assert "ZeroDivisionError: a producer bug over two lines" in lines[0]
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_audit_crash_is_one_line_naming_the_instance(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(posslp_to_dnnt, "certificate", _boom)
    assert main(["audit", "posslp-to-dnnt", "--count", "3", "--seed", "7",
                 "--out", str(tmp_path)]) == PRODUCER_CRASH
    _one_crash_line(capsys, "audit posslp-to-dnnt", "seed 7", "instance 1")


def test_reduce_crash_is_one_line_naming_the_source(monkeypatch, tmp_path, capsys):
    src = tmp_path / "p.nnc"
    src.write_text("nncert 1;\ninstance P : slp {\n  0 + 0\n}\nclaims { solves(P, w); }\nend\n")
    monkeypatch.setattr(posslp_to_dnnt, "certificate", _boom)
    assert main(["reduce", "posslp-to-dnnt", str(src), "-o",
                 str(tmp_path / "o.nnc")]) == PRODUCER_CRASH
    _one_crash_line(capsys, "reduce posslp-to-dnnt", str(src))


def test_solve_crash_is_one_line_naming_the_source(monkeypatch, tmp_path, capsys):
    import checker.solvers as solvers
    src = tmp_path / "i.nnc"
    src.write_text("nncert 1;\nclaims { }\nend\n")
    monkeypatch.setattr(solvers, "solve_text", _boom)
    assert main(["solve", str(src)]) == PRODUCER_CRASH
    _one_crash_line(capsys, "solve", str(src))


def test_import_crash_is_one_line_naming_the_file(monkeypatch, tmp_path, capsys):
    import checker.importers.smtlib as smtlib
    src = tmp_path / "p.smt2"
    src.write_text("(declare-fun x () Real)\n(assert (> x 0))\n")
    monkeypatch.setattr(smtlib, "import_smtlib", _boom)
    assert main(["import", "smtlib", str(src)]) == PRODUCER_CRASH
    _one_crash_line(capsys, "import smtlib", str(src))


def test_huge_numbers_are_written_without_the_digit_limit():
    from checker.reductions.numerals import dec, expr, ratio
    n = 7 ** 20000                                   # 16,902 digits
    assert dec(n) == dec(n) and len(dec(n)) > 4300 and dec(-n) == "-" + dec(n)
    assert expr(-n).startswith("(-") and ratio(n) == dec(n)
    from fractions import Fraction
    assert ratio(Fraction(1, n)) == "1/" + dec(n)
    assert dnnt_to_cnnt.ex(n) == dec(n)


def test_crash_exit_status_is_documented(capsys):
    for command in ("reduce", "audit", "solve"):
        assert main([command, "--help"]) == 0
        assert "4 internal error" in capsys.readouterr().out
