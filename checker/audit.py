"""`nncert audit` and `nncert reduce`: run a reduction as printed or corrected, let the kernel
check every certificate, and keep minimal counterexamples (untrusted driver code).

A reduction module in `checker/reductions/` provides:
    VARIANTS                                  e.g. ("printed", "corrected")
    random_source(rng) -> src                 a random source instance (Python data), biased
                                              towards the cases proofs pass over
    certificate(src, variant, header="") -> str   source, target, maps and claims, as nncert text
    minimize(src, fails) -> src               a smaller src for which fails(src) still holds
    read_source(elaborated_document) -> src   the source instance of a document (for `reduce`)
and optionally
    violations(src, variant) -> list[str]     claims of the theorem about the target that the
                                              kernel does not see (shape, data values, size)
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

from . import check
from .reductions import posslp_to_dnnt
from .reductions import csp2_to_dnnt, dnnt_to_cnnt, exact_cover_to_dnnt, subset_sum_to_dnnt
from .reductions import eq_to_restricted, etr_inv_to_eq, etr_inv_to_nnt, restricted_to_nnt
from checker.kernel.judge.elaborate import elaborate
from checker.kernel.syntax.parser import parse
from checker.kernel.base.budget import Budget

REDUCTIONS = {"posslp-to-dnnt": posslp_to_dnnt,
              "subset-sum-to-dnnt": subset_sum_to_dnnt,
              "csp2-to-dnnt": csp2_to_dnnt,
              "exact-cover-to-dnnt": exact_cover_to_dnnt,
              "etr-inv-to-eq": etr_inv_to_eq,
              "eq-to-restricted": eq_to_restricted,
              "restricted-to-nnt": restricted_to_nnt,
              "etr-inv-to-nnt": etr_inv_to_nnt,
              "dnnt-to-cnnt": dnnt_to_cnnt}


class AuditCrash(Exception):
    """A reduction raised while the audit built or judged one instance; `where` names it (the
    original exception is the __cause__)."""

    def __init__(self, where: str):
        super().__init__(where)
        self.where = where


def audit(name: str, count: int, seed: int, variant: str, out: Path | None,
          progress: Callable[[str], None] = lambda s: None) -> int:
    """Check `count` random instances; write the minimal counterexample; return the number of
    failures."""
    module = REDUCTIONS[name]
    rng = random.Random(seed)
    failures = []

    violations = getattr(module, "violations", lambda src, variant: [])

    def fails(src) -> bool:
        return (check(module.certificate(src, variant)).status != "ACCEPT"
                or bool(violations(src, variant)))

    for n in range(1, count + 1):
        try:
            src = module.random_source(rng)
            if fails(src):
                failures.append(src)
        except Exception as e:            # noqa: BLE001 -- named, re-raised for the CLI
            raise AuditCrash(f"instance {n}") from e
        if n % 25 == 0 or n == count:
            progress(f"{name} ({variant}): {n}/{count} instances, {len(failures)} failing")
    if failures and out is not None:
        try:
            path = _write_counterexample(module, name, variant, count, seed, failures, fails,
                                         violations, out)
        except Exception as e:            # noqa: BLE001 -- named, re-raised for the CLI
            raise AuditCrash("the minimisation of the counterexample") from e
        progress(f"minimal counterexample written to {path}")
    return len(failures)


def _write_counterexample(module, name, variant, count, seed, failures, fails, violations,
                          out: Path) -> Path:
    smallest = min((module.minimize(r, fails) for r in failures[:20]), key=len)
    verdict = check(module.certificate(smallest, variant))
    broken = violations(smallest, variant)
    header = (f"# AUDIT COUNTEREXAMPLE -- {name}, variant {variant!r}: found by\n"
              f"#   nncert audit {name} --variant {variant} --count {count} --seed {seed}\n"
              + (f"# The target breaks the theorem's claims: {'; '.join(broken)[:150]}\n"
                 if broken else "")
              + f"# The kernel says:\n#   {verdict.status} {verdict.reason[:150]}")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}-{variant}-seed{seed}.nnc"
    path.write_text(module.certificate(smallest, variant, header))
    return path


def reduce_file(name: str, source: Path, variant: str) -> str:
    """The certificate for the first source instance of the document at `source`."""
    doc = elaborate(parse(source.read_text("ascii")), Budget().start())
    module = REDUCTIONS[name]
    return module.certificate(module.read_source(doc), variant,
                              f"# {name} ({variant}) of {source.name}")
