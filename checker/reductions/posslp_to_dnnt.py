"""PosSLP → restricted D-NNT (002, Lemma 3.5), as printed and corrected.

Both variants build, for a₀ = 1 and rows aᵢ = aⱼ ⊕ aₖ, a network with a neuron hᵢ per aᵢ
(h₀ the input s) and hᵢ' = σ'(hᵢ); every parameter has exactly one allowed value, all biases
are 0, the single data point is (1; 1), the loss is Lemma 3.5's (0 if output = 1 = target,
else 1 if output > 0, else 2) and γ = 1.  So the target is a YES-instance iff the forced
weights fit, iff (by the lemma's claim) the program's value is positive.

`printed`: σ'(α) = α·10^(−num(α)) and σ(α) = β·λ·10^len(λ), exactly as in the paper.  This
variant is WRONG for factors that are negative or end in the digit 0 (docs/AUDIT.md).

`corrected` (ours): σ' encodes an integer t as the decimal fraction 0.c with
c = 10·(2|t| + [t < 0]) + 1, whose last digit is 1, so its number of digits after the point is
exactly the number of digits of c and the sign survives; σ decodes it:
σ(β + 0.c) = β·(−1)^(code mod 2)·⌊code/2⌋ with code = (c − 1)/10.

Both variants: the paper's edges e_{i,j} and e_{i,k} coincide for a row aⱼ ± aⱼ (the language,
like the paper's graph, has one edge per pair); the second operand is read through an identity
copy cᵢ of hⱼ (weight 1), so every weight stays in the paper's {1, −1} (one edge of weight 2
or 0 would leave it).

The certificate claims, besides the decision (both YES or both NO), the values the proof's
equation (1) promises, hᵢ = aᵢ for every i: the network with an output copy of every hᵢ on the
data point (1; a_ℓ, a₁, …, a_ℓ₋₁) with loss zero_one and γ = 0 (`solves(V, value)`), and
`equal(P, Q)` for a program Q that writes a_ℓ in binary (so the label a_ℓ is the kernel's value
of P, not the producer's; a₁, …, a_ℓ₋₁ are the producer's, which a REJECT would expose: the
corrected variant computes them).
"""
from __future__ import annotations

from dataclasses import dataclass

from .numerals import dec

VARIANTS = ("printed", "corrected")

LOSS = "sumover(i, if p(i) = 1 and y(i) = 1 then 0 else if p(i) > 0 then 1 else 2)"
ACTIVATIONS = {
    "printed": [
        "activation shrink(t) = t * 10^(-ndigits(t));",
        "activation mult(t) = floor(t) * frac(t) * 10^fracdigits(frac(t));",
    ],
    "corrected": [
        "activation shrink(t) = (20*abs(t) + 10*(if t < 0 then 1 else 0) + 1)"
        " * 10^(-ndigits(20*abs(t) + 10*(if t < 0 then 1 else 0) + 1));",
        "activation mult(t) = floor(t)"
        " * (if mod((frac(t) * 10^fracdigits(frac(t)) - 1) / 10, 2) = 1 then -1 else 1)"
        " * floor((frac(t) * 10^fracdigits(frac(t)) - 1) / 20);",
    ],
}


@dataclass
class Target:
    instance: str          # the training instance, as nncert text
    witness: str           # the forced weights
    neurons: int


def _name(i: int) -> str:
    return "s" if i == 0 else f"h{i}"


