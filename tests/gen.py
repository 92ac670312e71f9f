"""Hypothesis strategies for random NN-TRAINING instances, witnesses and their nncert text.

A generated `Case` holds the instance as the reference evaluator's Python description
(`reference.evaluator.Instance`), the witness (parameter name -> Fraction or `Alg`), the field
(None for rational witnesses) and the same instance rendered as an nncert document with a
witness, `claims { solves(I, W); }` and `end`.

What the strategies aim at (the values an implementation gets wrong):
* random DAGs: 1-4 inputs, 1-6 hidden neurons, 1-3 outputs, outputs declared anywhere in the
  order, edges to any earlier input or hidden neuron, identity / relu / threshold;
* coefficients: fixed rationals (zero, negative, +-1 written as a bare source name, decimals),
  parameters with either sign, several bias terms, finite and one-value domains;
* numbers: mostly small, sometimes large numerators and denominators, repeated values;
* pre-activations planted exactly at the ReLU / threshold kink (a bias is solved for), targets
  planted exactly equal to the prediction (zero differences: l0, zero_one, absolute), `?`
  targets, data sets with no points;
* all six built-in losses (lp with p = 1..5);
* gamma exactly equal to the total loss, just below or just above it (by a tiny amount), zero,
  or random; witness values outside their finite domain, a missing or an extra value;
* algebraic witnesses in Q(phi), phi^2 = phi + 1, and Q(cr), cr^3 = 2 (weights a + b*t + c*t^2
  with small rational a, b, c), kinks planted with irrational biases.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field as dc_field
from fractions import Fraction
from typing import Optional

from hypothesis import strategies as st

from reference.evaluator import (
    ACTIVATIONS, LOSSES, Alg, Coef, Instance, Neuron, Param, Point, RealField, forward,
    is_rational_value, rational_value, total_loss,
)

FIELDS = {
    "phi": RealField("phi", [-1, -1, 1], 1, 2),        # the golden ratio
    "cr": RealField("cr", [-2, 0, 0, 1], 1, 2),         # the real cube root of 2
}

SPECIAL = [Fraction(x) for x in (0, 1, -1, 2, -2, "1/2", "-1/2", "1/3", 3, "-3/4")]
BIG_DENOMINATORS = [1, 7, 2 ** 40, 3 ** 20, 10 ** 12 + 39, 999999999989]


# =============================================================================================
# Numbers
# =============================================================================================
@st.composite
def rationals(draw, big: bool = True) -> Fraction:
    """Mostly small rationals; special values (0, +-1, 1/2, ...); sometimes huge ones."""
    kind = draw(st.integers(0, 9))
    if kind <= 5:
        return Fraction(draw(st.integers(-6, 6)), draw(st.integers(1, 6)))
    if kind <= 8 or not big:
        return draw(st.sampled_from(SPECIAL))
    num = draw(st.integers(-10 ** 25, 10 ** 25))
    den = draw(st.one_of(st.sampled_from(BIG_DENOMINATORS), st.integers(1, 10 ** 18)))
    return Fraction(num, den)


@st.composite
def algebraic(draw, F: RealField) -> Alg:
    """a + b*t (+ c*t^2) with small rational coefficients (sometimes rational, b = c = 0)."""
    small = st.builds(Fraction, st.integers(-4, 4), st.sampled_from([1, 1, 2, 3]))
    coeffs = [draw(small) for _ in range(F.degree)]
    return F(*coeffs)


@st.composite
def values(draw, F: Optional[RealField], pool: list):
    """A parameter value: rational, or (in a field) algebraic; sometimes one seen before."""
    if pool and draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(pool))
    if F is not None and draw(st.integers(0, 3)) != 0:
        v = draw(algebraic(F))
    else:
        v = draw(rationals())
    pool.append(v)
    return v


# =============================================================================================
# Text of numbers
# =============================================================================================
def _is_decimal(q: Fraction) -> bool:
    d = q.denominator
    for f in (2, 5):
        while d % f == 0:
            d //= f
    return d == 1 and q.denominator != 1


def _decimal(q: Fraction) -> str:
    """|q| as an exact decimal (q's denominator is 2^a 5^b)."""
    q = abs(q)
    k = 0
    while (q * 10 ** k).denominator != 1:
        k += 1
    digits = str((q * 10 ** k).numerator).rjust(k + 1, "0")
    return f"{digits[:-k]}.{digits[-k:]}"


def unsigned(q: Fraction, decimals: bool) -> str:
    """|q| as a coefficient: `3`, `3/7` or (if allowed and exact) `0.25`."""
    q = abs(q)
    if q.denominator == 1:
        return str(q.numerator)
    if decimals and _is_decimal(q) and q.denominator <= 10 ** 6:
        return _decimal(q)
    return f"{q.numerator}/{q.denominator}"


def signed(q: Fraction, decimals: bool) -> str:
    return ("-" if q < 0 else "") + unsigned(q, decimals)


def value_text(v, decimals: bool) -> str:
    """A witness value as an expression: a rational, or a + b*t + c*t^2 in the field."""
    if not isinstance(v, Alg):
        return signed(Fraction(v), decimals)
    terms = []
    for k, c in enumerate(v.coeffs()):
        if c == 0:
            continue
        mag = unsigned(c, decimals)
        if k == 0:
            body = mag
        else:
            power = v.F.name if k == 1 else f"{v.F.name}^{k}"
            body = power if abs(c) == 1 else f"{mag}*{power}"
        terms.append(("-" if c < 0 else "+", body))
    if not terms:
        return "0"
    text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    for s, body in terms[1:]:
        text += f" {s} {body}"
    return text


# =============================================================================================
# Cases
# =============================================================================================
@dataclass
class Style:
    decimals: bool = False          # write 1/4 as 0.25 where exact
    implicit_one: bool = False      # write a fixed weight +-1 as a bare source name
    leading_plus: bool = False      # `= + 3*x1 ...`
    split_data: bool = False        # two data blocks
    tail_order: tuple = (0, 1, 2)   # order of loss / gamma / data
    params_first: bool = True       # all params in one block before the neurons


@dataclass
class Case:
    instance: Instance
    assignment: dict
    field: Optional[RealField]
    style: Style = dc_field(default_factory=Style)
    gamma_mode: str = ""
    notes: list = dc_field(default_factory=list)

    @property
    def text(self) -> str:
        return render(self.instance, self.assignment, self.field, self.style)


def _linform(terms: list, style: Style) -> str:
    if not terms:
        return "0"
    s0, b0 = terms[0]
    text = (f"- {b0}" if s0 == "-" else (f"+ {b0}" if style.leading_plus else b0))
    for s, b in terms[1:]:
        text += f" {s} {b}"
    return text


def neuron_text(n: Neuron, style: Style) -> str:
    terms = []
    for src, c in n.edges:
        if c.param is not None:
            terms.append(("-" if c.sign < 0 else "+", f"{c.param}*{src}"))
        else:
            q = Fraction(c.value)
            body = src if (style.implicit_one and abs(q) == 1) else \
                f"{unsigned(q, style.decimals)}*{src}"
            terms.append(("-" if q < 0 else "+", body))
    for c in n.bias:
        if c.param is not None:
            terms.append(("-" if c.sign < 0 else "+", c.param))
        else:
            q = Fraction(c.value)
            terms.append(("-" if q < 0 else "+", unsigned(q, style.decimals)))
    return f"  {n.role} {n.name} {n.act} = {_linform(terms, style)};"


def param_text(p: Param, style: Style) -> str:
    if p.domain is None:
        dom = "real"
    elif p.fixed:
        dom = signed(p.domain[0], style.decimals)
    else:
        dom = "{" + ", ".join(signed(v, style.decimals) for v in p.domain) + "}"
    return f"  param {p.name} {dom};"


def _row(pt: Point, style: Style) -> str:
    ins = " ".join(signed(x, style.decimals) for x in pt.inputs)
    outs = " ".join("?" if y is None else signed(y, style.decimals) for y in pt.targets)
    return f"    {ins} -> {outs}"


def render(inst: Instance, assignment: dict, F: Optional[RealField], style: Style) -> str:
    lines = ["nncert 1;", "# generated by tests/gen.py"]
    if F is not None:
        lines.append(F.declaration())
    lines.append("")
    lines.append(f"instance {inst.name} : training {{")
    lines.append(f"  input {', '.join(inst.inputs)};")
    used_by = {}
    for n in inst.neurons:
        for c in [c for _, c in n.edges] + list(n.bias):
            if c.param is not None:
                used_by[c.param] = n.name
    params = {p.name: p for p in inst.params}
    if style.params_first:
        lines += [param_text(p, style) for p in inst.params]
    for n in inst.neurons:
        if not style.params_first:                 # each parameter just before its neuron
            lines += [param_text(params[name], style) for name in params
                      if used_by.get(name) == n.name]
        lines.append(neuron_text(n, style))
    if not style.params_first:                     # parameters no neuron uses (none, normally)
        lines += [param_text(p, style) for p in inst.params if p.name not in used_by]
    loss = f"  loss {inst.loss}{' ' + str(inst.p) if inst.loss == 'lp' else ''};"
    gamma = f"  gamma {signed(Fraction(inst.gamma), style.decimals)};"
    rows = [_row(pt, style) for pt in inst.points]
    if style.split_data and len(rows) >= 2:
        half = len(rows) // 2
        data = "\n".join(["  data {", *rows[:half], "  }", "  data {", *rows[half:], "  }"])
    else:
        data = "\n".join(["  data {", *rows, "  }"])
    tail = [loss, gamma, data]
    lines += [tail[i] for i in style.tail_order]
    lines.append("}")
    lines.append("")
    lines.append(f"witness W for {inst.name} {{")
    for name, v in assignment.items():
        lines.append(f"  {name} = {value_text(v, style.decimals)};")
    lines.append("}")
    lines.append("")
    lines += ["claims {", f"  solves({inst.name}, W);", "}", "end", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
@st.composite
def styles(draw) -> Style:
    return Style(decimals=draw(st.booleans()), implicit_one=draw(st.booleans()),
                 leading_plus=draw(st.integers(0, 4)) == 4, split_data=draw(st.booleans()),
                 tail_order=tuple(draw(st.permutations([0, 1, 2]))),
                 params_first=draw(st.integers(0, 3)) != 3)


@st.composite
def _coef(draw, F, params: list, assignment: dict, pool: list, prefix: str,
          allow_outside: bool) -> Coef:
    """A coefficient: a fixed rational (half the time) or a new parameter with a value."""
    kind = draw(st.integers(0, 19))
    if kind < 10:
        return Coef(value=draw(rationals()))
    name = f"{prefix}{len(params) + 1}"
    sign = draw(st.sampled_from([1, -1]))
    if kind < 16:                                          # a real parameter
        params.append(Param(name))
        assignment[name] = draw(values(F, pool))
    else:                                                  # a finite or one-value domain
        fixed = kind == 19
        dom = (draw(rationals()),) if fixed else tuple(
            draw(st.lists(rationals(), min_size=1, max_size=4, unique=True)))
        params.append(Param(name, dom, fixed=fixed))
        if allow_outside and draw(st.integers(0, 4)) == 0:
            assignment[name] = draw(values(F, pool))         # may lie outside the domain
        else:
            assignment[name] = draw(st.sampled_from(dom))
    return Coef(param=name, sign=sign)


def _plant_kink(inst: Instance, assignment: dict, n: Neuron, d: int) -> bool:
    """Solve for a bias so that n's pre-activation on point d is exactly 0 (the kink)."""
    pre = forward(inst, assignment, inst.points[d], upto=n.name)[("pre", n.name)]
    real = {p.name for p in inst.params if p.domain is None}
    for c in n.bias:
        if c.param is not None and c.param in real:
            assignment[c.param] = assignment[c.param] - pre * c.sign
            return True
    if not is_rational_value(pre):
        return False
    pre = rational_value(pre)
    for c in n.bias:
        if c.param is None:
            c.value = Fraction(c.value) - pre
            return True
    n.bias.append(Coef(value=-pre))
    return True


def _predictions(inst: Instance, assignment: dict, d: int) -> list:
    vals = forward(inst, assignment, inst.points[d])
    return [vals[o] for o in inst.outputs]


@st.composite
def networks(draw, F: Optional[RealField] = None, allow_outside: bool = True):
    """An instance (gamma not yet chosen) with a witness; targets partly planted."""
    n_in = draw(st.integers(1, 4))
    n_hid = draw(st.integers(1, 6))
    n_out = draw(st.integers(1, 3))
    roles = draw(st.permutations(["hidden"] * n_hid + ["output"] * n_out))
    inputs = [f"x{i}" for i in range(1, n_in + 1)]
    params: list = []
    assignment: dict = {}
    pool: list = []
    neurons: list = []
    sources = list(inputs)
    counts = {"hidden": 0, "output": 0}
    for role in roles:
        counts[role] += 1
        name = f"{'h' if role == 'hidden' else 'o'}{counts[role]}"
        chosen = [s for s in sources if draw(st.integers(0, 3)) != 0]
        chosen = draw(st.permutations(chosen)) if chosen else []
        edges = [(s, draw(_coef(F, params, assignment, pool, "w", allow_outside)))
                 for s in chosen]
        bias = [draw(_coef(F, params, assignment, pool, "b", allow_outside))
                for _ in range(draw(st.sampled_from([1, 0, 1, 2])))]
        if not edges and not bias:
            bias = [Coef(value=Fraction(0))]
        act = draw(st.sampled_from(ACTIVATIONS))
        neurons.append(Neuron(name, role, act, edges, bias))
        if role == "hidden":
            sources.append(name)
    n_points = draw(st.sampled_from([1, 2, 3, 4, 5, 2, 3, 0]))
    data_pool: list = []
    points = []
    for _ in range(n_points):
        ins = []
        for _ in inputs:
            if data_pool and draw(st.integers(0, 4)) == 0:
                ins.append(draw(st.sampled_from(data_pool)))
            else:
                x = draw(rationals())
                data_pool.append(x)
                ins.append(x)
        targets = [draw(st.one_of(st.none(), rationals())) if draw(st.integers(0, 4)) == 0
                   else draw(rationals()) for _ in range(n_out)]
        points.append(Point(ins, targets))
    loss = draw(st.sampled_from(LOSSES))
    p = draw(st.integers(1, 5)) if loss == "lp" else None
    inst = Instance(inputs, neurons, params, points, loss, Fraction(0), p)
    notes = []
    # the kink: a pre-activation exactly zero on some point
    if points:
        for n in neurons:
            if draw(st.integers(0, 2)) == 0:
                d = draw(st.integers(0, n_points - 1))
                if _plant_kink(inst, assignment, n, d):
                    notes.append(f"kink {n.name}@{d}")
    # targets exactly equal to the prediction
    if points:
        for d, pt in enumerate(points):
            if draw(st.integers(0, 2)) == 0:
                pred = _predictions(inst, assignment, d)
                for t, v in enumerate(pred):
                    if pt.targets[t] is not None and is_rational_value(v) \
                            and draw(st.integers(0, 2)) != 0:
                        pt.targets[t] = rational_value(v)
                        notes.append(f"equal {d}.{t}")
    return inst, assignment, notes


def _tiny(draw) -> Fraction:
    return draw(st.sampled_from([Fraction(1), Fraction(1, 1000), Fraction(1, 10 ** 30),
                                 Fraction(1, 3 ** 40)]))


@st.composite
def gammas(draw, total) -> tuple[Fraction, str]:
    """gamma relative to the witness's total loss: equal, just below/above, zero or random."""
    mode = draw(st.sampled_from(["equal", "below", "above", "zero", "random", "equal",
                                 "below"]))
    if mode == "zero":
        return Fraction(0), mode
    if mode == "random":
        return draw(rationals()), mode
    if is_rational_value(total):
        t = rational_value(total)
        if mode == "equal":
            return t, mode
        return (t - _tiny(draw) if mode == "below" else t + _tiny(draw)), mode
    # an irrational total: gamma can only be a rational just below or just above it
    lo, hi = total.F.enclose(total.rep, _tiny(draw))
    if mode == "equal":
        mode = draw(st.sampled_from(["below", "above"]))
    return (lo if mode == "below" else hi), mode + " (irrational total)"


@st.composite
def cases(draw, field: Optional[str] = None, allow_faults: bool = True) -> Case:
    """A random instance with a witness and its text (a field name: algebraic witnesses)."""
    F = FIELDS[field] if field else None
    outside = allow_faults and draw(st.integers(0, 3)) == 3   # values outside finite domains
    inst, assignment, notes = draw(networks(F, allow_outside=outside))
    total, _ = total_loss(inst, assignment)
    inst.gamma, mode = draw(gammas(total))
    if allow_faults:
        fault = draw(st.integers(0, 29))
        if fault == 28 and assignment:
            victim = draw(st.sampled_from(sorted(assignment)))
            del assignment[victim]
            notes.append(f"missing {victim}")
        elif fault == 29:
            assignment["zz"] = Fraction(1)
            notes.append("extra zz")
    if assignment and draw(st.booleans()):            # the witness's order does not matter
        keys = draw(st.permutations(sorted(assignment)))
        assignment = {k: assignment[k] for k in keys}
    return Case(inst, assignment, F, draw(styles()), mode, notes)


@st.composite
def planted(draw) -> Case:
    """An instance generated from its witness: every target is the witness's prediction (or
    `?`), gamma = 0, every value in its domain.  The total loss is 0: it must be accepted."""
    inst, assignment, notes = draw(networks(None, allow_outside=False))
    for d, pt in enumerate(inst.points):
        pred = _predictions(inst, assignment, d)
        pt.targets = [None if draw(st.integers(0, 5)) == 0 else rational_value(v) for v in pred]
    inst.gamma = Fraction(0)
    return Case(inst, assignment, None, draw(styles()), "planted", notes)


@st.composite
def planted_pairs(draw) -> tuple[Case, Case]:
    """A planted case and its twin with one weight perturbed (a fixed coefficient of the
    instance, or the witness's value of a real parameter)."""
    case = draw(planted())
    twin = copy.deepcopy(case)
    sites = []
    real = {p.name for p in twin.instance.params if p.domain is None}
    for n in twin.instance.neurons:
        for c in [c for _, c in n.edges] + list(n.bias):
            if c.param is None or c.param in real:
                sites.append(c)
    delta = draw(st.sampled_from([Fraction(1), Fraction(-1), Fraction(1, 2), Fraction(-3, 7),
                                  Fraction(1, 10 ** 20), Fraction(10 ** 20)]))
    if sites:
        c = draw(st.sampled_from(sites))
        if c.param is None:
            c.value = Fraction(c.value) + delta
            twin.notes.append(f"perturbed a fixed coefficient by {delta}")
        else:
            twin.assignment[c.param] = twin.assignment[c.param] + delta
            twin.notes.append(f"perturbed {c.param} by {delta}")
    else:
        twin.instance.gamma = -delta if delta > 0 else delta   # nothing to perturb: gamma < 0
        twin.notes.append("perturbed gamma below zero")
    twin.gamma_mode = "perturbed"
    return case, twin
