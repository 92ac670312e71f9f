"""The SMT-LIB and solver-model importers (untrusted producers), judged by the kernel.

Unit tests of the reader, the name mapping, the term translation and the algebraic-number code;
the 003 section 1.2 ETR example written as SMT-LIB; seeded random polynomial systems with
rational and quadratic-irrational solutions solved by z3 and cvc5 (their models imported and
ACCEPTED, deliberately wrong models REJECTED); the command line (exit codes, line:col errors,
no tracebacks); the shipped example pair is reproduced byte for byte.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from flint import fmpq, fmpq_poly, fmpz_poly

import checker
from checker.cli import main
from checker.importers import ImportFailure
from checker.importers.algebraic import RealAlgebraic, common_field, root_in, root_obj
from checker.importers.model import certificate, import_model, parse_model, poly_text, value
from checker.importers.names import map_names, show_symbol, usable
from checker.importers.sexpr import Atom, SList, read_all
from checker.importers.smtlib import import_smtlib, parse_smtlib

ROOT = Path(__file__).resolve().parent.parent
SMTLIB = ROOT / "certificates" / "smtlib"


def status(doc: str) -> tuple[str, str]:
    v = checker.check(doc)
    return v.status, v.reason


def one_value(text: str):
    return value(read_all(text)[0])


# ---- the s-expression reader -----------------------------------------------------------------
def test_reader_atoms_and_locations():
    (e,) = read_all('; comment\n  (assert (> |x y| 0.50))  ; tail\n')
    assert isinstance(e, SList) and e.loc == (2, 3) and e.head() == "assert"
    gt = e.items[1]
    assert [i.text for i in gt.items] == [">", "x y", "0.50"]
    assert [i.kind for i in gt.items] == ["symbol", "symbol", "decimal"]
    assert gt.items[1].quoted and gt.items[1].loc == (2, 14)


def test_reader_strings_keywords_and_cvc5_angle():
    items = read_all('(set-info :source "a ""quoted"" (text)") '
                     '(_ real_algebraic_number <1*x^2 + (-2), (5/4, 3/2)>)')
    assert items[0].items[1].kind == "keyword"
    assert items[0].items[2] == Atom("string", 'a "quoted" (text)', (1, 19))
    assert items[1].items[2].kind == "angle"
    assert items[1].items[2].text == "1*x^2 + (-2), (5/4, 3/2)"


@pytest.mark.parametrize("text,loc,sub", [
    ("(assert (> x 0)", (1, 1), "never closed"),
    ("(assert x))", (1, 11), "unbalanced"),
    ("(declare-const |x Real)", (1, 16), "never closed"),
])
def test_reader_errors(text, loc, sub):
    with pytest.raises(ImportFailure) as e:
        read_all(text)
    assert e.value.loc == loc and sub in e.value.reason


def test_reader_deep_nesting_is_not_a_recursion_error():
    depth = 100_000
    (e,) = read_all("(" * depth + ")" * depth)
    assert isinstance(e, SList)


# ---- names -----------------------------------------------------------------------------------
def test_names_kept_renamed_and_deterministic():
    m = map_names(["x", "x y", "x!1", "x.y", "and", "1a", "x_1", "end", "T"])
    assert m == {"x": "x", "x y": "x_y", "x!1": "x_1_2", "x.y": "x_y_2", "and": "and_",
                 "1a": "v_1a", "x_1": "x_1", "end": "end_", "T": "T"}
    assert len(set(m.values())) == len(m)
    assert all(usable(n) for n in m.values())
    assert map_names(["x!1", "x_1"]) == {"x!1": "x_1_2", "x_1": "x_1"}


def test_usable_is_decided_by_the_grammar():
    assert usable("x") and usable("theta_2")
    assert not usable("in") and not usable("formula") and not usable("a.b") and not usable("2x")


def test_show_symbol():
    assert show_symbol("x+y") == "x+y"
    assert show_symbol("x y") == "|x y|"
    assert show_symbol("caf\u00e9") == "|caf\\xe9|"


# ---- SMT-LIB -> ETR --------------------------------------------------------------------------
def formulas(smt: str) -> list[str]:
    return [t for t, _ in parse_smtlib(smt).formulas]


def test_terms_and_precedence():
    smt = """(declare-fun x () Real) (declare-const y Real)
    (assert (= (- x (+ y 1) (- 3)) (* (- x) (/ y 4) (^ (+ x 1) 2))))
    (assert (=> (< x 1 y) (or (not (>= x 0.1)) (distinct x y 2))))
    (assert (/ x (/ 1 3) (- 2)))"""
    with pytest.raises(ImportFailure, match="expected a truth value"):
        parse_smtlib(smt)
    smt = smt.replace("(assert (/ x (/ 1 3) (- 2)))", "(assert (= 0 (/ x (/ 1 3) (- 2))))")
    assert formulas(smt) == [
        "x - (y + 1) - -3 = -x * (y / 4) * (x + 1)^2",
        "not (x < 1 and 1 < y) or (not x >= 0.1 or x != y and x != 2 and y != 2)",
        "0 = x * 3 * (-1/2)",
    ]


def test_let_define_fun_ite_bool_equality_and_annotations():
    smt = """(declare-fun x () Real)
    (define-fun sq ((t Real)) Real (* t t))
    (define-fun two () Real 2)
    (define-fun pos ((t Real)) Bool (> t 0))
    (assert (! (let ((a (sq x)) (x 5)) (= a two x)) :named n1))
    (assert (ite (pos x) (= (pos x) true) false))"""
    assert formulas(smt) == ["x * x = 2 and 2 = 5",
                             "x > 0 and (x > 0 and 0 = 0 or not x > 0 and not 0 = 0) or "
                             "not x > 0 and 0 = 1"]


@pytest.mark.parametrize("smt,loc,sub", [
    ("(declare-fun n () Int)", (1, 19), "sort Int is not supported"),
    ("(declare-const b Bool)", (1, 18), "Boolean variables are not supported"),
    ("(declare-fun f (Real) Real)", (1, 16), "uninterpreted functions"),
    ("(declare-fun x () Real)\n(assert (= (/ 1 x) 2))", (2, 17), "only by a constant"),
    ("(declare-fun x () Real)\n(assert (= (/ x 0) 2))", (2, 17), "division by zero"),
    ("(declare-fun x () Real)\n(assert (forall ((y Real)) (> x y)))", (2, 9), "quantifiers"),
    ("(push 1)", (1, 1), "unsupported command 'push'"),
    ("(declare-fun x () Real)\n(assert (> x z))", (2, 14), "unknown symbol z"),
    ("(declare-fun x () Real)\n(assert (+ x 1))", (2, 9), "expected a truth value"),
    ("(declare-fun x () Real)\n(assert (and x true))", (2, 14), "expected a truth value"),
    ("(declare-fun x () Real)\n(assert (= (ite (> x 0) x 1) 1))", (2, 12), "ite is supported"),
    ("(declare-fun x () Real)\n(assert (= (to_real x) 1))", (2, 12), "unsupported function"),
    ("(declare-fun x () Real)\n(declare-fun x () Real)", (2, 14), "declared twice"),
    ("(declare-fun x () Real)\n(assert (= (^ x y) 1))", (2, 17), "exponent must be a numeral"),
    ("(assert (= #x0F 1))", (1, 12), "not supported"),
    ("(declare-fun x () Real)\n(assert (= x -6))", (2, 14), "write (- 6)"),
])
def test_unsupported_input_is_one_sentence_with_line_col(smt, loc, sub):
    with pytest.raises(ImportFailure) as e:
        parse_smtlib(smt)
    assert e.value.loc == loc, e.value
    assert sub in e.value.reason


def test_import_smtlib_document_claims_nothing_but_its_instance_is_checked():
    smt = "(set-logic QF_LRA)(declare-fun |x y| () Real)(assert (> |x y| 0.5))(check-sat)"
    doc = import_smtlib(smt, "p")
    assert "#   |x y| -> x_y" in doc and "formula x_y > 0.5;" in doc
    assert status(doc) == ("REJECT", "the certificate makes no claim")
    # the instance is well-formed: with a witness and a claim the kernel decides it
    good = doc.replace("claims {\n}", "witness w for p { x_y = 1; }\nclaims { solves(p, w); }")
    assert status(good) == ("ACCEPT", "")
    bad = good.replace("x_y = 1;", "x_y = 1/2;")
    assert status(bad)[0] == "REJECT"


def test_decimals_are_exact():
    smt = "(declare-fun x () Real)(assert (= (* 3 x) 0.1))"
    assert status(import_model("(model (define-fun x () Real (/ 1 30)))", smt))[0] == "ACCEPT"
    assert status(import_model("(define-fun x () Real 0.0333333333)", smt))[0] == "REJECT"


# ---- the 003 section 1.2 ETR example as SMT-LIB ----------------------------------------------
ETR_003 = """(set-logic QF_NRA)
(declare-const x Real)
(declare-const y Real)
(assert (= (* (+ (* x x) (* y y) (* (- 6) x) (* (- 4) y) 13)
              (+ (^ y 4) (* (- 4) y y y) (* x x) (* 6 y y) (* 2 x) (* (- 4) y) 2))
           0))
