"""The one-reader rule: text becomes a number only in checker/kernel/base/numerals.py.

A numeral read from its first digits (`int(tok[:9])`) changes its value when it has leading
zeros, so such code is a soundness hole.  This test walks the AST of every other module of the
trusted base and fails on any converter (`int`, `fmpz`, `fmpq`, `mpz`, `Fraction`, ...) whose
argument is, or is derived from, text.  The rule is deliberately crude, so that it can be
trusted by reading it:
  * in checker/kernel/syntax/ (which handles only text) a converter takes int literals only;
  * elsewhere an argument is TEXT if anywhere inside it there is a string constant, an f-string,
    a slice, a call of str/repr/chr/format or of a string method (`.group`, `.split`, ...), a
    subscript with a string key (`d.data["name"]`), a text attribute (`.name`, `.op`, ...), or
    a name that is tainted: text-like by its name (`tok`, `text`, `digits`, ...), a parameter
    annotated `str`/`Token`, or bound in the same function (or module) to a TEXT expression
    (binding through a call of an unknown function does not taint: `ring = Ring([d.name])`);
    a call's arguments count as part of the converter's own argument (`int(f(tok))` is TEXT);
  * a converter whose arguments are all literals of the source (`float("inf")`) is a
    constant of the program, not text of a document, and is allowed;
  * a converter may not be renamed, passed as a value (`map(int, parts)`), or imported under
    another name.
The test also shows that the checker catches each kind of offence (`test_rule_can_fail`).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from checker.kernel.base.budget import Budget, Decline, Reject
from checker.kernel.base.numerals import natural, shown

KERNEL = Path(__file__).resolve().parents[1] / "checker" / "kernel"
READER = KERNEL / "base" / "numerals.py"
CONVERTERS = {"int", "float", "complex", "fmpz", "fmpq", "mpz", "mpq", "mpfr", "xmpz",
              "Fraction", "Decimal", "fmpz_poly", "fmpq_poly", "fmpz_mat", "fmpq_mat",
              "eval", "literal_eval"}
TEXT_CALLS = {"str", "repr", "chr", "format", "ascii", "bytes"}
TEXT_METHODS = {"group", "groups", "groupdict", "split", "rsplit", "partition", "rpartition",
                "strip", "lstrip", "rstrip", "replace", "join", "lower", "upper", "decode",
                "encode", "removeprefix", "removesuffix", "zfill", "ljust", "rjust", "center",
                "format", "read_text", "readline", "read", "casefold", "expandtabs", "title"}
TEXT_ATTRS = {"name", "fn", "op", "kind", "canonical", "text", "reason", "source", "target",
              "string", "value_text"}
TEXT_NAMES = {"tok", "token", "text", "digits", "word", "lexeme", "numeral", "literal"}
NUMERIC_CALLS = {"len", "bit_length"}     # their result is a number whatever the argument
TEXT_TYPES = {"str", "Token", "bytes"}


def _callee(node: ast.Call) -> str | None:
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def _walk(node: ast.AST, into_numeric: bool):
    """The nodes under `node`, not entering nested functions (they are scopes of their own)
    nor, unless `into_numeric`, the arguments of `len(...)`-like calls (whose value is a
    number)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for child in ast.iter_child_nodes(n):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
                continue
            if not into_numeric and isinstance(n, ast.Call) and _callee(n) in NUMERIC_CALLS \
                    and child is not n.func:
                continue
            stack.append(child)


def _annotation_is_text(ann: ast.expr | None) -> bool:
    """`str`, `Token`, `str | None`, ... (not a container of text such as `list[str]`)."""
    if isinstance(ann, ast.Name):
        return ann.id in TEXT_TYPES
    if isinstance(ann, ast.BinOp):
        return _annotation_is_text(ann.left) or _annotation_is_text(ann.right)
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):     # a string annotation
        try:
            return _annotation_is_text(ast.parse(ann.value, mode="eval").body)
        except SyntaxError:
            return False
    return False


