"""Derived claims (checker/kernel/composition.py): `solves(T, W) via R...` and
`refutes(T) via R...` hold exactly when the chain connects and every premise is proved."""
import pytest

import checker
from checker.kernel.base.budget import Budget, Decline

S = "instance S : etr { var x, y; formula x*y = 1 and x + y = 1; }\n"
E = "instance E : etr { var x nonzero; formula x + x^-1 = 1; }\n"
F = "instance F : etr { var a nonzero; var b; formula a + a^-1 = 1 and b = 0; }\n"
NSS = ("refutation nss for S { multiply 1 by 4/3; multiply 2 by -4/3*x; "
       "square 0: 4/3, x - 1/2; }\n")
R = ("reduction R : S -> E { encode { x = x; } decode { x = x; y = 1/x; }\n"
     "  forward { nonzero x inverse y by hyp[1]; goal 1 by x*hyp[2] - hyp[1]; }\n"
     "  backward { goal 2 by hyp[1]; } }\n")
R2 = ("reduction R2 : E -> F { encode { a = x; b = 0; } decode { x = a; }\n"
      "  forward { goal 1 by hyp[1]; } backward { goal 1 by hyp[1]; } }\n")


def doc(claims: str) -> str:
    return "nncert 1;\n" + S + E + F + NSS + R + R2 + "claims {\n" + claims + "}\nend\n"


def test_a_refutation_travels_along_a_chain_of_two():
    v = checker.check(doc("corresponds(R); corresponds(R2); refutes(S, nss);"
                          " refutes(F) via R, R2;"))
    assert v.status == "ACCEPT", v.reason


def test_a_derived_refutation_is_a_premise_for_the_next_link():
    v = checker.check(doc("corresponds(R); corresponds(R2); refutes(S, nss);"
                          " refutes(E) via R; refutes(F) via R2;"))
    assert v.status == "ACCEPT", v.reason


def test_without_the_refutation_of_the_start_the_derivation_rejects():
    v = checker.check(doc("corresponds(R); corresponds(R2); refutes(F) via R, R2;"))
    assert v.status == "REJECT" and "needs a refutation of 'S'" in v.reason


def test_a_declined_premise_leaves_the_derived_claim_undecided():
    from checker.kernel.judge.claims import DECLINED, PROVED
    from checker.kernel.judge.composition import derive, record
    from checker.kernel.judge.elaborate import elaborate
    from checker.kernel.syntax.parser import parse
    el = elaborate(parse(doc("corresponds(R); corresponds(R2); refutes(S, nss);"
                             " refutes(F) via R, R2;")), Budget().start())
    corr1, corr2, refutation, derived = el.claims
    judged: dict = {}
    record(judged, corr1, PROVED)
    record(judged, corr2, DECLINED)
    record(judged, refutation, PROVED)
    with pytest.raises(Decline, match="corresponds.R2. is not established"):
        derive(el, derived, judged)
    record(judged, corr2, PROVED)                  # first judgment stays: still declined
    with pytest.raises(Decline):
        derive(el, derived, judged)


def test_a_wrong_premise_rejects_the_document():
    bad = doc("corresponds(R); corresponds(R2); refutes(S, nss); refutes(F) via R, R2;")
    bad = bad.replace("multiply 1 by 4/3;", "multiply 1 by 5/3;")
    v = checker.check(bad)
    assert v.status == "REJECT" and "refutes(S, nss)" in v.reason
