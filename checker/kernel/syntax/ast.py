"""The abstract syntax of an nncert document, as produced by the parser.

Nodes are plain frozen-ish records with a source location `(line, column)`.  Expression nodes
also record their depth so that hostile nesting is refused at parse time, before any
recursive walk could overflow the Python stack.  Numbers are already exact (`fmpq`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from flint import fmpq

Loc = tuple[int, int]


# ---- expressions ------------------------------------------------------------------------------
@dataclass(slots=True)
class Num:
    value: fmpq
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Var:
    name: str
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Call:
    fn: str
    args: list["Expr"]
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Sum:
    """terms[0] ± terms[1] ± …; signs[i] is +1 or -1 (signs[0] is always +1)."""
    terms: list["Expr"]
    signs: list[int]
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Product:
    """factors[0] op factors[1] …; ops[i] is '*' or '/' (ops[0] is always '*')."""
    factors: list["Expr"]
    ops: list[str]
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Neg:
    arg: "Expr"
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Pow:
    base: "Expr"
    exp: "Expr"
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Cmp:
    op: str
    left: "Expr"
    right: "Expr"
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class BoolOp:
    op: str                      # 'and' | 'or' | 'not'
    args: list["Expr"]
    loc: Loc
    depth: int = 1


@dataclass(slots=True)
class Ite:
    cond: "Expr"
    then: "Expr"
    other: "Expr"
    loc: Loc
    depth: int = 1


Expr = Union[Num, Var, Call, Sum, Product, Neg, Pow, Cmp, BoolOp, Ite]


# ---- document items ---------------------------------------------------------------------------
@dataclass
class FieldDecl:
    name: str
    poly: Expr
    lo: Expr
    hi: Expr
    loc: Loc
    canonical: str = ""          # canonical text, filled in by the parser (hashed for binding)


@dataclass
class Domain:
    kind: str                    # 'real' | 'set' | 'fixed'
    values: list[Expr]
    loc: Loc


@dataclass
class LinTerm:
    """One summand of a pre-activation: coefficient times source neuron, or a lone bias."""
    sign: int
    coef: Union[str, fmpq]       # a parameter name or a fixed number
    source: str | None           # neuron name; None for a bias term
    loc: Loc


@dataclass
class Decl:
    """A training-instance statement; `kind` names it, `data` holds its fields."""
    kind: str
    loc: Loc
    data: dict = field(default_factory=dict)


class SparseRow(Sequence):
    """The inputs of a sparse data row `{i: v, ...}`: a read-only list of `width` numbers that
    stores only the non-zero ones (0-based index -> value), so memory is O(non-zeros).  The
    parser does not know the width; elaboration sets it (`sized`) after checking the indices."""

    __slots__ = ("entries", "width")
    _ZERO = fmpq(0)

    def __init__(self, entries: dict[int, fmpq], width: int | None = None):
        self.entries, self.width = entries, width

    def sized(self, width: int) -> "SparseRow":
        return SparseRow(self.entries, width)

    def nonzero(self) -> list[tuple[int, fmpq]]:
        """The non-zero entries as (0-based index, value), by increasing index."""
        return sorted(self.entries.items())

    def __len__(self) -> int:
        return self.width if self.width is not None else len(self.entries)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("sparse row index out of range")
        return self.entries.get(i, self._ZERO)

    def __iter__(self) -> Any:
        get, zero = self.entries.get, self._ZERO
        return (get(i, zero) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and \
            all(a == b for a, b in zip(self, other))


@dataclass
class DataPoint:
    inputs: list[fmpq] | SparseRow   # a SparseRow for `{i: v, ...}` rows
    outputs: list[fmpq | None]   # None is '?'
    loc: Loc


@dataclass
class Block:
    """An instance (`training` or `etr`) or a witness: a named block of statements."""
    kind: str                    # 'training' | 'etr' | 'witness'
    name: str
    decls: list[Decl]
    loc: Loc
    target: Any = None           # witness: the instance it is for; reduction: (source, target)
    canonical: str = ""          # canonical text, filled in by the parser (hashed for binding)


@dataclass
class Claim:
    kind: str
    args: list[str]
    loc: Loc
    via: list[str] = field(default_factory=list)   # a chain of reductions (derived claims)


@dataclass
class Document:
    version: int
    items: list                  # FieldDecl | Block | list[Claim] in source order
    claims_sections: list[tuple[list[Claim], Loc]]
    text: str = ""