class _Checker:
    """Finds offences in one module; `text_only` for the syntax layer."""

    def __init__(self, tree: ast.Module, text_only: bool):
        self.tree, self.text_only = tree, text_only
        self.offences: list[tuple[int, str]] = []

    def is_text(self, e: ast.AST, tainted: set[str], through_calls: bool = True) -> bool:
        """Is `e` text or derived from text?  (A subscript `x[k]` is text when x is, when k is a
        slice, or when k is a string key such as `data["name"]`; a lookup `env[e.name]` by a
        textual key is not itself text.)"""
        if isinstance(e, ast.Constant):
            return isinstance(e.value, (str, bytes))
        if isinstance(e, (ast.JoinedStr, ast.Slice)):
            return True
        if isinstance(e, ast.Name):
            return e.id in tainted or e.id in TEXT_NAMES
        if isinstance(e, ast.Attribute):
            return e.attr in TEXT_ATTRS or self.is_text(e.value, tainted, through_calls)
        if isinstance(e, ast.Subscript):
            k = e.slice
            return self.is_text(e.value, tainted, through_calls) or isinstance(k, ast.Slice) or \
                (isinstance(k, ast.Constant) and isinstance(k.value, (str, bytes)))
        if isinstance(e, ast.Call):
            name = _callee(e)
            if name in NUMERIC_CALLS:
                return False
            if (isinstance(e.func, ast.Name) and name in TEXT_CALLS) or \
                    (isinstance(e.func, ast.Attribute) and name in TEXT_METHODS):
                return True
            if not through_calls:
                return False
        if isinstance(e, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        return any(self.is_text(c, tainted, through_calls) for c in ast.iter_child_nodes(e))

    def taint(self, scope: ast.AST, inherited: set[str]) -> set[str]:
        """Names of `scope` bound to text (to a fixpoint), plus those of enclosing scopes."""
        tainted = set(inherited)
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = scope.args
            for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
                if arg is not None and _annotation_is_text(arg.annotation):
                    tainted.add(arg.arg)
        changed = True
        while changed:
            changed = False
            for n in _walk(scope, into_numeric=True):
                pairs: list[tuple[ast.expr, ast.expr]] = []
                if isinstance(n, ast.Assign):
                    pairs = [(t, n.value) for t in n.targets]
                elif isinstance(n, (ast.AnnAssign, ast.AugAssign)) and n.value is not None:
                    pairs = [(n.target, n.value)]
                    if isinstance(n, ast.AnnAssign) and _annotation_is_text(n.annotation):
                        pairs.append((n.target, ast.Constant("")))
                elif isinstance(n, (ast.For, ast.comprehension)):
                    pairs = [(n.target, n.iter)]
                elif isinstance(n, ast.NamedExpr):
                    pairs = [(n.target, n.value)]
                elif isinstance(n, ast.withitem) and n.optional_vars is not None:
                    pairs = [(n.optional_vars, n.context_expr)]
                for target, value in pairs:
                    if self.is_text(value, tainted, through_calls=False):
                        for t in ast.walk(target):
                            if isinstance(t, ast.Name) and t.id not in tainted:
                                tainted.add(t.id)
                                changed = True
        return tainted

    def run(self) -> list[tuple[int, str]]:
        module_taint = self.taint(self.tree, set())
        self.visit(self.tree, module_taint)
        for n in ast.walk(self.tree):
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                for alias in n.names:
                    if alias.name.split(".")[-1] in CONVERTERS and alias.asname:
                        self.offences.append((n.lineno, f"{alias.name} imported as "
                                                        f"{alias.asname}"))
        return self.offences

    def visit(self, scope: ast.AST, tainted: set[str]) -> None:
        for n in ast.iter_child_nodes(scope):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self.visit(n, self.taint(n, tainted))
                continue
            self.check_node(n, tainted)
            self.visit(n, tainted)

    def check_node(self, n: ast.AST, tainted: set[str]) -> None:
        if isinstance(n, ast.Call) and _callee(n) in CONVERTERS:
            args = list(n.args) + [k.value for k in n.keywords]
            if self.text_only:
                if not all(_int_literal(a) for a in args):
                    self.offences.append((n.lineno, f"{_callee(n)}(...) in the syntax layer"))
            elif any(self.is_text(a, tainted) for a in args) and \
                    not all(isinstance(a, ast.Constant) for a in args):
                self.offences.append((n.lineno, f"{_callee(n)}(...) of text"))
            for a in args:                      # converters nested in the arguments
                self.check_value_use(a)
        elif isinstance(n, ast.Call):
            for a in list(n.args) + [k.value for k in n.keywords]:
                self.check_value_use(a)
        elif isinstance(n, ast.Assign) and self._names_converter(n.value):
            self.offences.append((n.lineno, "a converter bound to another name"))

    def check_value_use(self, a: ast.expr) -> None:
        if self._names_converter(a):
            self.offences.append((a.lineno, "a converter passed as a value"))

    @staticmethod
    def _names_converter(e: ast.expr) -> bool:
        return (isinstance(e, ast.Name) and e.id in CONVERTERS) or \
            (isinstance(e, ast.Attribute) and e.attr in CONVERTERS)


def _int_literal(e: ast.expr) -> bool:
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
        e = e.operand
    return isinstance(e, ast.Constant) and type(e.value) is int


def offences(source: str, text_only: bool = False) -> list[tuple[int, str]]:
    return _Checker(ast.parse(source), text_only).run()


MODULES = sorted(p for p in KERNEL.rglob("*.py") if p != READER)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(KERNEL)) for p in MODULES])
def test_no_text_becomes_a_number_outside_the_reader(path: Path) -> None:
    text_only = path.parent.name == "syntax"
    found = offences(path.read_text(), text_only)
    assert not found, f"{path.relative_to(KERNEL)}: " + "; ".join(
        f"line {line}: {what}" for line, what in found)


