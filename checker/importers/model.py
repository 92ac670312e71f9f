"""An SMT solver's model of an SMT-LIB problem -> a complete nncert certificate.

Reads the `(define-fun NAME () Real VALUE)` entries of a model printed by `(get-model)`, with
or without `sat` before it and with or without z3's older `(model ...)` wrapper.  VALUE is
  * a rational: `3`, `0.5`, `(- 3.0)`, `(/ 1 2)`, `(/ (- 1) 3)`, `(- (/ 1 3))`;
  * z3's `(root-obj P k)`: the k-th distinct real root of the polynomial P, in increasing
    order, counted from 1 (P in z3's syntax, e.g. `(+ (* 2 (^ x 2)) (- 1))`);
  * cvc5's `(_ real_algebraic_number <P, (LO, HI)>)`: the root of P (infix, e.g.
    `3*x^3 + (-5*x) + 1`) in the interval from LO to HI.
Decimal approximations such as z3's `1.41421?` (pp.decimal) are refused: values must be exact.

The document holds the ETR instance of the problem, one `field` declaration if some value is
irrational (every algebraic value written as a polynomial in one primitive element theta, see
`algebraic.common_field`), the witness `model` and `claims { solves(NAME, model); }`.
Variables the model leaves out are given the value 0 (said in a comment); the kernel decides.
"""
from __future__ import annotations

import re

from flint import fmpq, fmpq_poly

from . import ImportFailure
from .algebraic import RealAlgebraic, common_field, root_in, root_obj
from .names import fresh
from .sexpr import Atom, SExpr, SList, read_all
from .smtlib import EtrProblem, header, literal, parse_smtlib, render_instance

Value = fmpq | RealAlgebraic


def parse_model(text: str) -> dict[str, tuple[Value, tuple[int, int]]]:
    """SMT-LIB symbol -> (exact value, line:col) for every 0-ary Real definition."""
    out: dict[str, tuple[Value, tuple[int, int]]] = {}
    queue = list(read_all(text))
    while queue:
        e = queue.pop(0)
        if isinstance(e, Atom):
            if e.text in ("unsat", "unknown"):
                raise ImportFailure(f"the solver answered {e.text}: there is no model to import",
                                    e.loc)
            continue                               # `sat`, stray words
        head = e.head()
        if head == "error":
            raise ImportFailure(f"the solver reported an error: {_show_atom(e.items[1:])}", e.loc)
        if head == "model" or head is None:
            queue = list(e.items[1:] if head == "model" else e.items) + queue
            continue
        if head != "define-fun" or len(e.items) != 5:
            continue
        name, params, sort, body = e.items[1:]
        if not isinstance(name, Atom) or not isinstance(params, SList) or params.items:
            continue                               # function interpretations: not variables
        if not (isinstance(sort, Atom) and sort.text == "Real"):
            continue
        out[name.text] = (value(body), body.loc)
    return out


def _show_atom(items) -> str:
    return " ".join(i.text for i in items if isinstance(i, Atom)) or "(no message)"


def value(e: SExpr) -> Value:
    """The exact value of a model entry."""
    if isinstance(e, Atom):
        if e.kind in ("numeral", "decimal"):
            return literal(e)
        if e.text.endswith("?"):
            raise ImportFailure(f"{e.text} is a decimal approximation; ask the solver for exact "
                                f"values (z3: pp.decimal=false)", e.loc)
        raise ImportFailure(f"cannot read the value {e.text!r}", e.loc)
    head, args = e.head(), e.items[1:]
    if head == "root-obj" and len(args) == 2:
        k = args[1]
        if not (isinstance(k, Atom) and k.kind == "numeral"):
            raise ImportFailure("the index of a root-obj must be a numeral", k.loc)
        return root_obj(_poly(args[0]), int(k.text), e.loc)
    if (head == "_" and len(args) == 2 and isinstance(args[0], Atom)
            and args[0].text == "real_algebraic_number" and isinstance(args[1], Atom)
            and args[1].kind == "angle"):
        p, lo, hi = _cvc5_algebraic(args[1].text, args[1].loc)
        return root_in(p, lo, hi, e.loc)
    if head in ("+", "-", "*", "/") and args:
        vals = [value(a) for a in args]
        if not all(isinstance(v, fmpq) for v in vals):
            raise ImportFailure("arithmetic on algebraic numbers is not supported in a model "
                                "value", e.loc)
        return _fold(head, vals, e.loc)
    raise ImportFailure("unsupported model value: expected a rational, (root-obj P k) or "
                        "(_ real_algebraic_number <P, (LO, HI)>)", e.loc)


def _fold(op: str, vals: list, loc) -> fmpq | fmpq_poly:
    if op == "-" and len(vals) == 1:
        return -vals[0]
    acc = vals[0]
    for v in vals[1:]:
        if op == "/":
            if not isinstance(v, fmpq) and v.degree() > 0:
                raise ImportFailure("division by a non-constant polynomial", loc)
            c = v if isinstance(v, fmpq) else v[0]
            if c == 0:
                raise ImportFailure("division by zero", loc)
            acc = acc / c
        else:
            acc = acc + v if op == "+" else acc - v if op == "-" else acc * v
    return acc


