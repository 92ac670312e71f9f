"""The hard resource guard: check a document in a child process with a memory limit and a
wall-clock kill, and relay its verdict.

No estimate covers every FLINT call, and a FLINT call cannot be interrupted: an allocation it
cannot make aborts the whole process, and `--max-seconds` is only checked between steps.  So
the check runs in a forked child (no re-import: the parent's modules are shared) whose address
space is limited (RLIMIT_AS, `--max-memory`), and the parent kills it after a wall-clock limit.

The guard relays verdicts, so it is trusted: it must never turn a failure into ACCEPT.  The
child writes its verdict to a pipe as one length-prefixed JSON record; the parent relays a
verdict only if the record is complete and well formed AND the child then exited normally with
status 0.  Everything else - a signal, a non-zero exit, a MemoryError, no record, a truncated
or malformed record, the wall-clock kill - becomes a DECLINE naming what happened.
"""
from __future__ import annotations

import json
import os
import resource
import selectors
import signal
import time

from flint import fmpq, fmpz

from checker.kernel.base.budget import DEFAULT_MAX_MEMORY_MIB, Budget, Reject
from checker.kernel.base.numerals import natural
from checker.kernel.judge.check import check_text
from checker.kernel.judge.claims import Statement, Verdict
from checker.kernel.syntax import parser as syntax

MAGIC = b"NNCERT-VERDICT "
STATUSES = ("ACCEPT", "REJECT", "DECLINE")
MAX_RECORD = 1 << 26                  # a verdict record is small; more is not a verdict


def wall_limit(budget: Budget) -> float:
    """The wall-clock kill: a generous multiple of the cooperative time budget."""
    return 2 * budget.max_seconds + 10


# ---- the record: Verdict <-> bytes ----------------------------------------------------------
def encode(v: Verdict) -> bytes:
    record = {"status": v.status, "reason": v.reason, "loc": list(v.loc) if v.loc else None,
              "claims": [[s.kind, list(s.subjects), s.text] for s in v.claims],
              "error": None if v.error is None else [str(fmpz(v.error.p)), str(fmpz(v.error.q))],
              "randomness": v.randomness}
    payload = json.dumps(record).encode("utf-8")
    return MAGIC + str(len(payload)).encode("ascii") + b"\n" + payload


def _strings(xs: object) -> bool:
    return isinstance(xs, list) and all(isinstance(x, str) for x in xs)


def decode(data: bytes) -> Verdict | None:
    """The verdict in a complete, well-formed record, else None."""
    if not data.startswith(MAGIC) or b"\n" not in data:
        return None
    head, payload = data[len(MAGIC):].split(b"\n", 1)
    try:                      # the record's numbers go through the one numeral reader too
        if natural(head.decode("ascii"), Budget(), None) != len(payload):
            return None
    except (Reject, UnicodeDecodeError):
        return None
    try:
        r = json.loads(payload.decode("utf-8"))
    except ValueError:
        return None
    if not (isinstance(r, dict) and set(r) == {"status", "reason", "loc", "claims", "error",
                                                "randomness"}
            and r["status"] in STATUSES and isinstance(r["reason"], str)
            and isinstance(r["randomness"], str)
            and (r["loc"] is None or (isinstance(r["loc"], list) and len(r["loc"]) == 2
                                      and all(type(x) is int for x in r["loc"])))
            and isinstance(r["claims"], list)
            and all(isinstance(c, list) and len(c) == 3 and isinstance(c[0], str)
                    and _strings(c[1]) and isinstance(c[2], str) for c in r["claims"])
            and (r["error"] is None or (_strings(r["error"]) and len(r["error"]) == 2
                                        and all(x.isdigit() for x in r["error"])))):
        return None
    error = None
    if r["error"] is not None:
        try:
            p = natural(r["error"][0], Budget(), None)
            q = natural(r["error"][1], Budget(), None)
        except Reject:
            return None
        if q == 0:
            return None
        error = fmpq(p, 1) / q
    claims = tuple(Statement(k, tuple(s), t) for k, s, t in r["claims"])
    loc = tuple(r["loc"]) if r["loc"] is not None else None
    return Verdict(r["status"], r["reason"], loc, claims, error, r["randomness"])


