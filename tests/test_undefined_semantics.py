"""One meaning of "undefined", everywhere (docs/LANGUAGE.md, "Undefined values").

An assignment at which an instance is undefined (division by zero, a non-integer exponent, a
negative custom loss, ...) is not a solution — for `solves`, for refutations by enumeration and
for exhaustive correspondences alike.  The documents in tests/semantics/ were written in
adversarial review round 0 against a kernel in which the derived `refutes(T) via R` (through
an exhaustive correspondence) and the direct `refutes(T)` disagreed on such a point.  Now the
two routes must agree, and each document's claims hold under the documented semantics.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import checker

ROOT = Path(__file__).resolve().parent / "semantics"
FILES = sorted(ROOT.glob("*.nnc"))


def status(text: str) -> str:
    return checker.check(checker.load(text)).status


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_derived_and_direct_refutations_agree(path: Path) -> None:
    text = path.read_text()
    assert status(text) == "ACCEPT"
    if "refutes(T) via R;" in text:
        direct = text.replace("refutes(T) via R;", "refutes(T);")
        assert status(direct) == "ACCEPT"


# Reject twins: give T a point that is defined and fits, so T has a solution and the claims fail.
TWINS = {
    "eval_error_counts_as_nonsolution.nnc": [("param a {1/2};", "param a {1/2, 1};"),
                                             ("gamma 1/100;", "gamma 100;")],
    "negative_custom_loss_corresponds.nnc": [("loss = y(1) - p(1);", "loss = (y(1) - p(1))^2;"),
                                             ("gamma 0;", "gamma 100;")],
    "negative_custom_loss_refuted_via.nnc": [("loss = y(1) - p(1);", "loss = (y(1) - p(1))^2;"),
                                             ("gamma 0;", "gamma 100;")],
}


def test_every_document_has_a_twin() -> None:
    assert sorted(TWINS) == [p.name for p in FILES]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_defined_solution_breaks_the_claims(path: Path) -> None:
    text = broken = path.read_text()
    for old, new in TWINS[path.name]:
        assert old in broken
        broken = broken.replace(old, new)
    assert status(broken) == "REJECT"
    if "refutes(T) via R;" in broken:
        assert status(broken.replace("refutes(T) via R;", "refutes(T);")) == "REJECT"
