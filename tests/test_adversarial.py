"""The adversarial corpus: hand-written documents whose claims are FALSE, each built by reading
the trusted source and aiming at a specific rule (tests/adversarial/<class>/*.nnc).

Every file starts with comment lines
    # attack: what the document tries
    # why false: why its claim does not hold (the mathematical reason)
    # expect: REJECT | DECLINE
optionally with a line `# budget: seed=0` (key=integer pairs, fields of `Budget`) among them,
and the kernel must give exactly the expected verdict - never ACCEPT.  Classes are folders:
the kinds of hole found by adversarial review (docs/SOUNDNESS.md, "Adversarial review").
Each is checked with the resource guard (a child process with a memory limit and a wall-clock
kill), so a document that escapes the budgets' estimates cannot take the test run down.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import checker
from checker.kernel.base.budget import Budget

ROOT = Path(__file__).resolve().parent / "adversarial"
FILES = sorted(ROOT.glob("*/*.nnc"))
HEADER = re.compile(r"# attack: .+\n# why false: .+\n(?:#.*\n)*?# expect: (REJECT|DECLINE)\n")


BUDGET = re.compile(r"^# budget: (.*)$", re.M)


def budget_of(text: str) -> Budget:
    """Budget(max_seconds=30) with the header's `# budget: key=value ...` (space-separated) overrides."""
    head = HEADER.match(text)
    m = BUDGET.search(text, 0, head.end()) if head else None
    fields = {"max_seconds": 30}
    for pair in (m.group(1).split() if m else []):
        key, _, value = pair.partition("=")
        fields[key] = int(value)
    return Budget(**fields)


def header(path: Path) -> str:
    text = path.read_text(encoding="latin-1")
    m = HEADER.match(text)
    assert m, f"{path.name}: must start with '# attack:', '# why false:' and '# expect:' lines"
    return m.group(1)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_attack_is_not_accepted(path: Path) -> None:
    expected = header(path)
    source = checker.load(path)
    # guarded: a missed estimate ends in a DECLINE from the child, never in a crashed pytest
    verdict = checker.check_guarded(source, budget_of(source.text))
    assert verdict.status != "ACCEPT", f"{path.name}: a false claim was ACCEPTED"
    assert verdict.status == expected, f"{path.name}: {verdict.status} ({verdict.reason})"


def test_budget_line_is_read() -> None:
    head = "# attack: a\n# why false: b\n# budget: seed=0 max_steps=7\n# expect: REJECT\n"
    assert (budget_of(head + "nncert 1;").seed, budget_of(head).max_steps) == (0, 7)
    assert budget_of(head.replace("# budget: seed=0 max_steps=7\n", "")).seed is None
    assert budget_of(head + "# budget: seed=3\n").seed == 0        # only inside the header