# ---- the child ------------------------------------------------------------------------------
def _child(text: str, budget: Budget, memory_mib: int, w: int) -> None:
    """Run the check and write the record; never returns (os._exit)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.dup2(2, 1)       # FLINT prints its abort message on stdout: keep verdict lines clean
        limit = memory_mib << 20
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)           # a limit cannot be raised above the hard one
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        verdict = check_text(text, budget)
        if verdict.status == "DECLINE" and "MemoryError" in verdict.reason:
            verdict = Verdict("DECLINE", f"memory limit of {memory_mib} MiB exceeded "
                              f"(--max-memory)", verdict.loc, verdict.claims)
        data = encode(verdict)
        while data:
            data = data[os.write(w, data):]
        code = 0
    except MemoryError:
        code = 3
    except BaseException:
        code = 1
    finally:
        os._exit(code)


# ---- the parent -----------------------------------------------------------------------------
def _read(r: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe; (data, timed out)."""
    chunks, size = [], 0
    sel = selectors.DefaultSelector()
    sel.register(r, selectors.EVENT_READ)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return b"".join(chunks), True
            if not sel.select(timeout=min(left, 1.0)):
                continue
            chunk = os.read(r, 1 << 16)
            if not chunk:
                return b"".join(chunks), False
            size += len(chunk)
            if size > MAX_RECORD:
                return b"", False
            chunks.append(chunk)
    finally:
        sel.close()


def _wait(pid: int, deadline: float) -> tuple[int | None, bool]:
    """(wait status, killed): reap the child, killing it at the deadline."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status, False
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1], True
        time.sleep(0.01)


def _signal_name(n: int) -> str:
    try:
        return signal.Signals(n).name
    except ValueError:
        return f"signal {n}"


def check_guarded(text: str, budget: Budget | None = None,
                  max_memory_mib: int = DEFAULT_MAX_MEMORY_MIB,
                  wall_seconds: float | None = None) -> Verdict:
    """The verdict on `text`, checked in a child process limited to `max_memory_mib` MiB of
    address space and killed after `wall_seconds` (default: `wall_limit(budget)`).  A child
    that does not deliver a well-formed verdict and exit normally gives a DECLINE."""
    budget = budget or Budget()
    wall = wall_limit(budget) if wall_seconds is None else wall_seconds
    syntax._parser()                 # build the Lark parser once, here, not in every child
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child
        os.close(r)
        _child(text, budget, max_memory_mib, w)
    os.close(w)
    start = time.monotonic()
    deadline = start + wall
    status, killed = None, False
    try:
        data, _timed_out = _read(r, deadline)
        status, killed = _wait(pid, deadline)   # past the deadline: killed at once
    finally:
        os.close(r)
        if status is None:                         # interrupted: never leave the child running
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
    if killed:
        return Verdict("DECLINE", f"killed after {wall:g} s wall clock (2 x --max-seconds + 10)")
    if os.WIFSIGNALED(status):
        n = os.WTERMSIG(status)
        cause = (" (SIGKILL: out of memory, or killed from outside)" if n == signal.SIGKILL
                 else f" (an allocation over the memory limit of {max_memory_mib} MiB makes "
                 f"FLINT abort; --max-memory)" if n == signal.SIGABRT else "")
        return Verdict("DECLINE", f"the checking process aborted (signal {n}, "
                       f"{_signal_name(n)}){cause}")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    if code == 3:
        return Verdict("DECLINE", f"memory limit of {max_memory_mib} MiB exceeded "
                       f"(--max-memory)")
    if code != 0:
        return Verdict("DECLINE", f"the checking process failed (exit status {code})")
    verdict = decode(data)
    if verdict is None:
        return Verdict("DECLINE", "the checking process gave no well-formed verdict")
    return verdict
