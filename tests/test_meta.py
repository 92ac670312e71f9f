"""Meta tests: the suite must catch broken checkers.

The differential tests (and the corpus of certificates, where it exists) are run in
subprocesses three times, concurrently: with `NNCERT_BROKEN=accept` (every document accepted),
with `NNCERT_BROKEN=parse_only` (accepted iff it parses), and unbroken.  Both broken runs must
fail with failing tests (exit status 1, not a usage or collection error); the unbroken run must
pass.  tests/conftest.py installs the broken checkers.

To extend: add test files to `SUITE` (files that do not exist yet are skipped).
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SUITE = ["tests/test_differential.py", "tests/test_corpus.py"]
MODES = ("accept", "parse_only")
TIMEOUT = 900


def suite_files() -> list[str]:
    return [f for f in SUITE if (ROOT / f).exists()]


def _command() -> list[str]:
    return [sys.executable, "-m", "pytest", *suite_files(), "-x", "-q", "-p", "no:cacheprovider"]


@pytest.fixture(scope="module")
def runs() -> dict:
    """Start all three runs at once (they are independent), then wait for each."""
    procs = {}
    for mode in (*MODES, None):
        env = dict(os.environ)
        env.pop("NNCERT_BROKEN", None)
        env.pop("PYTEST_ADDOPTS", None)
        if mode is not None:
            env["NNCERT_BROKEN"] = mode
        procs[mode] = subprocess.Popen(_command(), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
    out = {}
    try:
        for mode, p in procs.items():
            stdout, _ = p.communicate(timeout=TIMEOUT)
            out[mode] = (p.returncode, stdout)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    return out


def test_suite_files_exist():
    assert "tests/test_differential.py" in suite_files()


@pytest.mark.parametrize("mode", MODES)
def test_broken_checker_fails_the_suite(runs, mode):
    code, output = runs[mode]
    tail = output[-3000:]
    # exit status 1: tests ran and failed (2-5 would be an interruption or a usage/collection
    # error, which proves nothing about the checker)
    assert code == 1, f"NNCERT_BROKEN={mode}: exit status {code}\n{tail}"
    assert "FAILED" in output or "failed" in output, tail


def test_unbroken_checker_passes_the_suite(runs):
    code, output = runs[None]
    assert code == 0, f"unbroken run: exit status {code}\n{output[-3000:]}"
