"""A fast sample of the mutation run (the full run: `python -m tests.mutation`).

Every mutant of a shipped valid certificate must be rejected or declined by the kernel, or be
confirmed valid by the independent reference checker.  Sampled per CI run with a fixed seed;
the full run's counts are in docs/SOUNDNESS.md."""
from tests.mutation import EXAMPLES, examples, run


def test_mutation_sample_has_no_disagreement():
    result = run(examples(), sample=250, seed=7)
    counts = result["counts"]
    assert counts["mutants"] == 250
    assert counts["rejected"] > counts["still-valid"]
    assert not result["disagreements"], [(m.source, m.operator, m.detail)
                                         for m in result["disagreements"][:10]]


def test_the_oracle_is_not_trivial():
    """The reference rejects what the kernel rejects on a known-bad mutant."""
    from tests.reference.document import reference_solves
    text = (EXAMPLES / "golden_ratio.nnc").read_text()
    assert reference_solves(text) is True
    assert reference_solves(text.replace("b = phi - 1;", "b = 3/5;")) is False
