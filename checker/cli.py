"""The `nncert` command line (untrusted presentation layer over the kernel).

    nncert check FILE...   one verdict line per file; exit 0 all accepted, 1 some rejected,
                           2 none rejected but some declined, 3 usage or I/O error.
    nncert import smtlib|model ...   SMT-LIB problems and solver models -> documents.
    nncert reduce|audit|solve ...    untrusted producers; exit 4 (one line, no traceback) on
                                     an internal error of the producer.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import Budget, Decline, Reject, Source, check, check_guarded, load
from .audit import REDUCTIONS, AuditCrash, audit, reduce_file
from checker.kernel.base import budget as B
from checker.kernel.judge.claims import Verdict

EXIT = {"ACCEPT": 0, "REJECT": 1, "DECLINE": 2}
USAGE_ERROR = 3
PRODUCER_CRASH = 4

PRODUCER_EXITS = """\
exit status:   0 done; 1 the input is malformed or the method does not apply (audit: some
               instance failed; import model: the kernel rejected the result, 2 it declined);
               3 usage or I/O error; 4 internal error of this (untrusted) producer: a bug,
               reported in one line naming the command and the input, never a traceback and
               never a verdict.
"""

DESCRIPTION = """\
Check nncert certificates exactly.  Each FILE is a document in the nncert language
(docs/LANGUAGE.md): instances, witnesses and a `claims { ... }` section.  The kernel accepts a
file only if every claim in it is proved with exact arithmetic.

verdict line:  ACCEPT|REJECT|DECLINE <file> <sha256 of the file> <summary>
               (REJECT and DECLINE give line:col and one sentence saying why; an ACCEPT
               that rests on `equal` claims decided by random fingerprints has the summary
               `probabilistic: error <= 2^-E (<randomness>): ...`, where <randomness> is
               `fresh os randomness` or, with --seed, the seed hashed with the document)
exit status:   0 every file accepted (exactly, or probabilistically as marked; with --exact a
               probabilistic accept is a DECLINE); 1 some file rejected (a malformed file is rejected);
               2 none rejected but some declined (over budget, or a rule not supported);
               3 usage or I/O error.  Never 0 on a timeout or a crash.
               The producers (reduce, audit, solve, import) exit 4 on an internal error
               (one line naming the command and the input; see `nncert COMMAND --help`).
guard:         each file is checked in a child process limited to --max-memory MiB and
               killed after 2 x --max-seconds + 10 s; running out of memory, the wall-clock
               kill or a crash (e.g. an abort inside FLINT) is a DECLINE naming the resource.