@pytest.mark.parametrize("snippet", [
    "def f(tok):\n    return int(tok[:9])\n",
    "def f(c):\n    return int(str(c[1])[:12])\n",
    "def f(x):\n    return fmpz(x.group(1))\n",
    "def f(x):\n    y = str(x)\n    z = y\n    return fmpq(z)\n",
    "def f(x: str):\n    return gmpy2.mpz(x)\n",
    "def f(x):\n    return Fraction(x.text)\n",
    "def f(x):\n    return fmpq(x.strip(), 1)\n",
    "def f(n):\n    return int(n + '0')\n",
    "def f(parts):\n    return list(map(int, parts))\n",
    "from flint import fmpz as Z\n",
    "def f(d):\n    return int(d.data['goal'])\n",
    "def f(e):\n    return int(e.name)\n",
    "def f(xs):\n    for w in xs.split():\n        yield int(w)\n",
    "def f(a):\n    return int(a[0:3])\n",
    "def f(a):\n    return int(f'{a}')\n",
    "conv = int\n",
    # the code this test replaced (checker/kernel/judge/elaborate.py, _group)
    "def g(name, loc):\n    base, count = name[:-1].split('[')\n"
    "    return int(count[:9]) if len(count) <= 9 else 10**9\n",
])
def test_rule_can_fail(snippet: str) -> None:
    assert offences(snippet), snippet


@pytest.mark.parametrize("snippet", ["def f(c):\n    return int(c[0])\n",
                                     "def f(c):\n    return fmpq(c[0].value)\n"])
def test_syntax_layer_takes_int_literals_only(snippet: str) -> None:
    assert offences(snippet, text_only=True)
    assert not offences("x = fmpq(0)\ny = fmpq(-1)\n", text_only=True)


@pytest.mark.parametrize("snippet", ["x = fmpq(0)\n", "def f(q):\n    return int(q.p)\n",
                                     "def f(xs):\n    return fmpq(len(xs))\n",
                                     "def f(F, x, b):\n    return fmpq(F.floor(x, b))\n"])
def test_rule_allows_numbers(snippet: str) -> None:
    assert not offences(snippet), snippet


# ---- the reader itself -----------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [("0", 0), ("7", 7), ("007", 7),
                                         ("0000000000001", 1), ("0000000000024", 24),
                                         ("1" + "0" * 40, 10 ** 40), ("0" * 5000 + "3", 3)])
def test_natural_is_exact(text: str, value: int) -> None:
    assert natural(text, Budget(), (1, 1)) == value


def test_natural_reads_more_than_4300_digits() -> None:
    assert natural("9" * 5000, Budget(), (1, 1)) == 10 ** 5000 - 1


@pytest.mark.parametrize("text", ["", " 1", "1 ", "-1", "+1", "1_0", "\u0663", "1.0", "0x1",
                                  "1\n"])
def test_natural_refuses_anything_but_ascii_digits(text: str) -> None:
    with pytest.raises(Reject):
        natural(text, Budget(), (1, 1))


def test_natural_checks_the_size_before_converting() -> None:
    with pytest.raises(Decline):
        natural("1" * 400, Budget(max_bits=1000), (1, 1))


def test_shown_never_prints_a_huge_number() -> None:
    assert shown(12) == "12"
    assert "bits" in shown(10 ** 5000)
