"""The command-line contract: verdict lines, exit codes, --json, --help, no tracebacks."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "certificates" / "examples" / "golden_ratio.nnc"


def run(args, tmp_path=None):
    proc = subprocess.run([sys.executable, "-m", "checker.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    return proc


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_bytes(text.encode("latin-1") if isinstance(text, str) else text)
    return p


def test_accept_line_and_exit_0():
    proc = run(["check", GOLDEN])
    assert proc.returncode == 0
    status, path, digest, *rest = proc.stdout.split()
    assert status == "ACCEPT" and path.endswith("golden_ratio.nnc") and len(digest) == 64
    assert "solves(golden, fit)" in proc.stdout


def test_reject_gives_location_and_exit_1(tmp_path):
    bad = write(tmp_path, "bad.nnc", GOLDEN.read_text().replace("b = phi - 1;", "b = 3/5;"))
    proc = run(["check", bad])
    assert proc.returncode == 1
    assert proc.stdout.startswith("REJECT ") and "exceeds gamma" in proc.stdout


@pytest.mark.parametrize("content", [b"", b"\x00\xff garbage", b"nncert 1;\ninstance", b"end"])
def test_malformed_files_are_rejected_with_a_location(tmp_path, content):
    proc = run(["check", write(tmp_path, "x.nnc", content)])
    assert proc.returncode == 1
    assert proc.stdout.startswith("REJECT ")
    assert any(tok.count(":") == 1 and tok.replace(":", "").isdigit() for tok in proc.stdout.split())


def test_decline_exit_2(tmp_path):
    text = GOLDEN.read_text().replace("a = phi;", "a = 2^(10^9);")
    proc = run(["check", write(tmp_path, "big.nnc", text)])
    assert proc.returncode == 2 and proc.stdout.startswith("DECLINE ")


@pytest.mark.parametrize("claim,words", [("refutes(golden);", "does not support")])
def test_unsupported_claim_declines(tmp_path, claim, words):
    text = GOLDEN.read_text().replace("solves(golden, fit);", claim)
    proc = run(["check", write(tmp_path, "r.nnc", text)])
    assert proc.returncode == 2 and words in proc.stdout


def test_worst_verdict_wins(tmp_path):
    bad = write(tmp_path, "bad.nnc", "nncert 1;")
    big = write(tmp_path, "big.nnc", GOLDEN.read_text().replace("a = phi;", "a = 2^(10^9);"))
    assert run(["check", GOLDEN, big]).returncode == 2
    assert run(["check", GOLDEN, big, bad]).returncode == 1
    assert run(["check", GOLDEN, tmp_path / "missing.nnc", bad]).returncode == 3


def test_usage_errors_exit_3():
    assert run([]).returncode == 3
    assert run(["check"]).returncode == 3
    assert run(["frobnicate"]).returncode == 3
    assert run(["check", "--max-bits", "0", GOLDEN]).returncode == 3


def test_help_teaches():
    proc = run(["check", "--help"])
    assert proc.returncode == 0
    for word in ("exit status", "ACCEPT", "--max-bits", "--json", "example"):
        assert word in proc.stdout


def test_json_output(capsys):
    assert main(["check", "--json", str(GOLDEN)]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["verdict"] == "ACCEPT" and len(obj["sha256"]) == 64
    assert obj["claims"][0]["kind"] == "solves"
    assert all(len(h) == 64 for h in obj["claims"][0]["subjects_sha256"])


def test_same_file_same_hash_and_binding_to_instance(capsys):
    assert main(["check", "--json", str(GOLDEN)]) == 0
    first = json.loads(capsys.readouterr().out)
    from checker import check, load
    altered = GOLDEN.read_text().replace("1 1 -> ? 2", "1 1 -> ? 3")
    v = check(load(altered))
    assert v.status == "REJECT"
    relaxed = altered.replace("gamma 0;", "gamma 10;")
    v = check(load(relaxed))
    assert v.status == "ACCEPT"
    assert v.claims[0].subjects[0] != first["claims"][0]["subjects_sha256"][0]
