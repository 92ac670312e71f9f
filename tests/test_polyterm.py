"""Polynomial terms (syntax/polyterm.py): the identity route's only form of a polynomial.

Each non-polynomial construct is refused at conversion, at its own location; divisors are
listed as written; and the accepting twins of the adversarial identity fixtures
(tests/adversarial/identity/) show the same shapes ACCEPT once their divisors are proved
non-zero.
"""
import pytest

import checker
from checker.kernel.base.budget import Budget, Reject
from checker.kernel.base.polynomials import PolynomialRing
from checker.kernel.semantics import polyeval
from checker.kernel.syntax import polyterm as P
from checker.kernel.syntax.parser import parse


def expr(text: str):
    doc = parse(f"nncert 1;\ninstance E : etr {{ var x, y, z; formula 0 = ({text}); }}\n"
                f"claims {{ solves(E, w); }}\nend\n")
    block = [it for it in doc.items if getattr(it, "kind", None) == "etr"][0]
    return block.decls[-1].data["body"].right


@pytest.mark.parametrize("text, why", [
    ("if x = 0 then 1 else x", "an if-then-else"),
    ("fracdigits(x)", "a function call"),
    ("floor(x) + 1", "a function call"),
    ("x^y", "an exponent must be a natural-number literal"),
    ("x^-1", "a negative exponent"),
    ("x/y", "divide only by a non-zero number"),
    ("x/0", "divide only by a non-zero number"),
])
def test_a_polynomial_term_has_no_constructor_for(text, why):
    with pytest.raises(Reject) as err:
        P.convert(expr(text), "a step")
    assert why in err.value.reason and err.value.loc is not None


def test_a_rational_term_lists_its_divisors_as_written():
    t = P.convert(expr("x*(1/x) + y^-2 + z/3"), "a map", P.RATIONAL)
    shown = sorted(type(d).__name__ + ":" + getattr(d, "name", str(getattr(d, "value", "")))
                   for d in P.divisors(t))
    assert shown == ["Num:3", "Var:x", "Var:y"]
    with pytest.raises(Reject):                       # a divisor is a polynomial term
        P.convert(expr("1/(1/x)"), "a map", P.RATIONAL)


def test_laurent_terms_divide_by_nonzero_variables_only():
    P.convert(expr("x/y + y^-2"), "an ETR formula", P.laurent(frozenset({"y"})))
    with pytest.raises(Reject):
        P.convert(expr("x/z"), "an ETR formula", P.laurent(frozenset({"y"})))


def test_evaluation_is_the_ring_value():
    ring = PolynomialRing(["x", "y", "z"])
    v = polyeval.evaluate(P.convert(expr("(x + y)^2 - 2*x*y/2"), "t"), ring, ring.env(),
                          Budget())
    g = ring.gens
    assert v == g["x"] ** 2 + g["x"] * g["y"] + g["y"] ** 2


TWIN = """nncert 1;
instance S : etr { var x, y; formula x*y = 1; }
instance T : etr { var u; formula u = 1; }
reduction R : S -> T {
  encode { u = MAP; }
  decode { x = 1; y = 1; }
  forward { PROOF }
  backward { }
}
claims { corresponds(R); }
end
"""


@pytest.mark.parametrize("value", ["x*(1/x)", "x^2/x + 1 - x", "x*x^-1"])
def test_a_map_divisor_shown_nonzero_accepts_and_unshown_rejects(value):
    proved = TWIN.replace("MAP", value).replace("PROOF", "nonzero x inverse y by hyp[1];")
    assert checker.check(proved).status == "ACCEPT"
    unproved = TWIN.replace("MAP", value).replace("PROOF", "")
    v = checker.check(unproved)
    assert v.status == "REJECT" and "divisor" in v.reason
