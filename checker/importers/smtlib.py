"""SMT-LIB 2 (QF_NRA / QF_LRA) scripts -> nncert ETR instances.

Supported: `declare-fun` (arity 0) / `declare-const` of sort Real; `define-fun` (inlined, any
arity); `assert`; `let`; `!` annotations (dropped); `and or not => ite` on truth values;
`= distinct < <= > >=` (chainable); `+ -` (unary and n-ary) `*`, `/` by a constant, `^` with a
numeral exponent (z3's extension); numerals and decimals (exact: 0.1 is 1/10); `true`, `false`.
Ignored: set-logic, set-info, set-option, check-sat, get-model, get-value, get-info, echo,
exit.  Everything else (Int or Bool variables, uninterpreted functions, quantifiers, push/pop,
...) is an `ImportFailure` naming the line:col of the SMT-LIB text.

An nncert ETR formula is written with nncert's operator precedence (parentheses only where
needed).  Every `assert` becomes one `formula` statement (several are a conjunction).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flint import fmpq

from . import ImportFailure
from .names import map_names, show_symbol
from .sexpr import Atom, SExpr, SList, read_all

# Precedence levels of nncert's grammar (grammar/nncert.lark), loosest first.
OR, AND, NOT, CMP, SUM, PROD, NEG, POW, ATOM = range(1, 10)
MAX_TEXT = 10_000_000          # inlining let / define-fun may not grow a formula beyond this
IGNORED = {"set-logic", "set-info", "set-option", "check-sat", "get-model", "get-value",
           "get-info", "get-option", "echo", "exit", "get-assertions", "get-assignment"}
RELATIONS = {"=": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True)
class Term:
    """An nncert expression: its text, the precedence level of its top operator, its sort."""
    text: str
    prec: int
    sort: str          # "Real" or "Bool"


TRUE, FALSE = Term("0 = 0", CMP, "Bool"), Term("0 = 1", CMP, "Bool")


@dataclass
class EtrProblem:
    """An SMT-LIB script read as an ETR instance (formulas already in nncert syntax)."""
    variables: list[str] = field(default_factory=list)        # SMT-LIB symbols, in order
    names: dict[str, str] = field(default_factory=dict)       # SMT-LIB symbol -> nncert name
    formulas: list[tuple[str, int]] = field(default_factory=list)   # (nncert text, SMT line)
    logic: str | None = None


@dataclass(frozen=True)
class _Fun:
    params: tuple[str, ...]
    sorts: tuple[str, ...]
    body: SExpr
    result: str


def wrap(t: Term, level: int) -> str:
    return t.text if t.prec >= level else f"({t.text})"


def rational_text(q: fmpq) -> Term:
    """An exact rational as an nncert expression."""
    if q.q == 1:
        return Term(str(q.p), ATOM, "Real") if q >= 0 else Term(f"-{-q.p}", NEG, "Real")
    body = f"{abs(q.p)}/{q.q}"
    return Term(body if q > 0 else f"-{body}", PROD if q > 0 else NEG, "Real")


def literal(a: Atom) -> fmpq:
    """The exact value of a numeral or decimal atom."""
    if a.kind == "numeral":
        return fmpq(int(a.text))
    whole, frac = a.text.split(".")
    return fmpq(int(whole + frac), 10 ** len(frac))


def _symbol(e: SExpr, what: str) -> str:
    if not (isinstance(e, Atom) and e.kind == "symbol"):
        raise ImportFailure(f"expected {what} here", e.loc)
    return e.text


def _sort(e: SExpr) -> str:
    if isinstance(e, Atom) and e.kind == "symbol" and e.text in ("Real", "Bool"):
        return e.text
    if isinstance(e, Atom) and e.text == "Int":
        raise ImportFailure("sort Int is not supported: an ETR instance is over the reals "
                            "(declare the variable as Real)", e.loc)
    raise ImportFailure(f"sort {_show(e)} is not supported (only Real and Bool)", e.loc)


def _show(e: SExpr) -> str:
    if isinstance(e, Atom):
        return repr(e)
    return "(" + " ".join(_show(i) for i in e.items) + ")" if len(e.items) < 4 else \
        "(" + " ".join(_show(i) for i in e.items[:3]) + " ...)"


class _Converter:
    """SMT-LIB terms -> `Term`s.  env maps symbols to Terms (variables, let bindings, 0-ary
    definitions) or `_Fun`s (defined functions, expanded at each application)."""

    def __init__(self):
        self.globals: dict[str, Term | _Fun] = {}

    def term(self, e: SExpr, env: dict) -> Term:
        t = self._term(e, env)
        if len(t.text) > MAX_TEXT:
            raise ImportFailure(f"inlining let / define-fun makes this term longer than "
                                f"{MAX_TEXT} characters", e.loc)
        return t

    def real(self, e: SExpr, env: dict) -> Term:
        t = self.term(e, env)
        if t.sort != "Real":
            raise ImportFailure("expected a real-valued term here, found a truth value", e.loc)
        return t

    def boolean(self, e: SExpr, env: dict) -> Term:
        t = self.term(e, env)
        if t.sort != "Bool":
            raise ImportFailure("expected a truth value here, found a real-valued term", e.loc)
        return t

    def constant(self, e: SExpr, env: dict) -> fmpq:
        """A closed rational term (a divisor): numerals, decimals and + - * / of them."""
        if isinstance(e, Atom) and e.kind in ("numeral", "decimal"):
            return literal(e)
        if isinstance(e, SList) and e.head() in ("+", "-", "*", "/") and len(e.items) > 1:
            vals = [self.constant(a, env) for a in e.items[1:]]
            op, acc = e.head(), vals[0]
            if op == "-" and len(vals) == 1:
                return -acc
            for v in vals[1:]:
                if op == "/" and v == 0:
                    raise ImportFailure("division by zero", e.loc)
                acc = acc + v if op == "+" else acc - v if op == "-" else \
                    acc * v if op == "*" else acc / v
            return acc
        raise ImportFailure(f"division is supported only by a constant, not by {_show(e)}",
                            e.loc)

    def _term(self, e: SExpr, env: dict) -> Term:
        if isinstance(e, Atom):
            if e.kind == "numeral":
                return Term(e.text.lstrip("0") or "0", ATOM, "Real")
            if e.kind == "decimal":
                return Term(e.text, ATOM, "Real")
            if e.kind == "symbol":
                if e.text in env:
                    bound = env[e.text]
                    if isinstance(bound, _Fun):
                        return self._apply(bound, SList((e,), e.loc), env)
                    return bound
                if e.text == "true":
                    return TRUE
                if e.text == "false":
                    return FALSE
                if e.text[:1] == "-" and e.text[1:].replace(".", "", 1).isdigit():
                    raise ImportFailure(f"{e.text} is not an SMT-LIB numeral: write "
                                        f"(- {e.text[1:]})", e.loc)
                raise ImportFailure(f"unknown symbol {_show(e)}", e.loc)
            raise ImportFailure(f"{_show(e)} is not supported in a QF_NRA / QF_LRA term", e.loc)
        if not e.items:
            raise ImportFailure("empty application ()", e.loc)
        head, args = e.head(), e.items[1:]
        if head is None:
            raise ImportFailure(f"unsupported term {_show(e)}", e.loc)
        if head == "let":
            return self._let(e, env)
        if head == "!":
            if not args:
                raise ImportFailure("an annotation (! ...) needs a term", e.loc)
            return self.term(args[0], env)
        if head in env and isinstance(env[head], _Fun):
            return self._apply(env[head], e, env)
        if not args:
            raise ImportFailure(f"{head} needs arguments", e.loc)
        if head in ("and", "or"):
            parts = [self.boolean(a, env) for a in args]
            if len(parts) == 1:
                return parts[0]
            level = AND if head == "and" else OR
            return Term(f" {head} ".join(wrap(p, level + 1) for p in parts), level, "Bool")
        if head == "not":
            self._arity(e, 1)
            return Term("not " + wrap(self.boolean(args[0], env), NOT), NOT, "Bool")
        if head == "=>":
            parts = [self.boolean(a, env) for a in args]
            self._arity(e, 2, many=True)
            text = " or ".join(["not " + wrap(p, NOT) for p in parts[:-1]]
                               + [wrap(parts[-1], AND)])
            return Term(text, OR, "Bool")
        if head == "ite":
            self._arity(e, 3)
            c, a, b = (self.term(x, env) for x in args)
            if c.sort != "Bool" or a.sort != "Bool" or b.sort != "Bool":
                raise ImportFailure("ite is supported only between truth values (an ETR "
                                    "formula is polynomial)", e.loc)
            return Term(f"{wrap(c, NOT)} and {wrap(a, NOT)} or not {wrap(c, NOT)} and "
                        f"{wrap(b, NOT)}", OR, "Bool")
        if head in RELATIONS or head == "distinct":
            return self._relation(head, e, env)
        if head in ("+", "-", "*"):
            parts = [self.real(a, env) for a in args]
            if head == "-" and len(parts) == 1:
                return Term("-" + wrap(parts[0], NEG), NEG, "Real")
            if len(parts) == 1:
                return parts[0]
            if head == "*":
                return Term(" * ".join(wrap(p, NEG) for p in parts), PROD, "Real")
            rest = SUM if head == "+" else PROD
            return Term(wrap(parts[0], SUM) + "".join(f" {head} {wrap(p, rest)}"
                                                      for p in parts[1:]), SUM, "Real")
        if head == "/":
            self._arity(e, 2, many=True)
            acc = self.real(args[0], env)
            for d in args[1:]:
                c = self.constant(d, env)
                if c == 0:
                    raise ImportFailure("division by zero", d.loc)
                if c.q == 1 and c > 0:
                    acc = Term(f"{wrap(acc, PROD)} / {c.p}", PROD, "Real")
                else:
                    acc = Term(f"{wrap(acc, PROD)} * {wrap(rational_text(1 / c), ATOM)}", PROD,
                               "Real")
            return acc
        if head == "^":
            self._arity(e, 2)
            base, exp = args
            if not (isinstance(exp, Atom) and exp.kind == "numeral"):
                raise ImportFailure("an exponent must be a numeral", exp.loc)
            return Term(f"{wrap(self.real(base, env), ATOM)}^{int(exp.text)}", POW, "Real")
        if head in ("forall", "exists"):
            raise ImportFailure("quantifiers are not supported: an ETR instance is "
                                "quantifier-free (QF_NRA)", e.loc)
        raise ImportFailure(f"unsupported function {_show(e.items[0])}", e.loc)

    def _arity(self, e: SList, n: int, many: bool = False) -> None:
        k = len(e.items) - 1
        if k < n if many else k != n:
            raise ImportFailure(f"{e.head()} takes {n}{' or more' if many else ''} "
                                f"argument(s), not {k}", e.loc)

    def _relation(self, head: str, e: SList, env: dict) -> Term:
        self._arity(e, 2, many=True)
        parts = [self.term(a, env) for a in e.items[1:]]
        sorts = {p.sort for p in parts}
        if sorts == {"Bool"} and head == "=":      # equivalence of truth values
            pairs = [f"{wrap(a, NOT)} and {wrap(b, NOT)} or not {wrap(a, NOT)} and not "
                     f"{wrap(b, NOT)}" for a, b in zip(parts, parts[1:])]
            return Term(" and ".join(f"({p})" for p in pairs) if len(pairs) > 1 else pairs[0],
                        AND if len(pairs) > 1 else OR, "Bool")
        if sorts != {"Real"}:
            raise ImportFailure(f"{head} is supported between real-valued terms (or = between "
                                f"truth values)", e.loc)
        if head == "distinct":
            atoms = [f"{wrap(a, SUM)} != {wrap(b, SUM)}"
                     for i, a in enumerate(parts) for b in parts[i + 1:]]
        else:
            atoms = [f"{wrap(a, SUM)} {RELATIONS[head]} {wrap(b, SUM)}"
                     for a, b in zip(parts, parts[1:])]
        return Term(" and ".join(atoms), CMP if len(atoms) == 1 else AND, "Bool")

    def _let(self, e: SList, env: dict) -> Term:
        if len(e.items) != 3 or not isinstance(e.items[1], SList):
            raise ImportFailure("let takes a list of bindings and a term", e.loc)
        inner = dict(env)
        for b in e.items[1].items:
            if not (isinstance(b, SList) and len(b.items) == 2):
                raise ImportFailure("a let binding is (name term)", b.loc)
            inner[_symbol(b.items[0], "a name")] = self.term(b.items[1], env)   # parallel let
        return self.term(e.items[2], inner)

    def _apply(self, f: _Fun, e: SList, env: dict) -> Term:
        args = [self.term(a, env) for a in e.items[1:]]
        if len(args) != len(f.params):
            raise ImportFailure(f"{e.head()} takes {len(f.params)} argument(s), not "
                                f"{len(args)}", e.loc)
        for a, s, x in zip(args, f.sorts, e.items[1:]):
            if a.sort != s:
                raise ImportFailure(f"argument of sort {a.sort} where {s} is expected", x.loc)
        inner = dict(self.globals)
        inner.update({p: Term(wrap(a, ATOM), ATOM, a.sort) for p, a in zip(f.params, args)})
        body = self.term(f.body, inner)
        if body.sort != f.result:
            raise ImportFailure(f"the definition of {show_symbol(e.head())} is of sort "
                                f"{f.result} but its body is of sort {body.sort}", f.body.loc)
        return body


def parse_smtlib(text: str) -> EtrProblem:
    """Read an SMT-LIB script; raise `ImportFailure` (with line:col) on anything unsupported."""
    out, conv = EtrProblem(), _Converter()
    pending: list[tuple[SExpr, int]] = []
    for cmd in read_all(text):
        if not isinstance(cmd, SList) or cmd.head() is None:
            raise ImportFailure(f"expected a command such as (assert ...), found {_show(cmd)}",
                                cmd.loc)
        head, args = cmd.head(), cmd.items[1:]
        if head in IGNORED:
            if head == "set-logic" and args and isinstance(args[0], Atom):
                out.logic = args[0].text
            continue
        if head in ("declare-fun", "declare-const"):
            _declare(cmd, head, out, conv)
        elif head == "define-fun":
            _define(cmd, conv)
        elif head == "assert":
            if len(args) != 1:
                raise ImportFailure("assert takes one term", cmd.loc)
            pending.append((args[0], cmd.loc[0]))
        else:
            raise ImportFailure(f"unsupported command {head!r}", cmd.loc)
    out.names = map_names(out.variables)
    env = {k: (Term(out.names[k], ATOM, "Real") if v == "var" else v)
           for k, v in conv.globals.items()}
    conv.globals = env
    for term, line in pending:
        out.formulas.append((conv.boolean(term, env).text, line))
    return out


def _declare(cmd: SList, head: str, out: EtrProblem, conv: _Converter) -> None:
    args = cmd.items[1:]
    if head == "declare-fun":
        if len(args) != 3 or not isinstance(args[1], SList):
            raise ImportFailure("declare-fun takes a name, a list of argument sorts and a "
                                "sort", cmd.loc)
        if args[1].items:
            raise ImportFailure("uninterpreted functions (declare-fun with arguments) are not "
                                "supported", args[1].loc)
        sort_expr = args[2]
    else:
        if len(args) != 2:
            raise ImportFailure("declare-const takes a name and a sort", cmd.loc)
        sort_expr = args[1]
    name = _symbol(args[0], "a name")
    if _sort(sort_expr) != "Real":
        raise ImportFailure("Boolean variables are not supported: ETR variables are real",
                            sort_expr.loc)
    if name in conv.globals:
        raise ImportFailure(f"{show_symbol(name)} is declared twice", args[0].loc)
    conv.globals[name] = "var"          # resolved to its nncert name once all are known
    out.variables.append(name)


def _define(cmd: SList, conv: _Converter) -> None:
    args = cmd.items[1:]
    if len(args) != 4 or not isinstance(args[1], SList):
        raise ImportFailure("define-fun takes a name, parameters, a sort and a body", cmd.loc)
    name = _symbol(args[0], "a name")
    if name in conv.globals:
        raise ImportFailure(f"{show_symbol(name)} is defined twice", args[0].loc)
    params, sorts = [], []
    for p in args[1].items:
        if not (isinstance(p, SList) and len(p.items) == 2):
            raise ImportFailure("a parameter is (name sort)", p.loc)
        params.append(_symbol(p.items[0], "a parameter name"))
        sorts.append(_sort(p.items[1]))
    # The body is expanded where it is used (after every variable has its nncert name).
    conv.globals[name] = _Fun(tuple(params), tuple(sorts), args[3], _sort(args[2]))


def render_instance(problem: EtrProblem, name: str) -> str:
    """The `instance NAME : etr { ... }` block of an imported problem."""
    lines = [f"instance {name} : etr {{"]
    if problem.variables:
        names, row = [problem.names[v] for v in problem.variables], "  var "
        for i, n in enumerate(names):
            piece = n + (";" if i == len(names) - 1 else ",")
            if len(row) + len(piece) > 95 and row.strip() != "var":
                lines.append(row.rstrip())
                row = "      "
            row += piece + " "
        lines.append(row.rstrip())
    for text, line in problem.formulas or [("0 = 0", 0)]:
        where = f"   # assert at line {line}" if line else "   # no assert: always true"
        lines.append(f"  formula {text};{where}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def header(problem: EtrProblem, origin: str, tool: str) -> str:
    """The document header and the comments saying where it came from and which names moved."""
    logic = f" (logic {problem.logic})" if problem.logic else ""
    out = ["nncert 1;", f"# Imported by `nncert {tool}` from {_ascii(origin)}{logic}."]
    renamed = [(s, n) for s, n in problem.names.items() if s != n]
    if renamed:
        out.append("# SMT-LIB names renamed to nncert names (all others are unchanged):")
        out += [f"#   {show_symbol(s)} -> {n}" for s, n in renamed]
    return "\n".join(out) + "\n"


def _ascii(s: str) -> str:
    return show_symbol(s).strip("|") if not s.isascii() or not s.isprintable() else s


def import_smtlib(text: str, name: str = "smt", origin: str = "<text>") -> str:
    """A document holding the ETR instance of the script.  It makes no claim (there is no
    witness), so the kernel checks the instance and then REJECTs: 'the certificate makes no
    claim'.  `model.import_model` writes the complete certificate."""
    problem = parse_smtlib(text)
    return (header(problem, origin, "import smtlib")
            + "# No model was given, so this document claims nothing yet: `nncert check` verifies\n"
            "# the instance and then rejects (\"the certificate makes no claim\").  For a complete\n"
            "# certificate, run a solver with (get-model) and `nncert import model MODEL --smtlib\n"
            "# FILE`, or add a witness and `solves(" + name + ", W);` by hand.\n"
            + render_instance(problem, name) + "\nclaims {\n}\nend\n")