"""

EXAMPLES = """\
examples:
  nncert check certificates/examples/*.nnc
  nncert check --json --max-seconds 10 my_certificate.nnc
  nncert check --max-bits 100000000 huge_slp.nnc
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nncert", description=DESCRIPTION, epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("check", help="check certificates (one verdict line per file)",
                       description=DESCRIPTION, epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--json", action="store_true", help="print one JSON object per file")
    c.add_argument("--max-bits", type=int, default=B.DEFAULT_MAX_BITS, metavar="N",
                   help="largest size of any number, in bits (default %(default)s)")
    c.add_argument("--max-seconds", type=float, default=B.DEFAULT_MAX_SECONDS, metavar="S",
                   help="time budget per file (default %(default)s); over it: DECLINE")
    c.add_argument("--max-enumeration", type=int, default=B.DEFAULT_MAX_ENUMERATION, metavar="N",
                   help="largest case enumeration (default %(default)s)")
    c.add_argument("--max-degree", type=int, default=B.DEFAULT_MAX_DEGREE, metavar="N",
                   help="largest degree of a field polynomial (default %(default)s)")
    c.add_argument("--max-prime-bits", type=int, default=B.DEFAULT_MAX_PRIME_BITS, metavar="N",
                   help="largest fingerprint prime, in bits (default %(default)s); equal claims "
                   "needing larger primes DECLINE")
    c.add_argument("--seed", type=int, default=None, metavar="N",
                   help="reproducible fingerprint primes: the kernel derives them from a sha256 "
                   "hash of N together with the whole document text (Fiat-Shamir), so the "
                   "document's author cannot know them before fixing the document (default: "
                   "fresh os randomness)")
    c.add_argument("--exact", action="store_true",
                   help="accept only exact proofs: a probabilistic accept becomes a DECLINE")
    c.add_argument("--max-steps", type=int, default=B.DEFAULT_MAX_STEPS, metavar="N",
                   help="largest number of evaluation steps (default %(default)s)")
    c.add_argument("--max-terms", type=int, default=B.DEFAULT_MAX_TERMS, metavar="N",
                   help="most terms of one polynomial; a product, power or gcd that could "
                   "have more is declined before it is computed (default %(default)s)")
    c.add_argument("--max-memory", type=int, default=B.DEFAULT_MAX_MEMORY_MIB, metavar="MIB",
                   help="address space of the process checking each file, in MiB (default "
                   "%(default)s); each file is checked in a child process with this limit and "
                   "killed after 2 x --max-seconds + 10 s of wall clock; a child that runs out "
                   "or crashes gives a DECLINE naming the resource")
    c.add_argument("--no-guard", action="store_true",
                   help="check in this process, without the memory limit and wall-clock kill "
                   "(for debugging; a FLINT abort then ends nncert without a verdict line)")
    fmt = argparse.RawDescriptionHelpFormatter
    r = sub.add_parser("reduce", help="run a reduction on a source instance (untrusted producer)",
                       description="Write the target instance of a reduction together with a "
                       "certificate (source, target, claims) that `nncert check` verifies.",
                       epilog=PRODUCER_EXITS, formatter_class=fmt)
    r.add_argument("reduction", choices=sorted(REDUCTIONS))
    r.add_argument("source", type=Path, metavar="SOURCE")
    r.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    r.add_argument("--variant", choices=("printed", "corrected"), default="corrected",
                   help="the paper's construction as printed, or our corrected one (default)")
    a = sub.add_parser("audit", help="audit a reduction on random instances, both directions",
                       description="Generate random source instances (including the cases proofs "
                       "pass over), build each target, and let the kernel check that source and "
                       "target are both YES or both NO.  On failure, write a minimal "
                       "counterexample certificate and exit 1.", epilog=PRODUCER_EXITS,
                       formatter_class=fmt)
    a.add_argument("reduction", choices=sorted(REDUCTIONS))
    a.add_argument("--count", type=int, default=100)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--variant", choices=("printed", "corrected"), default="corrected")
    a.add_argument("--out", type=Path, default=Path("certificates/audits"),
                   help="where to write a counterexample (default %(default)s)")
    s = sub.add_parser("solve", help="solve a small D-NNT instance (untrusted producer)",
                       description="Solve the first training instance of FILE (finite parameter "
                       "domains) and write a certificate the kernel checks: the instance with a "
                       "witness and `solves`, or `refutes` (replayed by enumeration).  Exit 1 if "
                       "FILE is malformed or the method does not apply, 3 for I/O errors.",
                       epilog=PRODUCER_EXITS, formatter_class=fmt)
    s.add_argument("source", type=Path, metavar="FILE")
    s.add_argument("-o", "--output", type=Path, metavar="OUT",
                   help="where to write the certificate (default: standard output)")
    s.add_argument("--method", choices=("auto", "exhaustive", "dp"), default="auto",
                   help="dp: 002 Thm 1.6 (one hidden layer, one output); exhaustive: any D-NNT "
                   "instance; auto: dp where it applies (default %(default)s)")
    _import_parser(sub)
    return p


IMPORT_DESCRIPTION = """\
Import an SMT-LIB 2 problem (QF_NRA / QF_LRA: real variables, polynomial constraints) as an
nncert ETR instance, or a solver's model of it as a complete certificate (untrusted producer:
`nncert check` verifies what it writes).

  smtlib   the instance only; with no witness the document claims nothing, so `nncert check`
           verifies the instance and then rejects it ("the certificate makes no claim").
  model    instance + witness + `solves(NAME, model)`; values may be rationals, z3's
           (root-obj P k) or cvc5's (_ real_algebraic_number <P, (LO, HI)>); irrational values
           are written in one field Q(theta) (a primitive element).  The written certificate
           is checked at once: exit 0 ACCEPT, 1 REJECT (e.g. a wrong model), 2 DECLINE.

SMT-LIB names that are not nncert names (|x y|, x!1, x.y, and) are renamed deterministically;
the renaming is written as a comment.  Unsupported input (Int or Bool variables, quantifiers,
uninterpreted functions, division by a variable, ...): one sentence with FILE:line:col, exit 3.
An internal error of the importer: one line naming the command and FILE, exit 4.
"""

IMPORT_EXAMPLES = """\
examples:
  nncert import smtlib certificates/smtlib/sqrt2_sqrt3.smt2 -o instance.nnc
  z3 certificates/smtlib/sqrt2_sqrt3.smt2 > model.txt          # (check-sat) (get-model)
  nncert import model model.txt --smtlib certificates/smtlib/sqrt2_sqrt3.smt2 -o cert.nnc
  nncert import model certificates/smtlib/sqrt2_sqrt3.z3-model \\
      --smtlib certificates/smtlib/sqrt2_sqrt3.smt2 --name roots
"""


def _import_parser(sub) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    i = sub.add_parser("import", help="import an SMT-LIB problem or a solver's model "
                       "(untrusted producer)", description=IMPORT_DESCRIPTION,
                       epilog=IMPORT_EXAMPLES, formatter_class=fmt)
    kinds = i.add_subparsers(dest="kind", metavar="KIND", required=True)
    s = kinds.add_parser("smtlib", help="an SMT-LIB 2 problem -> an ETR instance (no claim)",
                         description=IMPORT_DESCRIPTION, epilog=IMPORT_EXAMPLES,
                         formatter_class=fmt)
    s.add_argument("smtlib", type=Path, metavar="FILE.smt2")
    m = kinds.add_parser("model", help="a solver's model of FILE.smt2 -> a complete "
                         "certificate", description=IMPORT_DESCRIPTION, epilog=IMPORT_EXAMPLES,
                         formatter_class=fmt)
    m.add_argument("model", type=Path, metavar="MODEL",
                   help="the solver's output for (get-model), e.g. `z3 FILE.smt2 > MODEL`")
    m.add_argument("--smtlib", type=Path, required=True, metavar="FILE.smt2",
                   help="the problem the model is for")
    for p in (s, m):
        p.add_argument("-o", "--output", type=Path, metavar="OUT",
                       help="where to write the document (default: standard output)")
        p.add_argument("--name", metavar="NAME",
                       help="the instance's name (default: from the file name)")


def _import(args: argparse.Namespace) -> int:
    from .importers import ImportFailure
    from .importers.model import certificate, parse_model
    from .importers.names import fresh, usable
    from .importers.smtlib import import_smtlib, parse_smtlib
    if args.name is not None and not usable(args.name):
        print(f"nncert: --name {args.name!r} is not an nncert name (letters, digits, _; not "
              f"a keyword)", file=sys.stderr)
        return USAGE_ERROR
    name = args.name or fresh(args.smtlib.stem, set())
    current = args.smtlib
    try:
        smt_text = args.smtlib.read_text(encoding="utf-8", errors="replace")
        if args.kind == "smtlib":
            doc = import_smtlib(smt_text, name, str(args.smtlib))
        else:
            problem = parse_smtlib(smt_text)
            current = args.model
            values = parse_model(args.model.read_text(encoding="utf-8", errors="replace"))
            doc = certificate(problem, values, name, f"{args.model} for {args.smtlib}")
    except OSError as e:
        print(f"nncert: cannot read {e.filename or current}: {e.strerror or e}", file=sys.stderr)
        return USAGE_ERROR
    except ImportFailure as e:
        where = f"{e.loc[0]}:{e.loc[1]}: " if e.loc else ""
        print(f"nncert: {current}:{where}{e.reason}", file=sys.stderr)
        return USAGE_ERROR
    except RecursionError:
        print(f"nncert: {current}: a term is nested too deeply to import", file=sys.stderr)
        return USAGE_ERROR
    try:
        if args.output is None:
            sys.stdout.write(doc)
        else:
            args.output.write_text(doc)
    except OSError as e:
        print(f"nncert: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
        return USAGE_ERROR
    if args.kind == "smtlib":
        if args.output is not None:
            print(f"wrote {args.output} (an instance, no claim)", file=sys.stderr)
        return 0
    verdict = check(doc)
    where = f" at {verdict.loc[0]}:{verdict.loc[1]}" if verdict.loc else ""
    detail = f": {verdict.reason}{where}" if verdict.status != "ACCEPT" else ""
    print(f"wrote {args.output or 'standard output'} (kernel: {verdict.status}{detail})",
          file=sys.stderr)
    return EXIT[verdict.status]


def _line(source: Source, v: Verdict) -> str:
    where = f"{v.loc[0]}:{v.loc[1]} " if v.loc else ""
    if v.status == "ACCEPT":
        detail = "; ".join(s.text for s in v.claims)
        mark = f"{v.guarantee()}: " if v.probabilistic else ""
        return f"ACCEPT {source.origin} {source.sha256} {mark}{len(v.claims)} claim(s): {detail}"
    return f"{v.status} {source.origin} {source.sha256} {where}{v.reason}"


def _json(source: Source, v: Verdict) -> str:
    return json.dumps({
        "verdict": v.status, "file": source.origin, "sha256": source.sha256,
        "reason": v.reason, "line": v.loc[0] if v.loc else None,
        "column": v.loc[1] if v.loc else None,
        "guarantee": v.guarantee() if v.status == "ACCEPT" else None,
        "probabilistic": v.probabilistic,
        "error_bound": None if v.error is None else str(v.error),
        "randomness": v.randomness or None,
        "claims": [{"claim": s.text, "kind": s.kind, "subjects_sha256": list(s.subjects)}
                   for s in v.claims]})


def check_files(args: argparse.Namespace) -> int:
    worst = 0
    for path in args.files:
        try:
            source = load(Path(path))
        except OSError as e:
            print(f"ERROR {path} - cannot read: {e.strerror or e}", flush=True)
            worst = USAGE_ERROR
            continue
        budget = Budget(max_bits=args.max_bits, max_seconds=args.max_seconds,
                        max_enumeration=args.max_enumeration, max_degree=args.max_degree,
                        max_steps=args.max_steps, max_prime_bits=args.max_prime_bits,
                        max_terms=args.max_terms, seed=args.seed)
        if args.no_guard:
            verdict = check(source, budget)
        else:
            verdict = check_guarded(source, budget, max_memory_mib=args.max_memory)
        if args.exact and verdict.probabilistic:
            verdict = Verdict("DECLINE", f"the acceptance is {verdict.guarantee()}, not exact "
                              f"(--exact)", None, verdict.claims)
        print(_json(source, verdict) if args.json else _line(source, verdict), flush=True)
        code = EXIT[verdict.status]
        if worst != USAGE_ERROR and (code == 1 or (code == 2 and worst == 0)):
            worst = code
    return worst


def _reduce(args: argparse.Namespace) -> int:
    try:
        text = reduce_file(args.reduction, args.source, args.variant)
        args.output.write_text(text)
    except OSError as e:
        print(f"nncert: cannot read or write: {e.strerror or e}", file=sys.stderr)
        return USAGE_ERROR
    except (Reject, Decline, ValueError) as e:
        where = f" at {e.loc[0]}:{e.loc[1]}" if getattr(e, "loc", None) else ""
        print(f"nncert: {args.source}: {getattr(e, 'reason', e)}{where}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


def _solve(args: argparse.Namespace) -> int:
    from .solvers import SolverError, solve_text
    try:
        text = load(args.source).text
    except OSError as e:
        print(f"nncert: cannot read {args.source}: {e.strerror or e}", file=sys.stderr)
        return USAGE_ERROR
    try:
        cert = solve_text(text, args.method)
    except (Reject, Decline, SolverError, RuntimeError) as e:
        where = f" at {e.loc[0]}:{e.loc[1]}" if getattr(e, "loc", None) else ""
        print(f"nncert: {args.source}: {getattr(e, 'reason', e)}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("nncert: interrupted", file=sys.stderr)
        return USAGE_ERROR
    if args.output is None:
        sys.stdout.write(cert)
        return 0
    try:
        args.output.write_text(cert)
    except OSError as e:
        print(f"nncert: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
        return USAGE_ERROR
    verdict = "refutes" if "refutes(" in cert.rstrip().splitlines()[-2] else "solves"
    print(f"wrote {args.output} ({verdict})")
    return 0


def _audit(args: argparse.Namespace) -> int:
    if args.count < 1:
        print("nncert: --count must be at least 1", file=sys.stderr)
        return USAGE_ERROR
    failures = audit(args.reduction, args.count, args.seed, args.variant, args.out,
                     progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"{'FAIL' if failures else 'OK'} {args.reduction} variant={args.variant} "
          f"count={args.count} seed={args.seed} failing={failures}")
    return 1 if failures else 0


def _one_line(e: BaseException) -> str:
    """`Type: message` on one line, at most 300 characters (str(e) itself may fail)."""
    try:
        text = " ".join(str(e).split())
    except Exception:                       # noqa: BLE001 -- a message that cannot be shown
        text = "(message not printable)"
    text = f"{type(e).__name__}: {text}" if text else type(e).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _describe(args: argparse.Namespace) -> str:
    """The command and its input, for a crash report."""
    if args.command == "reduce":
        return f"reduce {args.reduction} {args.source} (variant {args.variant})"
    if args.command == "audit":
        return (f"audit {args.reduction} (variant {args.variant}, seed {args.seed}, "
                f"count {args.count})")
    if args.command == "solve":
        return f"solve {args.source} (method {args.method})"
    what = args.smtlib if args.kind == "smtlib" else f"{args.model} for {args.smtlib}"
    return f"import {args.kind} {what}"


PRODUCERS = {"reduce": _reduce, "audit": _audit, "solve": _solve, "import": _import}


def run_producer(args: argparse.Namespace) -> int:
    """Run a producer command; an unexpected exception (a bug of the untrusted producer) is one
    line on stderr naming the command and the input, exit PRODUCER_CRASH -- never a traceback."""
    try:
        return PRODUCERS[args.command](args)
    except KeyboardInterrupt:
        print(f"nncert: {_describe(args)}: interrupted", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return USAGE_ERROR
    except Exception as e:                  # noqa: BLE001 -- the one place producers' bugs end
        cause = e.__cause__ if isinstance(e, AuditCrash) and e.__cause__ else e
        if isinstance(cause, OSError):
            print(f"nncert: {_describe(args)}: cannot read or write "
                  f"{cause.filename or ''}: {cause.strerror or cause}", file=sys.stderr)
            return USAGE_ERROR
        where = f" at {e.where}" if isinstance(e, AuditCrash) else ""
        print(f"nncert: {_describe(args)}{where}: internal error of the producer "
              f"({_one_line(cause)})", file=sys.stderr)
        return PRODUCER_CRASH


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else USAGE_ERROR
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE_ERROR
    if args.command in PRODUCERS:
        return run_producer(args)
    if args.max_bits < 1 or args.max_seconds <= 0 or args.max_enumeration < 0 \
            or args.max_prime_bits < 1 or args.max_terms < 1 or args.max_memory < 1:
        print("nncert: budgets must be positive", file=sys.stderr)
        return USAGE_ERROR
    try:
        return check_files(args)
    except KeyboardInterrupt:
        print("nncert: interrupted", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:            # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
