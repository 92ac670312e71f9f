"""Text → `Document`: the Lark LALR parser with an inline transformer.

The transformer runs while parsing (no parse tree, no recursion), builds the AST of
`ast.py`, converts numerals strictly and refuses expressions nested deeper than `MAX_DEPTH`.
Every syntax error becomes one `Reject` sentence with `line:col`.
"""
from __future__ import annotations

import re
from importlib import resources

import lark
from lark import Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from checker.kernel.base.budget import Budget, Decline, KernelError, Reject
from checker.kernel.syntax import ast
from checker.kernel.base.numerals import natural, row_numeral, shown, unsigned_decimal

MAX_DEPTH = 400
_SPARSE_ENTRY = re.compile(r"[ \t]*([0-9]+)[ \t]*:[ \t]*([^, \t]+)[ \t]*(,|\Z)")
_SLP_ROW = re.compile(r"([0-9]+)[ \t]*([-+*])[ \t]*([0-9]+)")
LANGUAGE_VERSION = 1
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A CR is a line end only as part of CRLF: a lone CR ends a line for editors and for the
# lexer's whitespace but not for a comment (`#[^\n]*`), so it could hide what follows it.
_LONE_CR = re.compile(r"\r(?!\n)")


def _loc(item) -> ast.Loc:
    if isinstance(item, Token):
        return (item.line, item.column)
    return item.loc


def _deep(loc, *children) -> int:
    depth = 1 + max((getattr(c, "depth", 1) for c in children), default=0)
    if depth > MAX_DEPTH:
        raise Reject(f"expression nested deeper than {MAX_DEPTH} levels", loc)
    return depth


