"""Deterministic mapping of SMT-LIB symbols to nncert names.

An nncert name is ASCII letters, digits and `_`, not starting with a digit, and not a word the
grammar reserves (`and`, `in`, `var`, `end`, ...).  Whether a name is usable is decided by the
real grammar (its keyword terminals) and kernel (a one-variable probe document), so no keyword
list is duplicated here.
Names that are usable stay as they are; the others are rewritten (bad characters become `_`, a
leading digit gets `v_`, a reserved word gets a trailing `_`) and numbered `_2`, `_3`, ... until
they collide with nothing.  Usable names are reserved first, so a later declaration of `x_1`
never changes what `x!1` maps to.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .. import check
from checker.kernel.syntax.parser import terminals

_SHAPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@lru_cache(maxsize=1)
def _keywords() -> list[re.Pattern]:
    """Every terminal of the grammar but NAME: a name one of them matches is a keyword."""
    return [re.compile(t.pattern.to_regexp()) for t in terminals() if t.name != "NAME"]


@lru_cache(maxsize=None)
def usable(name: str) -> bool:
    """True iff `name` can be an ETR variable, a block name and a field name in nncert and is
    no keyword (the contextual lexer accepts some keywords as names; we avoid them anyway)."""
    if not _SHAPE.match(name) or any(k.fullmatch(name) for k in _keywords()):
        return False
    probe = (f"nncert 1; field {name}: {name}^2 - 2 in (1, 2); instance {name} : etr "
             f"{{ var {name}; formula {name} = 0 and 0 <= {name} or not {name}*{name} < 1; }} "
             f"witness w for {name} {{ {name} = 0; }} claims {{ solves({name}, w); }} end")
    return check(probe).status == "ACCEPT"


def _sanitize(name: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not base or base[0].isdigit():
        base = "v_" + base
    return base if usable(base) else base + "_"


def fresh(base: str, taken: set[str]) -> str:
    """`base` made usable and distinct from every name in `taken` (which it is added to)."""
    base = base if usable(base) else _sanitize(base)
    name, k = base, 1
    while name in taken or not usable(name):
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def map_names(symbols: list[str]) -> dict[str, str]:
    """SMT-LIB symbol -> nncert name, one-to-one, for the symbols in declaration order."""
    taken = {s for s in symbols if usable(s)}
    return {s: s if usable(s) else fresh(s, taken) for s in symbols}


def show_symbol(symbol: str) -> str:
    """An SMT-LIB symbol as it may be written in an ASCII comment: |quoted| if it needs bars,
    with non-printable and non-ASCII characters escaped."""
    text = "".join(c if " " <= c <= "~" else
                   (f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}") for c in symbol)
    simple = re.fullmatch(r"[A-Za-z~!@$%^&*_+=<>.?/\-][A-Za-z0-9~!@$%^&*_+=<>.?/\-]*", symbol)
    return text if simple else f"|{text}|"
