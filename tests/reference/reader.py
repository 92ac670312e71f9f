"""The identity reference's own reader: the parts of a document a `corresponds` claim needs.

Written from docs/LANGUAGE.md, independently of the kernel (nothing from `checker` is
imported): a tokenizer and a recursive-descent parser for the expression sublanguage, ETR
instances (`var` with `nonzero` and finite domains, `formula`), training instances (inputs,
parameters, neurons with edge/bias terms, fully connected groups, losses, gamma, dense and
sparse data rows with `?` targets), reduction blocks (encode/decode maps; proof steps are
skipped: the reference decides the claim, not the proof) and the claims section.  Witness,
refutation and SLP blocks are skipped.  Anything the reader does not understand raises
`Unknown` -- it never guesses.

Expressions are tuples: ("num", Fraction), ("var", name), ("neg", e), ("add", [(sign, e)]),
("mul", [(op, e)]), ("pow", base, exp), ("cmp", op, a, b), ("and", [e]), ("or", [e]),
("not", e), ("if", c, a, b), ("call", fn, [e]).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Optional


class Unknown(Exception):
    """The identity reference cannot read or decide this (never a verdict)."""


NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\])*"
_TOKEN = re.compile(rf"\s+|#[^\n]*|(?P<name>{NAME})|(?P<num>[0-9]+(?:\.[0-9]+)?)"
                    r"|(?P<op><=|>=|!=|->|[-+*/^()<>=,;:{}?\[\]])")
KEYWORDS = {"if", "then", "else", "and", "or", "not"}
ROW_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:/[0-9]+)?$")


def number(text: str) -> Fraction:
    """A numeral: `42`, `0.25`, or (rows) `-7/12` -- exactly."""
    if not ROW_NUMBER.match(text):
        raise Unknown(f"not a numeral: {text!r}")
    neg = text.startswith("-")
    body = text.lstrip("-")
    num, _, den = body.partition("/")
    whole, _, frac = num.partition(".")
    value = Fraction(int(whole + frac), 10 ** len(frac))
    if den:
        if int(den) == 0:
            raise Unknown("a zero denominator in a numeral")
        value /= int(den)
    return -value if neg else value


@dataclass
class Etr:
    name: str
    variables: list = field(default_factory=list)
    nonzero: set = field(default_factory=set)
    domains: dict = field(default_factory=dict)        # name -> [expr] (finite domains)
    formulas: list = field(default_factory=list)


@dataclass
class Neuron:
    name: str
    kind: str           # hidden | output
    act: str
    edges: list         # [(source, coef)]
    biases: list        # [coef]; coef = ("param", name, sign) | ("num", Fraction)


@dataclass
class Training:
    name: str
    inputs: list = field(default_factory=list)
    params: dict = field(default_factory=dict)        # name -> None (real) | [expr]
    neurons: list = field(default_factory=list)
    loss: Optional[tuple] = None
    gamma: Any = None
    points: list = field(default_factory=list)        # [(inputs: [Fraction], outputs: [F|None])]
    custom: set = field(default_factory=set)

    @property
    def outputs(self) -> list:
        return [n.name for n in self.neurons if n.kind == "output"]


@dataclass
class Reduction:
    name: str
    source: str
    target: str
    encode: dict
    decode: dict
    proofs: bool


@dataclass
class Document:
    instances: dict = field(default_factory=dict)
    reductions: dict = field(default_factory=dict)
    claims: list = field(default_factory=list)         # [(kind, [args], [via])]
    field_name: Optional[str] = None


class Reader:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.tok: Optional[tuple] = None
        self._advance()

    # ---- tokens
    def _advance(self) -> None:
        while self.pos < len(self.text):
            m = _TOKEN.match(self.text, self.pos)
            if not m:
                raise Unknown(f"unexpected character at offset {self.pos}")
            self.start, self.pos = self.pos, m.end()
            if m.lastgroup:
                self.tok = (m.lastgroup, m.group(m.lastgroup))
                return
        self.start = self.pos
        self.tok = ("eof", "")

    def peek(self, value: str) -> bool:
        return self.tok[1] == value and self.tok[0] != "num"

    def accept(self, value: str) -> bool:
        if self.peek(value):
            self._advance()
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise Unknown(f"expected {value!r} at offset {self.start}, found {self.tok[1]!r}")

    def name(self) -> str:
        kind, text = self.tok
        if kind != "name" or text in KEYWORDS:
            raise Unknown(f"expected a name at offset {self.start}, found {text!r}")
        self._advance()
        return text

    def names(self) -> list:
        out = [self.name()]
        while self.accept(","):
            out.append(self.name())
        return out

    def skip_block(self) -> None:
        """Skip a brace-balanced block (the opening brace is the current token)."""
        self.expect("{")
        depth = 1
        while depth:
            if self.tok[0] == "eof":
                raise Unknown("unterminated block")
            if self.peek("{"):
                depth += 1
            elif self.peek("}"):
                depth -= 1
            self._advance()

    # ---- expressions
    def expr(self) -> tuple:
        if self.accept("if"):
            c = self.expr()
            self.expect("then")
            a = self.expr()
            self.expect("else")
            return ("if", c, a, self.expr())
        return self._disj()

    def _disj(self) -> tuple:
        args = [self._conj()]
        while self.accept("or"):
            args.append(self._conj())
        return args[0] if len(args) == 1 else ("or", args)

    def _conj(self) -> tuple:
        args = [self._negation()]
        while self.accept("and"):
            args.append(self._negation())
        return args[0] if len(args) == 1 else ("and", args)

    def _negation(self) -> tuple:
        if self.accept("not"):
            return ("not", self._negation())
        left = self._sum()
        for op in ("<=", ">=", "!=", "<", ">", "="):
            if self.peek(op):
                self._advance()
                return ("cmp", op, left, self._sum())
        return left

    def _sum(self) -> tuple:
        terms = [(1, self._product())]
        while self.peek("+") or self.peek("-"):
            sign = 1 if self.tok[1] == "+" else -1
            self._advance()
            terms.append((sign, self._product()))
        return terms[0][1] if len(terms) == 1 else ("add", terms)

    def _product(self) -> tuple:
        factors = [("*", self._unary())]
        while self.peek("*") or self.peek("/"):
            op = self.tok[1]
            self._advance()
            factors.append((op, self._unary()))
        return factors[0][1] if len(factors) == 1 else ("mul", factors)

    def _unary(self) -> tuple:
        if self.accept("-"):
            return ("neg", self._unary())
        base = self._atom()
        if self.accept("^"):
            return ("pow", base, self._unary())
        return base

    def _atom(self) -> tuple:
        kind, text = self.tok
        if kind == "num":
            self._advance()
            return ("num", number(text))
        if self.accept("("):
            e = self.expr()
            self.expect(")")
            return e
        n = self.name()
        if self.accept("("):
            args = [self.expr()]
            while self.accept(","):
                args.append(self.expr())
            self.expect(")")
            return ("call", n, args)
        return ("var", n)

    # ---- document
    def document(self) -> Document:
        doc = Document()
        self.expect("nncert")
        if self.tok != ("num", "1"):
            raise Unknown("not version 1")
        self._advance()
        self.expect(";")
        while not self.peek("end"):
            if self.accept("field"):
                if doc.field_name is not None:
                    raise Unknown("two fields")
                doc.field_name = self.name()
                while not self.accept(";"):
                    if self.tok[0] == "eof":
                        raise Unknown("unterminated field declaration")
                    self._advance()
            elif self.accept("instance"):
                name = self.name()
                self.expect(":")
                kind = self.name()
                if name in doc.instances:
                    raise Unknown(f"instance {name} declared twice")
                if kind == "etr":
                    doc.instances[name] = self._etr(name)
                elif kind == "training":
                    doc.instances[name] = self._training(name)
                else:
                    doc.instances[name] = None      # slp: not a polynomial system
                    if not self.peek("{"):
                        raise Unknown("expected a block")
                    self._skip_raw_block()
            elif self.accept("witness") or self.accept("refutation"):
                self.name()
                self.expect("for")
                self.name()
                self._skip_raw_block()
            elif self.accept("reduction"):
                red = self._reduction()
                if red.name in doc.reductions:
                    raise Unknown(f"reduction {red.name} declared twice")
                doc.reductions[red.name] = red
            elif self.accept("claims"):
                self.expect("{")
                while not self.accept("}"):
                    kind = self.name()
                    self.expect("(")
                    args = self.names()
                    self.expect(")")
                    via = self.names() if self.accept("via") else []
                    self.expect(";")
                    doc.claims.append((kind, args, via))
            else:
                raise Unknown(f"unexpected {self.tok[1]!r} at offset {self.start}")
        self.expect("end")
        if self.tok[0] != "eof":
            raise Unknown("text after the end marker")
        return doc

    def _skip_raw_block(self) -> None:
        """Skip a block whose content may hold raw rows (matrix rows, SLP rows): by
        characters, counting braces, comments removed."""
        if not self.peek("{"):
            raise Unknown("expected a block")
        i, depth = self.pos, 1
        while depth:
            if i >= len(self.text):
                raise Unknown("unterminated block")
            ch = self.text[i]
            if ch == "#":
                i = self.text.find("\n", i)
                i = len(self.text) if i < 0 else i
                continue
            depth += (ch == "{") - (ch == "}")
            i += 1
        self.pos = i
        self._advance()

    def _etr(self, name: str) -> Etr:
        inst = Etr(name)
        self.expect("{")
        while not self.accept("}"):
            if self.accept("var"):
                vs = self.names()
                for v in vs:
                    if v in inst.variables:
                        raise Unknown(f"variable {v} declared twice")
                    inst.variables.append(v)
                if self.accept("nonzero"):
                    inst.nonzero |= set(vs)
                elif self.accept("in"):
                    self.expect("{")
                    dom = [self.expr()]
                    while self.accept(","):
                        dom.append(self.expr())
                    self.expect("}")
                    for v in vs:
                        inst.domains[v] = dom
                self.expect(";")
            elif self.accept("formula"):
                inst.formulas.append(self.expr())
                self.expect(";")
            else:
                raise Unknown(f"unexpected {self.tok[1]!r} in an ETR instance")
        return inst

    # ---- training instances
    def _expand(self, inst: Training, names: list) -> list:
        """Declared names: `x[3]` declares x[1..3]."""
        out = []
        for n in names:
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)\]", n)
            if m:
                out += [f"{m.group(1)}[{i}]" for i in range(1, int(m.group(2)) + 1)]
            elif "[" in n:
                raise Unknown(f"a multi-index declaration {n}")
            else:
                out.append(n)
        return out

    def _domain(self) -> Optional[list]:
        if self.accept("real"):
            return None
        if self.accept("{"):
            dom = [self.expr()]
            while self.accept(","):
                dom.append(self.expr())
            self.expect("}")
            return dom
        return [self.expr()]

    def _training(self, name: str) -> Training:
        inst = Training(name)
        declared: set = set()

        def declare(n: str) -> None:
            if n in declared:
                raise Unknown(f"{n} declared twice")
            declared.add(n)

        self.expect("{")
        while not self.accept("}"):
            if self.accept("input"):
                for n in self._expand(inst, self.names()):
                    declare(n)
                    inst.inputs.append(n)
                self.expect(";")
            elif self.accept("param"):
                ns = self.names()
                dom = self._domain()
                for n in ns:
                    declare(n)
                    inst.params[n] = dom
                self.expect(";")
            elif self.peek("hidden") or self.peek("output"):
                kind = self.name()
                n = self.name()
                act = self.name()
                if self.accept("from"):
                    self._group(inst, kind, n, act, declare)
                    continue
                self.expect("=")
                edges, biases = self._linform(inst)
                declare(n)
                inst.neurons.append(Neuron(n, kind, act, edges, biases))
                self.expect(";")
            elif self.accept("activation"):
                inst.custom.add(self.name())
                while not self.accept(";"):
                    if self.tok[0] == "eof":
                        raise Unknown("unterminated activation")
                    self._advance()
            elif self.accept("loss"):
                if self.accept("="):
                    self.expr()
                    inst.loss = ("custom",)
                else:
                    loss = self.name()
                    k = None
                    if self.tok[0] == "num":
                        k = int(self.tok[1]) if self.tok[1].isdigit() else None
                        self._advance()
                    inst.loss = (loss, k)
                self.expect(";")
            elif self.accept("gamma"):
                inst.gamma = self.expr()
                self.expect(";")
            elif self.peek("data"):
                self._data(inst)
            else:
                raise Unknown(f"unexpected {self.tok[1]!r} in a training instance")
        return inst

    def _coef(self, inst: Training) -> tuple:
        kind, text = self.tok
        if kind == "num":
            self._advance()
            value = number(text)
            if self.peek("/"):
                save = (self.pos, self.start, self.tok)
                self._advance()
                if self.tok[0] == "num":
                    den = number(self.tok[1])
                    self._advance()
                    if den == 0:
                        raise Unknown("a zero denominator")
                    return ("num", value / den)
                self.pos, self.start, self.tok = save
            return ("num", value)
        return ("name", self.name())

    def _linform(self, inst: Training) -> tuple:
        edges, biases, neurons = [], [], {n.name for n in inst.neurons} | set(inst.inputs)
        sign = -1 if self.accept("-") else (self.accept("+") and 1) or 1
        while True:
            coef = self._coef(inst)
            if self.accept("*"):
                src = self.name()
                if src not in neurons:
                    raise Unknown(f"an edge from an undeclared neuron {src}")
                if any(s == src for s, _ in edges):
                    raise Unknown(f"two edges from {src}")
                edges.append((src, self._signed(inst, coef, sign)))
            elif coef[0] == "name" and coef[1] in neurons:
                if any(s == coef[1] for s, _ in edges):
                    raise Unknown(f"two edges from {coef[1]}")
                edges.append((coef[1], ("num", Fraction(sign))))
            else:
                biases.append(self._signed(inst, coef, sign))
            if self.accept("+"):
                sign = 1
            elif self.accept("-"):
                sign = -1
            else:
                return edges, biases

    def _signed(self, inst: Training, coef: tuple, sign: int) -> tuple:
        if coef[0] == "num":
            return ("num", sign * coef[1])
        if coef[1] not in inst.params:
            raise Unknown(f"coefficient {coef[1]} is not a parameter")
        return ("param", coef[1], sign)

    def _group(self, inst: Training, kind: str, n: str, act: str, declare) -> None:
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)\]", n)
        if not m:
            raise Unknown("a group without a size")
        base, size = m.group(1), int(m.group(2))
        sources = []
        known = [x.name for x in inst.neurons] + inst.inputs
        for s in self.names():
            group = [k for k in known if k.startswith(s + "[")]
            if s in known:
                sources.append(s)
            elif group:
                sources += group
            else:
                raise Unknown(f"unknown source {s}")
        self.expect("weights")
        wdom = self._domain()
        bdom = "none"
        if self.accept("nobias"):
            bdom = "none"
        else:
            self.expect("bias")
            bdom = self._domain()
        self.expect(";")

        def coef(pname: str, dom) -> tuple:
            if dom is not None and len(dom) == 1 and dom[0][0] in ("num", "neg") and \
                    dom[0][-1][0] == "num":
                value = dom[0][-1][1]               # `weights 1`: a fixed weight
                return ("num", -value if dom[0][0] == "neg" else value)
            declare(pname)
            inst.params[pname] = dom
            return ("param", pname, 1)

        for i in range(1, size + 1):
            edges = [(s, coef(f"W_{base}[{i}][{j}]", wdom)) for j, s in enumerate(sources, 1)]
            biases = [] if bdom == "none" else [coef(f"B_{base}[{i}]", bdom)]
            name = f"{base}[{i}]"
            declare(name)
            inst.neurons.append(Neuron(name, kind, act, edges, biases))

    def _data(self, inst: Training) -> None:
        """Rows are raw text: one per line, up to a comment, a newline or the closing brace."""
        self.expect("data")
        if not self.peek("{"):
            raise Unknown("expected `{` after data")
        i = self.pos
        text = self.text
        while True:
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
            if i >= len(text):
                raise Unknown("unterminated data block")
            if text[i] == "#":
                j = text.find("\n", i)
                i = len(text) if j < 0 else j
                continue
            if text[i] == "}":
                break
            j = i
            if text[i] == "{":
                j = text.find("}", i) + 1
                if j == 0:
                    raise Unknown("unterminated sparse row")
            m = re.compile(r"[^\n#}]*").match(text, j)
            self._row(inst, text[i:m.end()])
            i = m.end()
        self.pos = i + 1
        self._advance()

    def _row(self, inst: Training, row: str) -> None:
        left, arrow, right = row.partition("->")
        if not arrow or "->" in right:
            raise Unknown(f"a data row without one arrow: {row!r}")
        left = left.strip()
        n = len(inst.inputs)
        if left.startswith("{"):
            if not left.endswith("}"):
                raise Unknown("a malformed sparse row")
            values = [Fraction(0)] * n
            seen = set()
            body = left[1:-1].strip()
            for entry in (body.split(",") if body else []):
                k, colon, v = entry.partition(":")
                if not colon or not k.strip().isdigit():
                    raise Unknown(f"a malformed sparse entry {entry!r}")
                k = int(k.strip())
                value = number(v.strip())
                if not 1 <= k <= n or k in seen or value == 0:
                    raise Unknown(f"a sparse entry {entry!r} the language rejects")
                seen.add(k)
                values[k - 1] = value
        else:
            values = [number(t) for t in left.split()]
            if len(values) != n:
                raise Unknown("a data row with the wrong number of inputs")
        outs = [None if t == "?" else number(t) for t in right.split()]
        if len(outs) != len(inst.outputs):
            raise Unknown("a data row with the wrong number of outputs")
        inst.points.append((values, outs))

    # ---- reductions
    def _reduction(self) -> Reduction:
        name = self.name()
        self.expect(":")
        source = self.name()
        self.expect("->")
        target = self.name()
        self.expect("{")
        maps: dict = {}
        proofs = False
        while not self.accept("}"):
            if self.peek("encode") or self.peek("decode"):
                kind = self.name()
                if kind in maps:
                    raise Unknown(f"two {kind} maps")
                maps[kind] = {}
                self.expect("{")
                while not self.accept("}"):
                    n = self.name()
                    self.expect("=")
                    if n in maps[kind]:
                        raise Unknown(f"{n} mapped twice")
                    maps[kind][n] = self.expr()
                    self.expect(";")
            elif self.peek("forward") or self.peek("backward"):
                self.name()
                proofs = True
                self.skip_block()
            else:
                raise Unknown(f"unexpected {self.tok[1]!r} in a reduction")
        if set(maps) != {"encode", "decode"}:
            raise Unknown("a reduction needs encode and decode")
        return Reduction(name, source, target, maps["encode"], maps["decode"], proofs)


def read(text: str) -> Document:
    """The document's instances, reductions and claims (raises Unknown)."""
    return Reader(text).document()