class _Build(Transformer):
    """Inline callbacks of the grammar's rules; `budget` is set before each parse."""

    budget: Budget = Budget()

    # ---- expressions
    def num(self, c):
        tok = c[0]
        return ast.Num(unsigned_decimal(str(tok), self.budget, _loc(tok)), _loc(tok))

    def var(self, c):
        return ast.Var(str(c[0]), _loc(c[0]))

    def call(self, c):
        args = c[1:]
        return ast.Call(str(c[0]), args, _loc(c[0]), _deep(_loc(c[0]), *args))

    def sum_(self, c):
        terms, signs = [c[0]], [1]
        for op, t in zip(c[1::2], c[2::2]):
            terms.append(t)
            signs.append(1 if op == "+" else -1)
        return ast.Sum(terms, signs, _loc(c[0]), _deep(_loc(c[0]), *terms))

    def product_(self, c):
        factors, ops = [c[0]], ["*"]
        for op, f in zip(c[1::2], c[2::2]):
            factors.append(f)
            ops.append(str(op))
        return ast.Product(factors, ops, _loc(c[0]), _deep(_loc(c[0]), *factors))

    def neg(self, c):
        return ast.Neg(c[0], _loc(c[0]), _deep(_loc(c[0]), c[0]))

    def pow(self, c):
        return ast.Pow(c[0], c[1], _loc(c[0]), _deep(_loc(c[0]), c[0], c[1]))

    def cmp(self, c):
        return ast.Cmp(str(c[1]), c[0], c[2], _loc(c[0]), _deep(_loc(c[0]), c[0], c[2]))

    def _boolop(self, op, args):
        return ast.BoolOp(op, list(args), _loc(args[0]), _deep(_loc(args[0]), *args))

    def and_(self, c):
        return self._boolop("and", c)

    def or_(self, c):
        return self._boolop("or", c)

    def not_(self, c):
        return self._boolop("not", c)

    def ite(self, c):
        return ast.Ite(c[0], c[1], c[2], _loc(c[0]), _deep(_loc(c[0]), *c))

    # ---- small pieces
    def namelist(self, c):
        return list(c)

    def header(self, c):
        version = natural(str(c[0]), self.budget, _loc(c[0]), "the language version")
        if version != LANGUAGE_VERSION:
            raise Reject(f"unsupported language version {shown(version)}; this checker reads "
                         f"version {LANGUAGE_VERSION}", _loc(c[0]))
        return ("header", LANGUAGE_VERSION)

    def dom_real(self, c):
        return ast.Domain("real", [], (0, 0))

    def dom_set(self, c):
        return ast.Domain("set", list(c), _loc(c[0]))

    def dom_fixed(self, c):
        return ast.Domain("fixed", [c[0]], _loc(c[0]))

    def coef_name(self, c):
        return (str(c[0]), _loc(c[0]))

    def coef_num(self, c):
        return (unsigned_decimal(str(c[0]), self.budget, _loc(c[0])), _loc(c[0]))

    def coef_frac(self, c):
        p = unsigned_decimal(str(c[0]), self.budget, _loc(c[0]))
        q = unsigned_decimal(str(c[1]), self.budget, _loc(c[1]))
        if q == 0:
            raise Reject("zero denominator in a weight", _loc(c[1]))
        return (p / q, _loc(c[0]))

    def edge(self, c):
        (coef, loc), source = c
        return ast.LinTerm(1, coef, str(source), loc)

    def lone(self, c):
        coef, loc = c[0]
        return ast.LinTerm(1, coef, None, loc)

    def linform(self, c):
        terms = [c[0]]
        for op, t in zip(c[1::2], c[2::2]):
            t.sign = 1 if op == "+" else -1
            terms.append(t)
        return terms

    def linform_signed(self, c):
        terms = self.linform(c[1:])
        terms[0].sign = 1 if c[0] == "+" else -1
        return terms

    # ---- training statements
    def input_decl(self, c):
        return ast.Decl("input", _loc(c[0][0]), {"names": [(str(n), _loc(n)) for n in c[0]]})

    def param_decl(self, c):
        return ast.Decl("param", _loc(c[0][0]),
                        {"names": [(str(n), _loc(n)) for n in c[0]], "domain": c[1]})

    def neuron_decl(self, c):
        kind, name, act, terms = c
        return ast.Decl("neuron", _loc(name), {"role": str(kind), "name": str(name),
                                               "act": (str(act), _loc(act)), "terms": terms})

    def bias(self, c):
        return c[0]

    def nobias(self, c):
        return None

    def group_decl(self, c):
        kind, name, act, sources, wdom, bdom = c
        return ast.Decl("group", _loc(name), {
            "role": str(kind), "name": str(name), "act": (str(act), _loc(act)),
            "sources": [(str(s), _loc(s)) for s in sources], "weights": wdom, "bias": bdom})

    def act_decl(self, c):
        return ast.Decl("activation", _loc(c[0]), {"name": str(c[0]), "arg": str(c[1]),
                                                   "body": c[2]})

    def loss_builtin(self, c):
        return ast.Decl("loss", _loc(c[0]), {"name": str(c[0]), "p": None})

    def loss_builtin_p(self, c):
        p = natural(str(c[1]), self.budget, _loc(c[1]), "the exponent of a loss")
        return ast.Decl("loss", _loc(c[0]), {"name": str(c[0]), "p": p})

    def loss_custom(self, c):
        return ast.Decl("loss", _loc(c[0]), {"name": "custom", "body": c[0]})

    def gamma_decl(self, c):
        return ast.Decl("gamma", _loc(c[0]), {"value": c[0]})

    def data_block(self, c):
        points = [self._data_row(tok) for tok in c]
        return ast.Decl("data", (0, 0), {"points": points})

    def _data_row(self, tok: Token) -> ast.DataPoint:
        loc = _loc(tok)
        left, sep, right = str(tok).partition("->")
        outputs: list = []
        for t in right.split():
            outputs.append(None if t == "?" else row_numeral(t, self.budget, loc))
        if "?" in left.split():
            raise Reject("'?' is allowed only among the targets, right of '->'", loc)
        if "{" in left:
            start = left.index("{") + 1
            inputs = self._sparse_inputs(left[start:left.index("}")], (loc[0], loc[1] + start))
            return ast.DataPoint(inputs, outputs, loc)
        return ast.DataPoint([row_numeral(t, self.budget, loc) for t in left.split()],
                             outputs, loc)

    def _sparse_inputs(self, text: str, base: ast.Loc) -> ast.SparseRow:
        """`i: v, ...` between the braces of a sparse row (base: where `text` starts): the
        non-zero inputs by 1-based index, each index at most once, every other input 0."""
        entries: dict[int, object] = {}
        pos = 0
        while text.strip() and pos < len(text):
            m = _SPARSE_ENTRY.match(text, pos)
            if m is None or (m.group(3) == "," and m.end() == len(text)):
                raise Reject("a sparse data row is `{i: v, ...}`: 1-based input indices, each "
                             "with a colon and a number, separated by commas",
                             (base[0], base[1] + pos))
            at = (base[0], base[1] + m.start(1))
            index = natural(m.group(1), self.budget, at, "an input index")
            if index == 0:
                raise Reject("input index 0 of a sparse data row is out of range (inputs are "
                             "numbered from 1)", at)
            i = index - 1
            if i in entries:
                raise Reject(f"input {i + 1} is given twice in a sparse data row", at)
            value = row_numeral(m.group(2), self.budget, (base[0], base[1] + m.start(2)))
            if value == 0:
                raise Reject(f"a sparse data row lists only non-zero inputs, but input {i + 1} "
                             f"is 0 (omit it)", at)
            entries[i] = value
            pos = m.end()
        return ast.SparseRow(entries)

    def var_decl(self, c):
        return ast.Decl("var", _loc(c[0][0]), {"names": [(str(n), _loc(n)) for n in c[0]],
                                               "domain": None})

    def var_decl_finite(self, c):
        return ast.Decl("var", _loc(c[0][0]), {"names": [(str(n), _loc(n)) for n in c[0]],
                                               "domain": ast.Domain("set", list(c[1:]),
                                                                    _loc(c[1]))})

    def var_decl_nonzero(self, c):
        return ast.Decl("var", _loc(c[0][0]), {"names": [(str(n), _loc(n)) for n in c[0]],
                                               "domain": None, "nonzero": True})

    def proof(self, c):
        return ast.Decl(str(c[0]), _loc(c[0]), {"steps": list(c[1:])})

    def step_nonzero(self, c):
        return ast.Decl("nonzero", c[0].loc, {"poly": c[0], "inverse": c[1], "by": c[2]})

    def step_goal(self, c):
        return ast.Decl("goal", _loc(c[0]), {"goal": self._index(c[0], "a goal number"),
                                             "times": None, "by": c[1]})

    def step_goal_times(self, c):
        return ast.Decl("goal", _loc(c[0]), {"goal": self._index(c[0], "a goal number"),
                                             "times": c[1], "by": c[2]})

    def _index(self, tok: Token, what: str) -> int:
        """An INT token read exactly (its range is checked where it is used)."""
        return natural(str(tok), self.budget, _loc(tok), what)

    def rmap(self, c):
        return ast.Decl(str(c[0]), _loc(c[0]), {"assigns": list(c[1:])})

    def ref_multiply(self, c):
        return ast.Decl("multiply", _loc(c[0]), {"atom": self._index(c[0], "an atom number"),
                                                 "by": c[1]})

    def ref_square(self, c):
        return ast.Decl("square", _loc(c[0]), {"atom": self._index(c[0], "an atom number"),
                                               "weight": c[1], "base": c[2]})

    def refutation(self, c):
        return ast.Block("refutation", str(c[0]), list(c[2:]), _loc(c[0]), target=str(c[1]))

    def reduction(self, c):
        name, source, target = c[0], c[1], c[2]
        return ast.Block("reduction", str(name), list(c[3:]), _loc(name),
                         target=(str(source), str(target)))

    def formula_decl(self, c):
        return ast.Decl("formula", _loc(c[0]), {"body": c[0]})

    # ---- witnesses, claims, items
    def assign(self, c):
        return ast.Decl("assign", _loc(c[0]), {"name": str(c[0]), "value": c[1]})

    def matrix(self, c):
        rows = [[row_numeral(t, self.budget, _loc(tok)) for t in str(tok).split()]
                for tok in c[1:]]
        return ast.Decl("matrix", _loc(c[0]), {"name": str(c[0]), "rows": rows,
                                               "row_locs": [_loc(t) for t in c[1:]]})

    def field_decl(self, c):
        return ast.FieldDecl(str(c[0]), c[1], c[2], c[3], _loc(c[0]))

    def training(self, c):
        return ast.Block("training", str(c[0]), list(c[1:]), _loc(c[0]))

    def etr(self, c):
        return ast.Block("etr", str(c[0]), list(c[1:]), _loc(c[0]))

    def slp(self, c):
        """The rows come as few tokens (no repetition inside the lexer's regex, so 10^6 rows lex
        in constant stack; a comment ends a token, so the next one starts on a later line);
        rows are split here: `j op k`, separated by a newline or `;`."""
        rows: list[tuple[int, str, int]] = []
        for tok in c[1:]:
            self._slp_rows(tok, rows)
        return ast.Block("slp", str(c[0]), [ast.Decl("rows", _loc(c[0]), {"rows": rows})],
                         _loc(c[0]))

    def _slp_rows(self, tok: Token, rows: list) -> None:
        """Append the rows of one SLPROWS token to `rows` (row i may use a0 .. a(i-1))."""
        text = str(tok)

        def where(offset: int) -> ast.Loc:
            nl = text.rfind("\n", 0, offset)
            return (tok.line + text.count("\n", 0, offset),
                    offset - nl if nl >= 0 else tok.column + offset)

        end, first = 0, True
        for m in _SLP_ROW.finditer(text):
            i = len(rows) + 1
            gap = text[end:m.start()]
            if gap.strip(" \t\r\n;") or (not first and "\n" not in gap and ";" not in gap):
                raise Reject("a row of a straight-line program is `j op k` with op one of "
                             "+ - *, one row per line", where(end))
            end, first = m.end(), False
            try:                            # the location only when needed: where() is O(n)
                j = natural(m.group(1), self.budget, None, "a row index")
                k = natural(m.group(3), self.budget, None, "a row index")
            except KernelError as e:
                raise e.at(where(m.start())) from None
            if j >= i or k >= i:
                raise Reject(f"row {i} uses a{shown(max(j, k))}, which is not defined before "
                             f"it (rows refer to a0 .. a{i - 1})", where(m.start()))
            rows.append((j, m.group(2), k))
        if text[end:].strip() or end == 0:
            raise Reject("a row of a straight-line program is `j op k` with op one of "
                         "+ - *, one row per line", where(end))

    def witness(self, c):
        return ast.Block("witness", str(c[0]), list(c[2:]), _loc(c[0]), target=str(c[1]))

    def claim(self, c):
        return ast.Claim(str(c[0]), [str(a) for a in c[1]], _loc(c[0]))

    def claim_via(self, c):
        return ast.Claim(str(c[0]), [str(a) for a in c[1]], _loc(c[0]), [str(r) for r in c[2]])

    def claims(self, c):
        return ("claims", list(c))

    def start(self, c):
        return c


