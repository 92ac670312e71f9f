"""The trusted base is `checker/kernel/`, in layers that import only downward, and it imports
nothing untrusted and uses no floating point.

Layers, bottom to top: `base` (budgets, numerals, exact numbers and polynomials, enumeration),
`syntax` (AST and parser), `semantics` (expressions, networks), `problems` (problem definitions
and proof rules), `judge` (elaboration, the check driver, claim logic, composition).  A module
may import its own layer and the layers below it, never one above.
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = ROOT / "checker" / "kernel"
LAYERS = ["base", "syntax", "semantics", "problems", "judge"]
ALLOWED_EXTERNAL = {"flint", "gmpy2", "lark", "__future__", "collections", "dataclasses",
                    "typing", "re", "hashlib", "itertools", "heapq", "time", "random", "sys",
                    "gc", "importlib", "os", "resource", "signal", "multiprocessing", "enum",
                    "functools", "json", "struct", "traceback", "pickle", "selectors"}
UNTRUSTED = ("checker.cli", "checker.audit", "checker.reductions", "checker.solvers",
             "checker.importers", "checker.producers", "sympy", "numpy", "fractions", "math",
             "decimal")


def trusted_files():
    files = sorted(KERNEL.rglob("*.py"))
    assert len(files) > 20
    return files


def layer_of(path: Path) -> int | None:
    rel = path.relative_to(KERNEL).parts
    return LAYERS.index(rel[0]) if len(rel) > 1 else None     # kernel/__init__.py: the face


def imported_modules(path, text=None):
    tree = ast.parse(path.read_text() if text is None else text)
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            yield mod
            for a in node.names:                  # `from checker.kernel import base` etc.
                yield f"{mod}.{a.name}"


def layering_violations(path, text=None):
    """Imports of `path` that leave the kernel or go to a higher layer."""
    mine = layer_of(path)
    out = []
    for mod in imported_modules(path, text):
        if not mod.startswith("checker"):
            continue
        parts = mod.split(".")
        if len(parts) < 3 or parts[1] != "kernel" or parts[2] not in LAYERS:
            out.append(mod)
        elif mine is not None and LAYERS.index(parts[2]) > mine:
            out.append(mod)
    return out


def test_every_trusted_module_is_in_a_layer():
    for path in trusted_files():
        rel = path.relative_to(KERNEL).parts
        assert len(rel) == 1 and rel[0] == "__init__.py" or rel[0] in LAYERS, path


def test_layers_import_only_downward():
    for path in trusted_files():
        assert layering_violations(path) == [], path


def test_layering_check_catches_upward_and_outward_imports():
    """The check can fail: an upward import (base -> judge), a relative upward import and an
    import of a producer, added to a base module's text, are each reported."""
    path = KERNEL / "base" / "budget.py"
    for line, bad in [("from checker.kernel.judge import claims", "checker.kernel.judge"),
                      ("from ..semantics import expr", "checker.kernel.semantics"),
                      ("import checker.reductions", "checker.reductions")]:
        found = layering_violations(path, path.read_text() + "\n" + line + "\n")
        assert any(m.startswith(bad) for m in found), (line, found)


def test_trusted_base_imports_nothing_untrusted():
    for path in trusted_files():
        for mod in imported_modules(path):
            assert not any(mod == u or mod.startswith(u + ".") for u in UNTRUSTED), (path, mod)
            top = mod.split(".")[0]
            assert top == "checker" or top in ALLOWED_EXTERNAL, (path, mod)


def test_no_floats_in_the_trusted_base():
    for path in trusted_files():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                # the only floats allowed are time budgets (seconds), never a value
                assert path.name in ("budget.py", "guard.py"), (path, node.lineno, node.value)
            if isinstance(node, ast.Name) and node.id == "float":
                assert path.name in ("budget.py", "guard.py"), (path, node.lineno)


def test_trust_doc_line_count_is_current():
    doc = (ROOT / "docs" / "TRUST.md").read_text()
    documented = int(re.search(r"trusted base: (\d+) lines", doc).group(1))
    actual = sum(len(p.read_text().splitlines()) for p in trusted_files())
    actual += len((ROOT / "grammar" / "nncert.lark").read_text().splitlines())
    assert abs(actual - documented) <= 0.15 * actual, (documented, actual)
