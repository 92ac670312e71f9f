"""One stage of a reduction with polynomial-identity proofs, and its rendering (producer side).

A `Stage` is everything a `reduction R : S -> T { ... }` block needs: the target instance's
text, `encode` (every target unknown as an expression in the source's unknowns), `decode`
(the other way), and the `forward` and `backward` proof steps (docs/LANGUAGE.md, "Level 2").
The 003 reductions produce stages; `document` strings stages together into one certificate.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Stage:
    target: str                                  # the target instance, as nncert text
    encode: list[tuple[str, str]]
    decode: list[tuple[str, str]]
    forward: list[str] = field(default_factory=list)
    backward: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def goal(k: int, factor: list[str], combination: str) -> str:
    """`goal k [times D] by C;` with D the product of `factor`."""
    times = f" times {'*'.join(factor)}" if factor else ""
    return f"goal {k}{times} by {combination or '0'};"


def block(name: str, source: str, target: str, stage: Stage) -> str:
    lines = [f"reduction {name} : {source} -> {target} {{", "  encode {"]
    lines += [f"    {n} = {v};" for n, v in stage.encode]
    lines += ["  }", "  decode {"]
    lines += [f"    {n} = {v};" for n, v in stage.decode]
    lines += ["  }", "  forward {"]
    lines += [f"    {s}" for s in stage.forward]
    lines += ["  }", "  backward {"]
    lines += [f"    {s}" for s in stage.backward]
    lines += ["  }", "}"]
    return "\n".join(lines)


def document(header: str, comments: list[str], items: list[str], claims: list[str]) -> str:
    lines = ["nncert 1;"]
    if header.strip():
        lines.append(header.rstrip())
    lines += [f"# {c}" if c else "#" for c in comments]
    lines += items
    lines += ["claims {", *[f"  {c}" for c in claims], "}", "end"]
    return "\n".join(lines) + "\n"


def terms_sum(parts: list[tuple[str, str]]) -> str:
    """Join (sign, text) parts into one expression, dropping zero parts."""
    out = ""
    for sign, text in parts:
        if text in ("", "0"):
            continue
        if not out:
            out = text if sign == "+" else f"-({text})"
        else:
            out += f" {sign} ({text})"
    return out or "0"
