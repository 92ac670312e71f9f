"""The trusted base imports nothing untrusted and uses no floating point."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRUSTED = ["checker/kernel", "checker/language", "checker/problems"]
UNTRUSTED = ("checker.cli", "checker.reductions", "checker.solvers", "checker.importers",
             "checker.producers", "sympy", "numpy", "fractions", "math", "decimal")


def trusted_files():
    files = [p for d in TRUSTED for p in sorted((ROOT / d).glob("*.py"))]
    assert files
    return files


def imported_modules(path):
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.module


def test_trusted_base_imports_nothing_untrusted():
    for path in trusted_files():
        for mod in imported_modules(path):
            assert not any(mod == u or mod.startswith(u + ".") for u in UNTRUSTED), (path, mod)


def test_no_floats_in_the_trusted_base():
    for path in trusted_files():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                # the only float allowed is the default time budget (seconds), never a value
                assert path.name == "budget.py", (path, node.lineno, node.value)
            if isinstance(node, ast.Name) and node.id == "float":
                assert path.name == "budget.py", (path, node.lineno)


def test_trust_doc_line_count_is_current():
    doc = (ROOT / "docs" / "TRUST.md").read_text()
    documented = int(re.search(r"trusted base: (\d+) lines", doc).group(1))
    actual = sum(len(p.read_text().splitlines()) for p in trusted_files())
    actual += len((ROOT / "grammar" / "nncert.lark").read_text().splitlines())
    assert abs(actual - documented) <= 0.15 * actual, (documented, actual)
