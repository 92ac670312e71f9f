"""Binding: the sha256 a verdict names for each subject covers the subject's whole meaning.

A subject hash (checker/kernel/judge/check.py `Subjects`, docs/SOUNDNESS.md (Part I)) is the
sha256 of `label length:value` lines: a tag, the language version, the document's field
declaration, the subject's role, the hashes of the instances it is about and its canonical text
(syntax/parser.py `canonical_text`: comments blanked, each whitespace run one space, or one line
break if it has one).  `spec_hashes` below recomputes them from that description; the tests
check that the kernel names exactly those, that a different meaning changes the hash (pairs of
documents: the field's root, the instance a witness is for, matrix and program rows), and that
pure re-formatting (comments, spaces, tabs, blank lines, CRLF) keeps it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

import checker
from checker.kernel.base.budget import Budget
from checker.kernel.judge.check import Subjects
from checker.kernel.judge.elaborate import elaborate
from checker.kernel.syntax import ast
from checker.kernel.syntax.parser import canonical_text, parse

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "certificates" / "examples").glob("*.nnc"))
SMALL = [p for p in EXAMPLES if p.stat().st_size < 20_000]


# ---- the specification, recomputed --------------------------------------------------------------
def spec_hashes(text: str) -> dict[str, str]:
    """name -> the documented subject hash of every instance, witness, reduction, refutation."""
    doc = parse(text)
    blocks = {b.name: b for b in doc.items if isinstance(b, ast.Block)}
    field = next((it.canonical for it in doc.items if isinstance(it, ast.FieldDecl)), "")

    def lines(parts):
        return "".join(f"{label} {len(value)}:{value}\n" for label, value in parts)

    def h(name: str) -> str:
        b = blocks[name]
        parts = [("tag", "nncert-subject"), ("language", "1"), ("field", field)]
        if b.kind in ("training", "etr", "slp"):
            parts += [("role", "instance")]
        elif b.kind == "reduction":
            parts += [("role", "reduction"), ("source", h(b.target[0])),
                      ("target", h(b.target[1]))]
        else:
            parts += [("role", b.kind), ("instance", h(b.target))]
        parts.append(("text", b.canonical))
        return hashlib.sha256(lines(parts).encode()).hexdigest()

    return {name: h(name) for name in blocks}


def named(verdict: checker.Verdict) -> list[tuple[list[str], tuple[str, ...]]]:
    """(the names a claim was written with, the hashes it names), per claim."""
    out = []
    for s in verdict.claims:
        names = [n for n in re.findall(r"[A-Za-z_][A-Za-z_0-9\[\]]*", s.text)[1:] if n != "via"]
        out.append((names, s.subjects))
    return out


def kernel_hashes(text: str) -> dict[str, str]:
    tree = parse(text)
    doc = elaborate(tree, Budget().start())
    subjects = Subjects(doc, tree)
    names = [*doc.instances, *doc.witnesses, *doc.reductions, *doc.refutations]
    return {n: subjects(n) for n in names}


@pytest.mark.parametrize("path", SMALL, ids=[p.name for p in SMALL])
def test_verdicts_name_the_specified_hashes(path):
    text = path.read_text()
    v = checker.check(text)
    assert v.status == "ACCEPT", v.reason
    spec = spec_hashes(text)
    for names, subjects in named(v):
        assert list(subjects[:len(names)]) == [spec[n] for n in names]
    assert kernel_hashes(text) == spec


# ---- re-formatting keeps every hash, and the canonical text means what the document means -----
def reformat(text: str, how: str) -> str:
    body, end = text.rsplit("end", 1)
    if how == "comments":
        rows = re.compile(r"\s*[0-9][-+*0-9 \t;]*$")    # no comments inside program rows
        body = "\n".join(line + ("" if rows.match(line) else "   # a comment")
                         for line in body.split("\n")) + "\n"
    elif how == "spaces":
        body = body.replace(" ", " \t  ")
    elif how == "blank lines":
        body = body.replace("\n", "\n\n  \n")
    elif how == "crlf":
        body = body.replace("\n", "\r\n")
    return body + "end" + end


@pytest.mark.parametrize("how", ["comments", "spaces", "blank lines", "crlf"])
@pytest.mark.parametrize("path", SMALL, ids=[p.name for p in SMALL])
def test_reformatting_keeps_every_hash(path, how):
    text = path.read_text()
    other = reformat(text, how)
    assert other != text
    assert kernel_hashes(other) == kernel_hashes(text)


IGNORED = {"loc", "locs", "row_locs", "depth", "canonical", "text"}     # text: Document's


def meaning(x):
    """A syntax tree without locations and canonical texts (what the document says)."""
    if dataclasses.is_dataclass(x):
        return (type(x).__name__, tuple((f.name, meaning(getattr(x, f.name)))
                                        for f in dataclasses.fields(x) if f.name not in IGNORED))
    if isinstance(x, dict):
        return tuple(sorted((k, meaning(v)) for k, v in x.items() if k not in IGNORED))
    if isinstance(x, ast.SparseRow):
        return ("sparse", tuple(x))
    if isinstance(x, (list, tuple)):
        if len(x) == 2 and all(type(i) is int for i in x):
            return "loc"                            # (line, column) of a name
        return tuple(meaning(i) for i in x)
    return x


@pytest.mark.parametrize("path", SMALL, ids=[p.name for p in SMALL])
def test_canonical_text_parses_to_the_same_document(path):
    """The lemma behind binding: the canonical text of a document parses to the same tree, so
    equal canonical texts mean equal meanings (docs/SOUNDNESS.md (Part I))."""
    text = path.read_text()
    canon = canonical_text(re.sub(r"#[^\n]*", " ", text))
    assert canon != text
    assert meaning(parse(canon)) == meaning(parse(text))
    for it in parse(text).items:
        if isinstance(it, (ast.Block, ast.FieldDecl)):
            assert it.canonical in canon


# ---- different meanings, different hashes: pairs of documents ---------------------------------
ROOT2 = """nncert 1;
field t : t^2 - 2 in ({lo}, {hi});
instance E : etr {{ var x; formula x*x = 2; }}
witness w for E {{ x = t; }}
claims {{ solves(E, w); }}
end
"""


def test_the_field_declaration_is_bound():
    """x = t solves x^2 = 2 for t = sqrt(2) and for t = -sqrt(2): both ACCEPT, and the witness
    text is the same, but they are different witnesses; the hashes say so."""
    plus, minus = ROOT2.format(lo=1, hi=2), ROOT2.format(lo=-2, hi=-1)
    vp, vm = checker.check(plus), checker.check(minus)
    assert vp.status == vm.status == "ACCEPT"
    assert parse(plus).items[2].canonical == parse(minus).items[2].canonical
    wp, wm = vp.claims[0].subjects[1], vm.claims[0].subjects[1]
    assert wp != wm
    assert (wp, wm) == (spec_hashes(plus)["w"], spec_hashes(minus)["w"])
    spaced = plus.replace("field t : t^2 - 2", "field  t:t^2-2  # sqrt(2)\n")
    assert spaced != plus and kernel_hashes(spaced) != kernel_hashes(plus)   # other text
    assert kernel_hashes(plus.replace("(1, 2);", "(1,  2);  # +")) == kernel_hashes(plus)


def test_a_witness_is_bound_to_its_instance():
    text = ("nncert 1;\ninstance E : etr { var x; formula x*x = GOAL; }\n"
            "witness w for E { x = 2; }\nrefutation r for E { multiply 1 by 0; }\n"
            "claims { solves(E, w); }\nend\n")
    four, five = kernel_hashes(text.replace("GOAL", "4")), kernel_hashes(text.replace("GOAL", "5"))
    assert four["E"] != five["E"] and four["w"] != five["w"] and four["r"] != five["r"]
    v = checker.check(text.replace("GOAL", "4"))
    assert v.status == "ACCEPT" and v.claims[0].subjects == (four["E"], four["w"])


def test_a_reduction_is_bound_to_its_source_and_target():
    path = ROOT / "certificates" / "examples" / "etr_inv_to_golden_l2.nnc"
    text = path.read_text()
    red = [b for b in parse(text).items if isinstance(b, ast.Block) and b.kind == "reduction"][0]
    source = red.target[0]
    block = [b for b in parse(text).items if isinstance(b, ast.Block) and b.name == source][0]
    assert block.kind == "etr"
    changed = text.replace("formula", "formula 1 = 1 and", 1)
    a, b = kernel_hashes(text), kernel_hashes(changed)
    assert a[source] != b[source] and a[red.name] != b[red.name]


def test_matrix_rows_are_kept_apart():
    """`1 -1 / -1 1` (2 x 2) and `1 -1 -1 1` (1 x 4) assign different names; with line breaks
    made spaces both had the same canonical text."""
    text = Path(ROOT / "certificates" / "examples" / "dnnt_finite.nnc").read_text()
    flat = text.replace("    1 -1\n    -1 1\n", "    1 -1 -1 1\n")
    assert flat != text

    def witness(t):
        return next(b for b in parse(t).items if isinstance(b, ast.Block) and b.kind == "witness")
    assert witness(text).canonical != witness(flat).canonical
    assert "1 -1\n-1 1" in witness(text).canonical
    assert checker.check(flat).status == "REJECT"        # W_h[1][3] is no parameter of xor


@pytest.mark.parametrize("rows", ["0 + 0\n1 * 1", "0 + 0; 1 * 1"])
def test_program_rows_are_kept_apart(rows):
    text = f"nncert 1;\ninstance P : slp {{\n{rows}\n}}\nclaims {{ solves(P, W); }}\n" \
           "witness W for P { }\nend\n"
    canon = parse(text).items[0].canonical
    assert canon == "instance P : slp {\n" + rows + "\n}"
    assert meaning(parse(canonical_text(text))) == meaning(parse(text))


def test_data_rows_are_kept_apart():
    text = ("nncert 1;\ninstance T : training { input x; param a real; output o identity = a*x;"
            "\n loss squared; gamma 0; data {\n1 -> 2\n  2 -> 4 # two points\n} }\n"
            "witness w for T { a = 2; }\nclaims { solves(T, w); }\nend\n")
    canon = parse(text).items[0].canonical
    assert "data {\n1 -> 2\n2 -> 4\n}" in canon
    assert checker.check(text).status == "ACCEPT"


def test_a_keyword_as_a_name_does_not_move_a_block():
    text = ("nncert 1;\ninstance witness : etr { var instance; formula instance = 1; }\n"
            "witness field for witness { instance = 1; }\nclaims { solves(witness, field); }\n"
            "end\n")
    v = checker.check(text)
    if v.status != "ACCEPT":
        pytest.skip(f"keywords are not names here: {v.reason}")
    blocks = [b for b in parse(text).items if isinstance(b, ast.Block)]
    assert blocks[0].canonical.startswith("instance witness : etr {")
    assert blocks[1].canonical == "witness field for witness { instance = 1; }"
    assert v.claims[0].subjects == (spec_hashes(text)["witness"], spec_hashes(text)["field"])


def test_a_witness_for_no_instance_rejects_with_its_location():
    text = ("nncert 1;\ninstance E : etr { var x; formula x = 1; }\n"
            "witness w for Nowhere { x = 1; }\nclaims { solves(E, w); }\nend\n")
    v = checker.check(text)
    assert v.status == "REJECT" and "not an instance" in v.reason and v.loc[0] == 3


def test_canonical_text_is_the_documented_rule():
    """Each maximal whitespace run -> one line break if it holds one, else one space (the
    kernel does it with two linear substitutions; here by the definition)."""
    import random

    def rule(s: str) -> str:
        return re.sub(r"\s+", lambda m: "\n" if re.search(r"[\r\n]", m.group()) else " ",
                      s).strip()
    rng = random.Random(3)
    for _ in range(20000):
        s = "".join(rng.choice(["a", "1", "{", ";", " ", "\t", "\n", "\r"])
                    for _ in range(rng.randrange(30)))
        assert canonical_text(s) == rule(s), repr(s)
