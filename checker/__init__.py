"""nncert: an exact certificate checker for neural-network training problems.

Public API (the trusted kernel, usable on its own):

    import checker
    doc = checker.load("certificates/examples/golden_ratio.nnc")   # a path or the text itself
    verdict = checker.check(doc)                                     # ACCEPT / REJECT / DECLINE
    print(verdict.status, verdict.reason, verdict.loc)

`checker.Budget` sets the limits of a check (bits per number, terms per polynomial, seconds,
enumeration size, field degree, evaluation steps).  Nothing here imports the untrusted
producers or the CLI.

`check` runs in the calling process: a FLINT call the budgets do not foresee can exhaust its
memory or abort it.  The guarded check runs the same check in a forked child process with a
memory limit and a wall-clock kill, and turns a child that runs out, crashes or gives no
well-formed verdict into a DECLINE (never an ACCEPT); this is what `nncert check` does:

    verdict = checker.check(doc, budget, guard=True)                  # default limits
    verdict = checker.check_guarded(doc, budget, max_memory_mib=4096, wall_seconds=130)
"""
from __future__ import annotations

import hashlib
import re
import os
from dataclasses import dataclass

from checker.kernel.base.budget import Budget, Decline, Reject
from checker.kernel.judge.check import check_text
from checker.kernel.judge.claims import Statement, Verdict
from checker.kernel.judge.guard import check_guarded as _check_guarded
from checker.kernel.base.budget import DEFAULT_MAX_MEMORY_MIB

__all__ = ["Budget", "Decline", "Reject", "Source", "Statement", "Verdict", "check", "check_guarded",
           "load"]


@dataclass(frozen=True)
class Source:
    """A document as given: its text, where it came from, and the sha256 of its bytes."""

    text: str
    origin: str
    sha256: str


def load(path_or_text: str | os.PathLike | bytes) -> Source:
    """Read a document from a path, or take it as given: bytes, or a string that is empty,
    contains a newline or starts with the header word `nncert` and a space is the document
    itself; any other string and
    any `os.PathLike` is a path.  Raises OSError if a path cannot be read."""
    if isinstance(path_or_text, bytes):
        data, origin = path_or_text, "<bytes>"
    elif isinstance(path_or_text, str) and (not path_or_text or "\n" in path_or_text
                                              or re.match(r"\s*nncert\s", path_or_text)):
        data, origin = path_or_text.encode("utf-8"), "<text>"
    else:
        with open(path_or_text, "rb") as f:
            data = f.read()
        origin = os.fspath(path_or_text)
    # latin-1 maps every byte to one character, so a non-ASCII byte is reported at its place.
    return Source(data.decode("latin-1"), origin, hashlib.sha256(data).hexdigest())


def check(document: Source | str, budget: Budget | None = None, guard: bool = False) -> Verdict:
    """The verdict on a document (a `Source` from `load`, or document text); with
    guard=True, checked in a child process (`check_guarded` with its default limits)."""
    if guard:
        return check_guarded(document, budget)
    text = document.text if isinstance(document, Source) else document
    return check_text(text, budget)


def check_guarded(document: Source | str, budget: Budget | None = None,
                  max_memory_mib: int = DEFAULT_MAX_MEMORY_MIB,
                  wall_seconds: float | None = None) -> Verdict:
    """The verdict on a document, checked in a forked child process whose address space is
    limited to `max_memory_mib` MiB and which is killed after `wall_seconds` of wall clock
    (default 2 x budget.max_seconds + 10).  Running out of memory, the kill, a crash or a
    malformed answer is a DECLINE naming the resource; only a complete verdict from a child
    that exited normally is relayed.  POSIX only (fork)."""
    text = document.text if isinstance(document, Source) else document
    return _check_guarded(text, budget, max_memory_mib, wall_seconds)
