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


def first_of_shape(doc, kind: type, convert, what: str):
    """convert(inst) for the first instance of `kind` in the document that converts without a
    ValueError (so a stage can read the previous stage's output); ValueError if none does."""
    errors = []
    for inst in doc.instances.values():
        if isinstance(inst, kind):
            try:
                return convert(inst)
            except ValueError as e:
                errors.append(str(e))
    raise ValueError(errors[0] if errors else f"the document contains no {what} instance")