def build(rows: list[tuple[int, str, int]], variant: str, name: str = "T",
          witness: str = "forced", values: list[int] | None = None) -> Target:
    """The target instance for the program `rows` (row i: aᵢ = aⱼ op aₖ).  With `values`
    (a₀, …, a_ℓ), the same network with an identity output copy oᵢ of every hᵢ, 0 < i < ℓ, on
    the data point (1; a_ℓ, a₁, …, a_ℓ₋₁), loss zero_one and γ = 0: its loss is 0 iff every
    hᵢ is exactly aᵢ (the proof's equation (1))."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    if not rows:
        raise ValueError("the program needs at least one row (the output is its last value)")
    lines, params = [], []

    def weight(value: int) -> str:
        p = f"w{len(params)}"
        params.append((p, value))
        return p

    shrunk = set()
    for i, (j, op, k) in enumerate(rows, start=1):
        if op == "*" and k not in shrunk:
            lines.append(f"hidden {_name(k)}p shrink = {weight(1)}*{_name(k)};")
            shrunk.add(k)
        kind = "output" if i == len(rows) else "hidden"
        sign = -1 if op == "-" else 1
        if op == "*":
            act, terms = "mult", [(1, _name(j)), (1, _name(k) + "p")]
        elif j != k:
            act, terms = "identity", [(1, _name(j)), (sign, _name(k))]
        else:
            lines.append(f"hidden c{i} identity = {weight(1)}*{_name(k)};")
            act, terms = "identity", [(1, _name(j)), (sign, f"c{i}")]
        body = " + ".join(f"{weight(v)}*{src}" for v, src in terms)
        lines.append(f"{kind} {_name(i)} {act} = {body};")
    if values is not None:
        lines += [f"output o{i} identity = {weight(1)}*{_name(i)};" for i in range(1, len(rows))]
    param_lines = [f"param {p} {{{v}}};" for p, v in params]
    instance = "\n".join(
        [f"instance {name} : training {{", "  input s;"]
        + [f"  {a}" for a in ACTIVATIONS[variant]]
        + [f"  {line}" for line in param_lines + lines]
        + ([f"  loss = {LOSS};", "  gamma 1;", "  data {", "    1 -> 1"] if values is None else
           ["  loss zero_one;", "  gamma 0;", "  data {",
            "    1 -> " + " ".join(dec(v) for v in [values[-1], *values[1:-1]])])
        + ["  }", "}"])
    values = " ".join(f"{p} = {v};" for p, v in params)
    return Target(instance, f"witness {witness} for {name} {{ {values} }}", len(lines) + 1)


def slp_text(rows: list[tuple[int, str, int]], name: str = "P") -> str:
    body = "\n".join(f"  {j} {op} {k}" for j, op, k in rows)
    return f"instance {name} : slp {{\n{body}\n}}"


def slp_values(rows: list[tuple[int, str, int]]) -> list[int]:
    """a₀, …, a_ℓ."""
    a = [1]
    for j, op, k in rows:
        a.append(a[j] + a[k] if op == "+" else a[j] - a[k] if op == "-" else a[j] * a[k])
    return a


def slp_value(rows: list[tuple[int, str, int]]) -> int:
    return slp_values(rows)[-1]


def constant_rows(v: int) -> list[tuple[int, str, int]]:
    """A program whose value is v: the binary digits of |v| by doubling (a + a) and adding
    a0, then 0 − |v| for a negative v (length O(log |v|))."""
    rows: list[tuple[int, str, int]] = []
    if v == 0 or v == 1:
        return [(0, "-" if v == 0 else "*", 0)]
    acc = 0                                   # the index of the value built so far (a0 = 1)
    for bit in bin(abs(v))[3:]:
        rows.append((acc, "+", acc))
        acc = len(rows)
        if bit == "1":
            rows.append((acc, "+", 0))
            acc = len(rows)
    if v < 0:
        rows += [(0, "-", 0), (len(rows) + 1, "-", acc)]
    return rows


def certificate(rows: list[tuple[int, str, int]], variant: str, header: str = "") -> str:
    """Source, target and the claims that must hold if the reduction is correct: both
    YES (the source's value is positive and the forced weights fit) or both NO; and the
    network computes the program's value (the proof's equation (1) at i = ℓ)."""
    target = build(rows, variant)
    values = slp_values(rows)
    value = values[-1]
    claims = (["solves(P, none);", "solves(T, forced);"] if value > 0
              else ["refutes(P);", "refutes(T);"])
    valued = build(rows, variant, "V", "value", values=values)
    claims += ["equal(P, Q);", "solves(V, value);"]
    parts = ["nncert 1;", header.rstrip(), slp_text(rows), "witness none for P { }",
             target.instance, target.witness,
             f"# V: the network of T with an output copy o_i of every h_i, on (1; a_l, a_1, ..., "
             f"a_(l-1)),\n# a_l = {dec(value)} (Q writes it in binary; a_1, ..., a_(l-1) are "
             f"the producer's values of P)",
             slp_text(constant_rows(value), "Q"), valued.instance, valued.witness,
             "claims {", *[f"  {c}" for c in claims], "}", "end"]
    return "\n".join(p for p in parts if p) + "\n"


def read_source(doc) -> list[tuple[int, str, int]]:
    """The rows of the first slp instance of an elaborated document."""
    from checker.kernel.problems.slp import SlpInstance
    programs = [i for i in doc.instances.values() if isinstance(i, SlpInstance)]
    if not programs:
        raise ValueError("the document contains no slp instance")
    return programs[0].rows


def random_source(rng, max_rows: int = 8, max_bits: int = 64) -> list[tuple[int, str, int]]:
    """A random program that exercises what the proof passes over: negative values, zero,
    values with trailing zeros (via 5 + 5 and products), and rows aⱼ ⊕ aⱼ."""
    while True:
        rows: list[tuple[int, str, int]] = []
        for i in range(1, rng.randint(1, max_rows) + 1):
            j = rng.randrange(i)
            k = j if rng.random() < 0.25 else rng.randrange(i)
            rows.append((j, rng.choice("+-**"), k))
        values = [1]
        for j, op, k in rows:
            a, b = values[j], values[k]
            values.append(a + b if op == "+" else a - b if op == "-" else a * b)
        if max(abs(v) for v in values).bit_length() <= max_bits:
            return rows


def minimize(rows: list[tuple[int, str, int]], fails) -> list[tuple[int, str, int]]:
    """The shortest failing prefix, then greedily drop rows whose value nobody uses."""
    for n in range(1, len(rows) + 1):
        if fails(rows[:n]):
            rows = rows[:n]
            break
    changed = True
    while changed:
        changed = False
        for d in range(len(rows) - 1):
            if any(j == d + 1 or k == d + 1 for j, _, k in rows[d + 1:]):
                continue
            shift = lambda x: x - 1 if x > d + 1 else x          # noqa: E731
            candidate = rows[:d] + [(shift(j), op, shift(k)) for j, op, k in rows[d + 1:]]
            if fails(candidate):
                rows, changed = candidate, True
                break
    return rows