_PARSER: lark.Lark | None = None
_BUILD = _Build()


def terminals() -> list:
    """The grammar's terminal definitions (for producers that must avoid its keywords)."""
    return list(_parser().terminals)


def _parser() -> lark.Lark:
    global _PARSER
    if _PARSER is None:
        grammar = resources.files("checker.grammar").joinpath("nncert.lark").read_text("ascii")
        _PARSER = lark.Lark(grammar, parser="lalr", lexer="contextual", transformer=_BUILD,
                            maybe_placeholders=False)
    return _PARSER


def _describe(token: Token) -> str:
    if token.type == "$END":
        return "end of input"
    return repr(str(token)[:30])


def _syntax_error(e: Exception, text: str) -> Reject:
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken)
                                        and e.token.type == "$END"):
        return Reject("document ends early; is the end marker `end` missing?",
                      _location_of_offset(text, len(text.rstrip())))
    if isinstance(e, UnexpectedToken):
        expected = sorted(e.expected)
        if expected in (["$END"], ["<END-OF-FILE>"]):
            return Reject(f"content after the end marker: {_describe(e.token)}", (e.line, e.column))
        hint = ", ".join(expected[:6]) + (", ..." if len(expected) > 6 else "")
        return Reject(f"unexpected {_describe(e.token)} (expected {hint})", (e.line, e.column))
    if isinstance(e, UnexpectedCharacters):
        return Reject(f"unexpected character {e.char!r}", (e.line, e.column))
    return Reject(f"syntax error: {str(e).splitlines()[0][:100]}", None)


