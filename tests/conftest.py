"""Shared pytest configuration.

* `tests/` is put on sys.path, so test modules can `import gen` and `import reference`
  whether or not `tests` is a package.
* The `slow` marker is registered.
* Broken checkers for the meta tests (tests/test_meta.py): with the environment variable
  `NNCERT_BROKEN` set to
    - `accept`:     every document is accepted;
    - `parse_only`: a document is accepted iff it parses (`checker.kernel.syntax.parser.parse`);
  `checker.check`, `checker.check_text`, `checker.kernel.check.check_text` and the CLI's
  imported `check` are replaced before any test module is imported.  A suite that still passes
  under either setting cannot tell a checker from a stub.
"""
from __future__ import annotations

import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

BROKEN_MODES = ("accept", "parse_only")


def _install_broken_checker(mode: str) -> None:
    import checker
    import checker.cli
    import checker.kernel.judge.check
    from checker.kernel.judge.claims import Verdict
    from checker.kernel.syntax.parser import parse

    if mode not in BROKEN_MODES:
        raise ValueError(f"NNCERT_BROKEN must be one of {BROKEN_MODES}, not {mode!r}")

    def text_of(document) -> str:
        return document.text if isinstance(document, checker.Source) else document

    def always_accept(document, budget=None):
        return Verdict("ACCEPT", "broken checker (NNCERT_BROKEN=accept)", None, ())

    def parse_only(document, budget=None):
        try:
            parse(text_of(document))
        except Exception as e:                    # noqa: BLE001 - any failure is a reject
            return Verdict("REJECT", f"broken checker (parse only): {e}", None, ())
        return Verdict("ACCEPT", "broken checker (NNCERT_BROKEN=parse_only)", None, ())

    stub = always_accept if mode == "accept" else parse_only
    checker.check = stub
    checker.check_text = stub
    checker.kernel.judge.check.check_text = stub
    checker.cli.check = stub

    # Fail fast: no shrinking and no example database in a deliberately broken run.
    from hypothesis import Phase, settings
    settings.register_profile("nncert-broken", database=None,
                              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("nncert-broken")


if os.environ.get("NNCERT_BROKEN"):
    _install_broken_checker(os.environ["NNCERT_BROKEN"])


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes more than a minute")
