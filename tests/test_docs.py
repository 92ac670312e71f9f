"""Every nncert example in docs/LANGUAGE.md gets the verdict written above it."""
import re
from pathlib import Path

import pytest

import checker

DOC = Path(__file__).resolve().parents[1] / "docs" / "LANGUAGE.md"
EXAMPLES = re.findall(r"Expected: (ACCEPT|REJECT|DECLINE)\n```nncert\n(.*?)```", DOC.read_text(),
                      re.S)


def test_the_language_doc_has_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("expected,text", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_language_doc_example(expected, text):
    verdict = checker.check(checker.load(text))
    assert verdict.status == expected, verdict.reason