def _location_of_offset(text: str, offset: int) -> ast.Loc:
    line = text.count("\n", 0, offset) + 1
    return (line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


_BLOCK_START = re.compile(r"\b(instance|witness|reduction|refutation)\b")


def block_span(text: str, block: ast.Block, clean: str | None = None) -> tuple[int, int]:
    """[begin, end) of a parsed block in `text`: from its keyword to its closing brace."""
    clean = clean if clean is not None else _strip_comments(text)
    offset = _offset_of(text, *block.loc)
    begin = max((m.start() for m in _BLOCK_START.finditer(clean, 0, offset)), default=0)
    depth, i = 0, clean.index("{", offset)
    while True:
        depth += (clean[i] == "{") - (clean[i] == "}")
        if depth == 0:
            return begin, i + 1
        i += 1


_FIELD_START = re.compile(r"\bfield\b")
_BLANKS = re.compile(r"\t[ \t]*| [ \t]+")          # a run of blanks, unless one space
_LINE_BREAKS = re.compile(r" \n[ \n]*|\n[ \n]+")  # then a run with a line break, unless one


def canonical_text(fragment: str) -> str:
    """`fragment` (comments already blanked) with each whitespace run made one character: a
    line break if the run contains one (`\n` or `\r`), else a space.  No token contains `#`;
    whitespace only separates tokens, except that a line break ends a data or matrix row and,
    inside the program-rows token, separates rows; so this text lexes and parses as the
    fragment does (same tokens, same rows), and fragments with different meanings get
    different texts (docs/SOUNDNESS.md (Part I)).  Parsed documents are ASCII without control
    characters, so their whitespace is space, tab, `\n` and `\r`."""
    blanks = _BLANKS.sub(" ", fragment.replace("\r", "\n"))
    return _LINE_BREAKS.sub("\n", blanks).strip()


def _canonical_blocks(text: str, items: list) -> None:
    """Fill `canonical` of every block (keyword to closing brace) and of the field declaration
    (keyword to semicolon: its expressions contain none) with their `canonical_text`."""
    clean = _strip_comments(text)
    for item in items:
        if isinstance(item, ast.Block):
            begin, end = block_span(text, item, clean)
        else:
            offset = _offset_of(text, *item.loc)
            begin = max(m.start() for m in _FIELD_START.finditer(clean, 0, offset))
            end = clean.index(";", offset) + 1
        item.canonical = canonical_text(clean[begin:end])


def _strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), text)


