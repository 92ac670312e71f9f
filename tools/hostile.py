"""Hostile inputs: each must end in DECLINE or REJECT within seconds, with bounded memory.

    python tools/hostile.py            # prints a table: case, verdict, seconds, peak MiB

Each case runs `nncert check` in a fresh subprocess so that time and peak memory (max RSS)
are measured per case.  The table is recorded in docs/SOUNDNESS.md.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD = "nncert 1;\n"
ETR = "instance e : etr { var x; formula x = x; }\n"
TAIL = "claims { solves(e, w); }\nend\n"


def etr_witness(value: str, field: str = "") -> str:
    return HEAD + field + ETR + f"witness w for e {{ x = {value}; }}\n" + TAIL


def wide_network(n: int) -> str:
    return (HEAD + f"instance t : training {{ input x[{n}];\n"
            f"hidden h[{n}] relu from x weights real bias real;\n"
            "output o identity = h[1];\nloss squared; gamma 0; data { } }\n"
            "claims { refutes(t); }\nend\n")


def enumeration(params: int, values: int) -> str:
    names = ", ".join(f"a{i}" for i in range(params))
    terms = " + ".join(f"a{i}*x" if i == 0 else f"a{i}" for i in range(params))
    dom = "{" + ", ".join(str(v) for v in range(values)) + "}"
    return (HEAD + f"instance t : training {{ input x; param {names} {dom};\n"
            f"output o identity = {terms};\nloss squared; gamma 0; data {{\n1 -> -1\n}} }}\n"
            "claims { refutes(t); }\nend\n")


def sparse_row(entries: str) -> str:
    return (HEAD + "instance t : training { input x, y; param a real; output o identity = a*x;\n"
            f"loss squared; gamma 0; data {{\n{{{entries}}} -> 1\n}} }}\n"
            "witness w for t { a = 1; }\nclaims { solves(t, w); }\nend\n")


def squarings(name: str, rows: int) -> str:
    return (f"instance {name} : slp {{\n0 + 0\n"
            + "".join(f"{i} * {i}\n" for i in range(1, rows)) + "}\n")


CASES = {
    "2^(10^9)": (lambda: etr_witness("2^(10^9)"), "DECLINE"),
    "10^(10^9)": (lambda: etr_witness("10^(10^9)"), "DECLINE"),
    "numeral of 10^7 digits": (lambda: etr_witness("7" * 10**7), "DECLINE"),
    "degree-10^6 field polynomial": (lambda: etr_witness("r", "field r: r^1000000 - 2 in (1, 2);\n"),
                                     "DECLINE"),
    "nesting 10^5 deep": (lambda: etr_witness("(1 + " * 10**5 + "1" + ")" * 10**5), "REJECT"),
    "10^6 nested squarings": (lambda: etr_witness("(" * 10**6 + "2" + ")^2" * 10**6), "REJECT"),
    "SLP of 10^6 squarings": (lambda: HEAD + "instance P : slp {\n0 + 0\n"
                              + "".join(f"{i} * {i}\n" for i in range(1, 10**6))
                              + "}\nclaims { refutes(P); }\nend\n", "DECLINE"),
    "enumeration space 10^30": (lambda: enumeration(30, 10), "DECLINE"),
    "10^6 edges, no data": (lambda: wide_network(1000), "DECLINE"),
    "sparse row index of 10^6 digits": (lambda: sparse_row("9" * 10**6 + ": 1"), "REJECT"),
    "sparse row naming 10^6 inputs": (lambda: sparse_row(", ".join(
        f"{i}: 1" for i in range(1, 10**6 + 1))), "REJECT"),
    "equal of two 10^6-squaring SLPs": (lambda: HEAD + squarings("P", 10**6)
                                        + squarings("Q", 10**6)
                                        + "claims { equal(P, Q); }\nend\n", "DECLINE"),
}


def run_case(text: str) -> tuple[str, float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".nnc", delete=False) as f:
        f.write(text)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _CHILD, f.name], capture_output=True, text=True,
                          timeout=120)
    seconds = time.monotonic() - start
    Path(f.name).unlink()
    verdict = proc.stdout.split(" ", 1)[0] if proc.stdout else f"exit {proc.returncode}"
    peak_kib = int(proc.stderr.strip().splitlines()[-1]) if proc.stderr.strip() else 0
    return verdict, seconds, peak_kib / 1024


# the child checks one file and reports its own peak memory (max RSS, KiB) on stderr
_CHILD = """
import resource, sys
from checker.cli import main
code = main(["check", "--max-seconds", "10", sys.argv[1]])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def main() -> int:
    print("| case | expected | verdict | seconds | peak MiB (max RSS) |")
    print("|---|---|---|---|---|")
    bad = 0
    for name, (make, expected) in CASES.items():
        verdict, seconds, mib = run_case(make())
        bad += verdict != expected
        print(f"| {name} | {expected} | {verdict} | {seconds:.2f} | {mib:.0f} |", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