def _poly(e: SExpr, var: list | None = None) -> fmpq_poly:
    """z3's polynomial of a root-obj (in one variable, whatever its name)."""
    var = [] if var is None else var
    if isinstance(e, Atom):
        if e.kind in ("numeral", "decimal"):
            return fmpq_poly([literal(e)])
        if e.kind == "symbol":
            if var and var[0] != e.text:
                raise ImportFailure("a root-obj polynomial has one variable", e.loc)
            var[:] = [e.text]
            return fmpq_poly([0, 1])
        raise ImportFailure(f"cannot read {e.text!r} in a polynomial", e.loc)
    head, args = e.head(), e.items[1:]
    if head == "^" and len(args) == 2 and isinstance(args[1], Atom) \
            and args[1].kind == "numeral":
        return _poly(args[0], var) ** int(args[1].text)
    if head in ("+", "-", "*", "/") and args:
        return fmpq_poly(_fold(head, [_poly(a, var) for a in args], e.loc))
    raise ImportFailure("cannot read this root-obj polynomial", e.loc)


_TERM = re.compile(r"(-?[0-9]+(?:/[0-9]+)?)?\*?(?:([A-Za-z_][A-Za-z0-9_]*)(?:\^([0-9]+))?)?")
_RATIONAL = re.compile(r"(-?[0-9]+)(?:/([0-9]+))?")


def _cvc5_algebraic(text: str, loc) -> tuple[fmpq_poly, fmpq, fmpq]:
    """'3*x^3 + (-5*x) + 1, (-3/2, -5/4)' -> (polynomial, lo, hi)."""
    poly_text, sep, interval = text.rpartition(",")
    poly_text, sep2, lo_text = poly_text.rpartition(",")
    if not (sep and sep2):
        raise ImportFailure("cannot read this real_algebraic_number: expected <P, (LO, HI)>", loc)
    lo_m = _RATIONAL.fullmatch(lo_text.strip().lstrip("(").strip())
    hi_m = _RATIONAL.fullmatch(interval.strip().rstrip(")").strip())
    if not (lo_m and hi_m):
        raise ImportFailure("cannot read the interval of this real_algebraic_number", loc)
    lo, hi = (fmpq(int(m[1]), int(m[2] or 1)) for m in (lo_m, hi_m))
    p, names = fmpq_poly([]), set()
    for term in poly_text.replace(" ", "").split("+"):
        while term.startswith("(") and term.endswith(")"):
            term = term[1:-1]
        m = _TERM.fullmatch(term)
        if not term or not m or not (m[1] or m[2]):
            raise ImportFailure(f"cannot read the term {term!r} of this real_algebraic_number",
                                loc)
        coef = fmpq(*map(int, m[1].split("/"))) if m[1] else fmpq(1)
        if m[2]:
            names.add(m[2])
        p += fmpq_poly([0] * (int(m[3] or 1) if m[2] else 0) + [coef])
    if len(names) > 1:
        raise ImportFailure("a real_algebraic_number polynomial has one variable", loc)
    return p, lo, hi


def poly_text(p: fmpq_poly, var: str) -> str:
    """p as an nncert expression in `var`, highest power first."""
    out = []
    for k in range(p.degree(), -1, -1):
        c = p[k]
        if c == 0:
            continue
        mag = abs(c)
        num = f"{mag.p}" if mag.q == 1 else f"{mag.p}/{mag.q}"
        if k == 0:
            piece = num
        else:
            power = var if k == 1 else f"{var}^{k}"
            piece = power if mag == 1 else f"{num}*{power}"
        out.append(("- " if c < 0 else "+ ") + piece)
    if not out:
        return "0"
    text = " ".join(out)
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def _rational(q: fmpq) -> str:
    return f"{q.p}" if q.q == 1 else f"{q.p}/{q.q}"


def import_model(model_text: str, smtlib_text: str, name: str = "smt",
                 origin: str = "<text>") -> str:
    """The complete certificate: the problem's ETR instance, the model as a witness, and
    `solves(NAME, model)`."""
    problem = parse_smtlib(smtlib_text)
    values = parse_model(model_text)
    return certificate(problem, values, name, origin)


def certificate(problem: EtrProblem, values: dict, name: str, origin: str) -> str:
    algebraic = [values[v][0] for v in problem.variables
                 if v in values and isinstance(values[v][0], RealAlgebraic)]
    taken = set(problem.names.values()) | {name}
    witness_name = fresh("model", {name})
    lines = [header(problem, origin, "import model").rstrip("\n")]
    reps: dict[int, fmpq_poly] = {}
    if algebraic:
        field, rep_list = common_field(algebraic)
        theta = fresh("theta", taken)
        reps = {id(a): r for a, r in zip(algebraic, rep_list)}
        lines.append(f"# The model's irrational values, written in Q({theta}); {theta} is the "
                     f"real root of its\n# polynomial in the interval (checked by the kernel).")
        lines.append(f"field {theta}: {poly_text(fmpq_poly(field.poly), theta)} in "
                     f"({_rational(field.lo)}, {_rational(field.hi)});")
    lines.append("")
    lines.append(render_instance(problem, name))
    lines.append(f"witness {witness_name} for {name} {{")
    for v in problem.variables:
        target = problem.names[v]
        if v not in values:
            lines.append(f"  {target} = 0;   # not in the model: 0 chosen")
            continue
        val = values[v][0]
        text = _rational(val) if isinstance(val, fmpq) else poly_text(reps[id(val)], theta)
        lines.append(f"  {target} = {text};")
    lines.append("}")
    lines.append("")
    lines.append(f"claims {{\n  solves({name}, {witness_name});\n}}\nend\n")
    return "\n".join(lines)