(assert (or (>= x 4) (> y 1)))
(check-sat)
(get-model)
"""


def model_of(pairs: dict[str, str]) -> str:
    return "sat\n(\n" + "".join(f"  (define-fun {k} () Real {v})\n" for k, v in pairs.items()) + ")"


def test_003_etr_example_accepts_the_paper_solution_and_rejects_the_other_zero():
    assert status(import_model(model_of({"x": "3.0", "y": "2.0"}), ETR_003, "etr003"))[0] == \
        "ACCEPT"
    bad = import_model(model_of({"x": "(- 1.0)", "y": "1.0"}), ETR_003, "etr003")
    assert status(bad) == ("REJECT", "solves(etr003, model): the formula of 'etr003' is false "
                                     "at the witness")


# ---- model values ----------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("0.5", fmpq(1, 2)), ("(- 3.0)", fmpq(-3)), ("(/ 1 2)", fmpq(1, 2)),
    ("(/ (- 1) 3)", fmpq(-1, 3)), ("(- (/ 1.0 3.0))", fmpq(-1, 3)), ("7", fmpq(7)),
    ("(root-obj (+ (* 2 x) (- 1)) 1)", fmpq(1, 2)),
    ("(_ real_algebraic_number <2*x + (-1), (0, 1)>)", fmpq(1, 2)),
])
def test_rational_values(text, expected):
    assert one_value(text) == expected


def test_root_obj_index_counts_real_roots_in_increasing_order():
    sqrt2 = RealAlgebraic(fmpz_poly([-2, 0, 1]), fmpq(1), fmpq(2))
    for k, sign in ((1, -1), (2, 1)):
        r = one_value(f"(root-obj (+ (^ x 2) (- 2)) {k})")
        assert r.poly == sqrt2.poly and sign * r.lo > 0 and sign * r.hi > 0
    # (x - 1)(x^2 - 2): roots -sqrt2 < 1 < sqrt2, rational roots count too
    p = "(* (- x 1) (+ (^ x 2) (- 2)))"
    assert one_value(f"(root-obj {p} 2)") == 1
    assert one_value(f"(root-obj {p} 3)").lo > 1
    with pytest.raises(ImportFailure, match="index 4 is out of range"):
        one_value(f"(root-obj {p} 4)")


def test_cvc5_algebraic_syntax():
    r = one_value("(_ real_algebraic_number <3*x^3 + (-5*x) + 1, (-3/2, -5/4)>)")
    assert r.poly == fmpz_poly([1, -5, 0, 3]) and r.lo >= fmpq(-3, 2) and r.hi <= fmpq(-5, 4)
    with pytest.raises(ImportFailure, match="holds 2 roots"):
        one_value("(_ real_algebraic_number <1*x^2 + (-2), (-2, 2)>)")
    with pytest.raises(ImportFailure, match="cannot read the term"):
        one_value("(_ real_algebraic_number <1*x^2 + (-2)*, (1, 2)>)")


def test_approximate_and_missing_models_are_refused():
    with pytest.raises(ImportFailure, match="decimal approximation"):
        parse_model("(define-fun x () Real 1.41421?)")
    with pytest.raises(ImportFailure, match="answered unsat"):
        parse_model("unsat")


def test_common_field_verifies_each_representation():
    sqrt2 = root_obj(fmpq_poly([-2, 0, 1]), 2)
    cbrt2 = root_obj(fmpq_poly([-2, 0, 0, 1]), 1)
    one_plus = root_in(fmpq_poly([-1, -2, 1]), fmpq(2), fmpq(3))
    field, reps = common_field([sqrt2, cbrt2, one_plus, sqrt2])
    assert field.poly.degree() == 6 and reps[0] == reps[3]
    # the same root of the same polynomial with another interval is recognised as equal
    field2, reps2 = common_field([sqrt2, root_in(fmpq_poly([-2, 0, 1]), fmpq(0), fmpq(5))])
    assert field2.poly == fmpz_poly([-2, 0, 1]) and reps2 == [fmpq_poly([0, 1])] * 2


def test_poly_text():
    assert poly_text(fmpq_poly([fmpq(1, 3), -1, fmpq(3, 2)]), "t") == "3/2*t^2 - t + 1/3"
    assert poly_text(fmpq_poly([0, -1]), "t") == "-t"
    assert poly_text(fmpq_poly([]), "t") == "0"


def test_variable_missing_from_the_model_gets_zero():
    smt = "(declare-fun x () Real)(declare-fun y () Real)(assert (> x 1))"
    doc = import_model("((define-fun x () Real 2))", smt)
    assert "y = 0;   # not in the model" in doc and status(doc)[0] == "ACCEPT"


# ---- generated problems, solved by z3 and cvc5 -----------------------------------------------
def random_problem(seed: int) -> str:
    """A satisfiable polynomial system: each variable is pinned to a rational or to one root
    of a quadratic with a non-square discriminant; a coupling equation defines the last one."""
    rng = random.Random(seed)
    n = rng.randint(1, 3)
    lines = ["(set-logic QF_NRA)", "(set-option :produce-models true)"]
    names = [f"|v {i}|" if i % 2 else f"v!{i}" for i in range(n)]
    for v in names + ["s"]:
        lines.append(f"(declare-fun {v} () Real)")
    for v in names:
        if rng.random() < 0.3:
            a, b = rng.randint(1, 5), rng.randint(-9, 9)
            lines.append(f"(assert (= (* {a} {v}) {b}))")
            continue
        while True:
            p, q = rng.randint(-4, 4), rng.randint(-6, 6)
            d = p * p - 4 * q
            if d > 0 and int(d ** 0.5) ** 2 != d:
                break
        rel = rng.choice([">", "<"])
        lines.append(f"(assert (= (+ (* {v} {v}) (* {p} {v}) {q}) 0))")
        lines.append(f"(assert ({rel} (* 2 {v}) {-p}))")
    coeffs = [rng.randint(-3, 3) or 1 for _ in names]
    total = " ".join(f"(* {c} {v} {v})" if i % 2 else f"(* {c} {v})"
                     for i, (c, v) in enumerate(zip(coeffs, names)))
    lines.append(f"(assert (= s (+ 0.5 {total})))")
    lines += ["(check-sat)", "(get-model)"]
    return re.sub(r"(?<![\w.])-([0-9]+)", r"(- \1)", "\n".join(lines) + "\n")


def z3_model(smt: str) -> str:
    z3 = pytest.importorskip("z3")
    s = z3.Solver()
    s.from_string(smt)
    assert s.check() == z3.sat
    return s.model().sexpr()


def cvc5_model(smt: str) -> str:
    cvc5 = pytest.importorskip("cvc5")
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("produce-models", "true")
    sm = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, sm)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, smt, "problem")
    out = []
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            return "".join(out)
        out.append(cmd.invoke(solver, sm))


SOLVERS = {"z3": z3_model, "cvc5": cvc5_model}


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("seed", range(8))
def test_solver_model_is_accepted_and_a_perturbed_one_rejected(solver, seed):
    smt = random_problem(seed)
    model = SOLVERS[solver](smt)
    doc = import_model(model, smt, "gen")
    assert status(doc) == ("ACCEPT", ""), (model, doc)
    values = parse_model(model)
    problem = parse_smtlib(smt)
    for var in problem.variables:
        wrong = dict(values)
        v = values[var][0]
        # a rational moves by 1/1000; an irrational becomes a nearby rational (an end point
        # of its isolating interval, never a root of its irreducible polynomial)
        wrong[var] = (v + fmpq(1, 1000) if isinstance(v, fmpq) else v.lo, values[var][1])
        assert status(certificate(problem, wrong, "gen", "t"))[0] == "REJECT", var


def test_z3_wrong_root_index_is_rejected():
    smt = "(declare-fun x () Real)(assert (= (* x x) 2))(assert (> x 0))(check-sat)(get-model)"
    model = z3_model(smt)
    assert "(root-obj (+ (^ x 2) (- 2)) 2)" in model
    assert status(import_model(model, smt))[0] == "ACCEPT"
    wrong = model.replace("(- 2)) 2)", "(- 2)) 1)")
    assert status(import_model(wrong, smt)) == (
        "REJECT", "solves(smt, model): the formula of 'smt' is false at the witness")


def test_cvc5_and_z3_agree_on_an_irrational_system():
    smt = ("(set-logic QF_NRA)(set-option :produce-models true)"
           "(declare-fun x () Real)(declare-fun y () Real)(assert (= (* x x x) 2))"
           "(assert (= (* y y) (+ x 1)))(assert (< y 0))(check-sat)(get-model)")
    for solver in ("z3", "cvc5"):
        doc = import_model(SOLVERS[solver](smt), smt)
        assert doc.count("field theta:") == 1 and status(doc)[0] == "ACCEPT", solver


# ---- the command line ------------------------------------------------------------------------
def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_shipped_example_is_reproduced(capsys, monkeypatch):
    monkeypatch.chdir(SMTLIB)
    code, out, err = run(capsys, "import", "model", "sqrt2_sqrt3.z3-model",
                         "--smtlib", "sqrt2_sqrt3.smt2")
    assert code == 0 and "kernel: ACCEPT" in err
    assert out == (ROOT / "certificates" / "examples" / "imported_z3_model.nnc").read_text()


def test_cli_import_smtlib_then_check(capsys, tmp_path):
    out_file = tmp_path / "i.nnc"
    code, _, err = run(capsys, "import", "smtlib", str(SMTLIB / "sqrt2_sqrt3.smt2"),
                       "-o", str(out_file), "--name", "P")
    assert code == 0 and "wrote" in err
    assert "instance P : etr {" in out_file.read_text()
    code, out, _ = run(capsys, "check", str(out_file))
    assert code == 1 and out.endswith("the certificate makes no claim\n")


def test_cli_wrong_model_exits_1(capsys, tmp_path):
    model = (SMTLIB / "sqrt2_sqrt3.z3-model").read_text().replace("(/ 1.0 10.0)", "(/ 1.0 9.0)")
    (tmp_path / "m").write_text(model)
    code, _, err = run(capsys, "import", "model", str(tmp_path / "m"),
                       "--smtlib", str(SMTLIB / "sqrt2_sqrt3.smt2"), "-o", str(tmp_path / "c"))
    assert code == 1 and "kernel: REJECT" in err and "false at the witness" in err


def test_cli_input_errors_exit_3_with_file_line_col(capsys, tmp_path):
    bad = tmp_path / "bad.smt2"
    bad.write_text("(declare-fun x () Real)\n(declare-fun n () Int)\n")
    code, out, err = run(capsys, "import", "smtlib", str(bad))
    assert (code, out) == (3, "")
    assert err == f"nncert: {bad}:2:19: sort Int is not supported: an ETR instance is over the " \
                  f"reals (declare the variable as Real)\n"
    code, _, err = run(capsys, "import", "model", str(tmp_path / "nope"), "--smtlib",
                       str(SMTLIB / "sqrt2_sqrt3.smt2"))
    assert code == 3 and "cannot read" in err and "Traceback" not in err
    code, _, err = run(capsys, "import", "smtlib", str(SMTLIB / "sqrt2_sqrt3.smt2"),
                       "--name", "in")
    assert code == 3 and "not an nncert name" in err
    deep = tmp_path / "deep.smt2"
    deep.write_text("(declare-fun x () Real)(assert " + "(not " * 5000 + "(> x 0)"
                    + ")" * 5001)
    code, _, err = run(capsys, "import", "smtlib", str(deep))
    assert code == 3 and "nested too deeply" in err
    code, _, err = run(capsys, "import")
    assert code == 3