def _offset_of(text: str, line: int, col: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset + col - 1


def parse(text: str, budget: Budget | None = None) -> ast.Document:
    """Parse a document; raise `Reject` (malformed) or `Decline` (a numeral over budget)."""
    budget = budget or Budget()
    bad = _NON_ASCII.search(text) or _CONTROL.search(text)
    if bad:
        raise Reject(f"byte 0x{ord(text[bad.start()]):02x} is not allowed (documents are ASCII)",
                     _location_of_offset(text, bad.start()))
    lone = _LONE_CR.search(text)
    if lone:
        raise Reject("a carriage return is allowed only before a line feed (CRLF line ends)",
                     _location_of_offset(text, lone.start()))
    if not text.strip():
        raise Reject("document is empty; expected the header `nncert 1;`", (1, 1))
    _BUILD.budget = budget
    try:
        items = _parser().parse(text)
    except (Reject, Decline):
        raise
    except lark.exceptions.LarkError as e:
        raise _syntax_error(e, text) from None
    except RecursionError:
        raise Reject("document nested too deeply", None) from None
    body = [it for it in items if not (isinstance(it, tuple) and it[0] == "header")
            and not isinstance(it, Token)]
    claims_sections = []
    doc_items = []
    for it in body:
        if isinstance(it, tuple) and it[0] == "claims":
            loc = it[1][0].loc if it[1] else None
            claims_sections.append((it[1], loc))
        else:
            doc_items.append(it)
    _canonical_blocks(text, [it for it in doc_items
                             if isinstance(it, (ast.Block, ast.FieldDecl))])
    return ast.Document(LANGUAGE_VERSION, doc_items, claims_sections, text)
