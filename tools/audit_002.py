"""Write the Lemma 3.5 (002, PosSLP -> restricted D-NNT) counterexample certificates of the
audit (docs/AUDIT.md) to certificates/audits/, from the reduction code itself
(checker/reductions/posslp_to_dnnt.py, variant `printed`): a NO-instance of PosSLP (refuted
by exact evaluation) whose printed target is a YES-instance (the forced weights fit).  Every
weight is in the paper's {1, -1}: a row a_j + a_j reads its second operand through an identity
copy c_i of h_j.  Run from the repository root:

    python tools/audit_002.py
"""
from __future__ import annotations

from pathlib import Path

from checker.reductions.posslp_to_dnnt import build, slp_text, slp_values

OUT = Path(__file__).resolve().parents[1] / "certificates" / "audits"

ROWS = {
    "002_lemma35_trailing_zero.nnc": [(0, "+", 0), (1, "+", 1), (2, "+", 0), (3, "+", 3),
                                      (1, "*", 4), (4, "-", 5)],
    "002_lemma35_negative_factor.nnc": [(0, "+", 0), (0, "-", 1), (1, "*", 2)],
}

COMMENTS = {
    "002_lemma35_trailing_zero.nnc": [
        "The straight-line program  a0 = 1, a1 = a0 + a0 = 2, a2 = a1 + a1 = 4, a3 = a2 + a0 = 5,",
        "a4 = a3 + a3 = 10, a5 = a1 * a4 = 20, a6 = a4 - a5 = -10  is a NO-instance of PosSLP",
        "(its value -10 is not positive).  The proof claims len(a_k * 10^-num(a_k)) = num(a_k), but",
        "a4 = 10 ends in a zero digit: sigma'(10) = 0.1 has ONE digit after the point, so",
        "h5 = sigma(2 + 0.1) = 2 * 0.1 * 10 = 2, not 20, and the output is 10 - 2 = 8 > 0: loss",
        "1 <= gamma.  The kernel ACCEPTS both claims: the source is a NO-instance, the target a",
        "YES-instance."],
    "002_lemma35_negative_factor.nnc": [
        "The straight-line program  a0 = 1, a1 = a0 + a0 = 2, a2 = a0 - a1 = -1, a3 = a1 * a2 = -2",
        "is a NO-instance of PosSLP (value -2).  The proof says sigma'(a_k) = a_k * 10^-num(a_k) lies",
        "in [0, 1); for a_k = -1 it is -0.1, so h3 = sigma(2 - 0.1) = floor(1.9) * 0.9 * 10^1 = 9,",
        "not -2, and the output 9 > 0 has loss 1 <= gamma = 1.  The kernel ACCEPTS both claims:",
        "the printed construction maps this NO-instance to a YES-instance."],
}


def counterexample(name: str) -> str:
    rows = ROWS[name]
    assert slp_values(rows)[-1] <= 0
    target = build(rows, "printed", name="printed")
    comments = [
        "AUDIT COUNTEREXAMPLE -- paper 002, Lemma 3.5 (PosSLP -> restricted D-NNT), as printed,",
        "written by tools/audit_002.py from checker/reductions/posslp_to_dnnt.build(P, 'printed')",
        "(one neuron h_i per a_i, h_k' = sigma'(h_k) for the second factor of a product, an",
        "identity copy c_i for the second operand of a_j + a_j, every weight forced to the single",
        "value of its domain, in {1, -1}; the loss of Lemma 3.5; gamma = 1).", "",
        *COMMENTS[name]]
    lines = ["nncert 1;", *[f"# {c}" if c else "#" for c in comments], slp_text(rows),
             target.instance, target.witness,
             "claims {", "  refutes(P);", "  solves(printed, forced);", "}", "end"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for name in ROWS:
        (OUT / name).write_text(counterexample(name))
        print(f"wrote {OUT / name}")
