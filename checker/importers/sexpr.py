"""A small reader for SMT-LIB 2 s-expressions, keeping the line:col of every token.

Why our own: the importers need exact numerals (no float conversion anywhere) and precise
locations for their one-sentence errors, and SMT-LIB's lexical rules are short: `;` comments,
`|quoted symbols|`, `"strings"` (with `""` as an escaped quote), `:keywords`, numerals and
decimals.  cvc5 prints real algebraic numbers as `(_ real_algebraic_number <POLY, (LO, HI)>)`;
a `<...>` run directly after the symbol `real_algebraic_number` is read as one `Angle` atom.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import ImportFailure

Loc = tuple[int, int]


@dataclass(frozen=True)
class Atom:
    """A token.  kind: 'symbol' (text without bars), 'numeral', 'decimal', 'string',
    'keyword', 'angle' (cvc5's <...> payload, without the brackets), or 'other' (#x.., #b..)."""
    kind: str
    text: str
    loc: Loc
    quoted: bool = False

    def __repr__(self) -> str:
        return f"|{self.text}|" if self.quoted else self.text


@dataclass(frozen=True)
class SList:
    items: tuple
    loc: Loc

    def head(self) -> str | None:
        """The symbol at the head of the list, if any."""
        if self.items and isinstance(self.items[0], Atom) and self.items[0].kind == "symbol":
            return self.items[0].text
        return None


SExpr = Atom | SList
_DELIMITERS = set(" \t\r\n()|\";")


def read_all(text: str) -> list[SExpr]:
    """Every top-level s-expression of `text`, in order."""
    return _Reader(text).read_all()


class _Reader:
    def __init__(self, text: str):
        self.text, self.pos, self.line, self.col = text, 0, 1, 1

    def _advance(self, n: int = 1) -> None:
        for ch in self.text[self.pos:self.pos + n]:
            if ch == "\n":
                self.line, self.col = self.line + 1, 1
            else:
                self.col += 1
        self.pos += n

    def _skip(self) -> None:
        t = self.text
        while self.pos < len(t):
            if t[self.pos] in " \t\r\n":
                self._advance()
            elif t[self.pos] == ";":
                end = t.find("\n", self.pos)
                self._advance((len(t) if end < 0 else end) - self.pos)
            else:
                return

    def read_all(self) -> list[SExpr]:
        out = []
        while True:
            self._skip()
            if self.pos >= len(self.text):
                return out
            out.append(self._read())

    def _read(self) -> SExpr:
        """One s-expression, iteratively (deep nesting does not exhaust the Python stack)."""
        stack: list[tuple[Loc, list]] = []
        while True:
            self._skip()
            loc = (self.line, self.col)
            if self.pos >= len(self.text):
                where = stack[-1][0] if stack else loc
                raise ImportFailure("this parenthesis is never closed", where)
            ch = self.text[self.pos]
            if ch == "(":
                self._advance()
                stack.append((loc, []))
                continue
            if ch == ")":
                if not stack:
                    raise ImportFailure("unbalanced ')'", loc)
                self._advance()
                start, items = stack.pop()
                node: SExpr = SList(tuple(items), start)
            else:
                node = self._atom(loc, stack[-1][1] if stack else [])
            if not stack:
                return node
            stack[-1][1].append(node)

    def _atom(self, loc: Loc, siblings: list) -> Atom:
        t, start = self.text, self.pos
        ch = t[start]
        if ch == "|":
            end = t.find("|", start + 1)
            if end < 0:
                raise ImportFailure("a |quoted symbol| is never closed", loc)
            self._advance(end + 1 - start)
            return Atom("symbol", t[start + 1:end], loc, quoted=True)
        if ch == '"':
            i = start + 1
            while True:
                i = t.find('"', i)
                if i < 0:
                    raise ImportFailure("a string literal is never closed", loc)
                if t.startswith('""', i):
                    i += 2
                    continue
                break
            self._advance(i + 1 - start)
            return Atom("string", t[start + 1:i].replace('""', '"'), loc)
        if (ch == "<" and siblings and isinstance(siblings[-1], Atom)
                and siblings[-1].text == "real_algebraic_number"):
            end = t.find(">", start)
            if end < 0:
                raise ImportFailure("a '<' of real_algebraic_number is never closed", loc)
            self._advance(end + 1 - start)
            return Atom("angle", t[start + 1:end], loc)
        i = start
        while i < len(t) and t[i] not in _DELIMITERS:
            i += 1
        word = t[start:i]
        self._advance(i - start)
        return Atom(_kind(word), word, loc)


def _kind(word: str) -> str:
    if word.isdigit() and word.isascii():
        return "numeral"
    head, dot, tail = word.partition(".")
    if dot and head.isdigit() and tail.isdigit() and word.isascii():
        return "decimal"
    if word.startswith(":"):
        return "keyword"
    if word.startswith("#"):
        return "other"
    return "symbol"
