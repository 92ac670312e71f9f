"""Small-instance solvers for D-NNT that emit certificates — UNTRUSTED producers.

Nothing in this package is part of the trusted base, and the kernel imports none of it.  A
solver's answer is only ever handed out as a certificate the kernel checks on its own:

* a solution becomes `witness W for I { ... }` with `claims { solves(I, W); }` (Level 1: the
  kernel evaluates the network exactly);
* "no solution" becomes `claims { refutes(I); }` (Level 3: the kernel replays the enumeration
  of the whole finite parameter space within --max-enumeration, and DECLINEs beyond it).

Methods (`solve_text(text, method)`):

    exhaustive   `exhaustive.py`: depth-first search of the parameter space, any D-NNT instance
    dp           `dp.py`: the dynamic program of 002 Theorem 1.6 (one hidden layer, one output)
    auto         dp where it applies (`dp.covers`), exhaustive otherwise
"""
from __future__ import annotations


from flint import fmpq

from checker.kernel.base.budget import DEFAULT_MAX_ENUMERATION, Budget
from checker.kernel.base.enumeration import space_size
from checker.kernel.syntax import ast
from checker.kernel.judge.elaborate import elaborate
from checker.kernel.syntax.parser import block_span, parse
from checker.kernel.problems.training import TrainingInstance, domains
from . import dp, exhaustive
from ._common import SolverError

METHODS = ("auto", "exhaustive", "dp")
REPLAY_HINT = 100_000          # spaces above this get a comment on the kernel's replay time

__all__ = ["METHODS", "SolverError", "certificate", "read_instance", "solve_instance",
           "solve_text", "dp", "exhaustive"]


def _block_text(text: str, block: ast.Block) -> str:
    """The block's text exactly as given (comments inside it included)."""
    begin, end = block_span(text, block)
    return text[begin:end]


def read_instance(text: str) -> tuple[str, TrainingInstance]:
    """(the text of the first training instance of a document, the instance elaborated).

    The document must parse; only that instance is elaborated, on its own.  Raises the
    kernel's Reject/Decline for a malformed document, SolverError if it has no training
    instance."""
    budget = Budget().start()
    doc = parse(text, budget)
    block = next((it for it in doc.items
                  if isinstance(it, ast.Block) and it.kind == "training"), None)
    if block is None:
        raise SolverError("the document has no training instance")
    block_text = _block_text(text, block)
    standalone = f"nncert 1;\n{block_text}\nclaims {{ }}\nend\n"
    elaborated = elaborate(parse(standalone, budget), budget)
    return block_text, elaborated.instances[block.name]


def solve_instance(inst: TrainingInstance, method: str = "auto") -> tuple[dict | None, str]:
    """(a solving assignment or None, the method actually used)."""
    if method not in METHODS:
        raise SolverError(f"unknown method {method!r} (one of {', '.join(METHODS)})")
    if method == "auto":
        method = "dp" if dp.covers(inst) is None else "exhaustive"
    if method == "dp":
        return dp.solve(inst), method
    return exhaustive.solve(inst), method


def _number(q: fmpq) -> str:
    return str(q)


def certificate(block_text: str, inst: TrainingInstance, solution: dict | None,
                method: str) -> str:
    """A complete nncert document: the instance as given, then a witness and `solves`, or
    `refutes`."""
    lines = ["nncert 1;",
             f"# produced by `nncert solve --method {method}` (an untrusted solver); "
             f"the kernel checks every claim itself"]
    if solution is None:
        size = space_size(domains(inst))
        lines.append(f"# refutation: the kernel replays the enumeration of all {size} "
                     f"parameter assignment(s) of {inst.name!r}")
        if size > REPLAY_HINT:
            lines.append("# the replay evaluates every assignment exactly (of the order of 10^4 "
                         "per second); a large space may need --max-seconds above the default")
        if size > DEFAULT_MAX_ENUMERATION:
            lines.append(f"# NOTE: {size} is over the default --max-enumeration of "
                         f"{DEFAULT_MAX_ENUMERATION}; the kernel will DECLINE this claim unless "
                         f"--max-enumeration (and --max-seconds) are raised")
        lines += [block_text, f"claims {{ refutes({inst.name}); }}", "end", ""]
        return "\n".join(lines)
    wname = "W" if inst.name != "W" else "W1"
    lines += [block_text, f"witness {wname} for {inst.name} {{"]
    lines += [f"  {name} = {_number(solution[name])};" for name in inst.params]
    lines += ["}", f"claims {{ solves({inst.name}, {wname}); }}", "end", ""]
    return "\n".join(lines)


def solve_text(text: str, method: str = "auto") -> str:
    """Solve the first training instance of a document; return a complete certificate (the
    instance as given plus a witness and `solves`, or `refutes`).  Raises SolverError (the
    instance is not one the method handles) or the kernel's Reject/Decline (a malformed
    document)."""
    if method not in METHODS:
        raise SolverError(f"unknown method {method!r} (one of {', '.join(METHODS)})")
    block_text, inst = read_instance(text)
    solution, used = solve_instance(inst, method)
    return certificate(block_text, inst, solution, used)
