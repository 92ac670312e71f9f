"""Importers (untrusted producers): SMT-LIB 2 problems and SMT solver models -> nncert documents.

    smtlib.import_smtlib(text)            an SMT-LIB QF_NRA / QF_LRA script -> an ETR instance
    model.import_model(model, problem)    a solver's model of that script -> a full certificate

Everything an importer writes is re-verified by the kernel like any other input; a mistake
here can make a certificate REJECT, never make a false claim ACCEPT.  Input errors raise
`ImportFailure` (one sentence, with the line:col of the offending SMT-LIB text).
"""
from __future__ import annotations


class ImportFailure(Exception):
    """An input the importer cannot translate: one sentence and where (line, col) in the input."""

    def __init__(self, reason: str, loc: tuple[int, int] | None = None):
        super().__init__(reason)
        self.reason, self.loc = reason, loc

    def __str__(self) -> str:
        return f"{self.loc[0]}:{self.loc[1]}: {self.reason}" if self.loc else self.reason
