"""Reductions: untrusted producers that build a target instance and a certificate.

Nothing here is believed: every document a reduction writes is checked by the kernel like
any other input.  The kernel never imports this package.
"""


def shrink(src, fails, smaller):
    """Greedy minimisation for audits: while some candidate of `smaller(src)` is smaller
    (by `len`) and still `fails`, take the first such candidate."""
    while True:
        for candidate in smaller(src):
            if len(candidate) < len(src) and fails(candidate):
                src = candidate
                break
        else:
            return src
