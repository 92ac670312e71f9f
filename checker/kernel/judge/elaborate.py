"""AST → checked problem objects: name resolution and well-formedness of a document.

Everything a document must satisfy before any claim is looked at is checked here, each failure
one `Reject` with the location of the offending statement: one field at most, unique names,
declared-before-use (which makes every network acyclic), one edge at most between two neurons,
every parameter used exactly once, one loss and one gamma, data points of the right width,
expressions well typed, and every expression the kernel reads as a polynomial converted to a
polynomial term (syntax/polyterm.py): ETR formulas, proof steps and their maps, refutations,
the field's defining polynomial.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flint import fmpq

from checker.kernel.semantics import expr as X
from checker.kernel.base.budget import Budget, Reject
from checker.kernel.base.fields import RATIONALS, AlgebraicField
from checker.kernel.base.numerals import natural, shown
from checker.kernel.base.polynomials import PolynomialRing
from checker.kernel.problems.etr import EtrInstance, Refutation
from checker.kernel.problems.identities import ProofStep
from checker.kernel.problems.losses import BUILTIN_LOSSES
from checker.kernel.problems.reduction import Reduction
from checker.kernel.problems.slp import SlpInstance
from checker.kernel.problems import training as training_problem
from checker.kernel.problems.training import Loss, NeuronSpec, Param, TrainingInstance, Weight
from checker.kernel.syntax import ast
from checker.kernel.syntax import polyterm as P
from checker.kernel.semantics import polyeval

BUILTIN_ACTIVATIONS = ("identity", "relu", "threshold")
CLAIM_KINDS = {"solves": (2,), "refutes": (1, 2), "corresponds": (1,), "equal": (2, 3)}
DERIVABLE = {("solves", 2), ("refutes", 1)}       # the claims that may carry `via R1, R2, ...`


@dataclass
class Witness:
    name: str
    target: str
    assignment: dict[str, Any]
    locs: dict[str, ast.Loc]
    canonical: str
    loc: ast.Loc


@dataclass
class Elaborated:
    field: Any
    instances: dict[str, Any] = field(default_factory=dict)
    witnesses: dict[str, Witness] = field(default_factory=dict)
    reductions: dict[str, Reduction] = field(default_factory=dict)
    refutations: dict[str, Refutation] = field(default_factory=dict)
    claims: list[ast.Claim] = field(default_factory=list)


# ---- constants and polynomials -------------------------------------------------------------
def constant(e: ast.Expr, budget: Budget, F: Any = RATIONALS, names: dict | None = None) -> Any:
    """Evaluate a closed numeric expression (names: the field generator, if allowed)."""
    names = names or {}
    X.expect(e, X.Scope(frozenset(names)), X.NUM)
    return X.Evaluator(F, budget).value(e, names)


def rational_constant(e: ast.Expr, budget: Budget) -> fmpq:
    """A closed rational expression (a domain value, gamma, an interval endpoint)."""
    return constant(e, budget)


def _field(decl: ast.FieldDecl, budget: Budget) -> AlgebraicField:
    term = P.convert(decl.poly, "a field's defining polynomial")
    ring = PolynomialRing([decl.name], budget)
    poly = polyeval.evaluate(term, ring, dict(ring.gens), budget)
    terms = {k[0]: c for k, c in poly.to_dict().items()}
    if max(terms, default=0) < 1:
        raise Reject("a field's defining polynomial must have degree at least 1", decl.loc)
    coeffs = [terms.get(k, fmpq(0)) for k in range(max(terms) + 1)]
    if any(c.q != 1 for c in coeffs):
        raise Reject("a field's defining polynomial must have integer coefficients", decl.loc)
    lo = rational_constant(decl.lo, budget)
    hi = rational_constant(decl.hi, budget)
    return AlgebraicField.declare(decl.name, [int(c.p) for c in coeffs], lo, hi, budget, decl.loc)


# ---- training instances --------------------------------------------------------------------
def _group(name: str, loc, budget: Budget) -> tuple[str, int] | None:
    """`h[3]` in a declaration declares h[1], h[2], h[3] (the size read exactly: `h[03]` is 3)."""
    if name.endswith("]") and name.count("[") == 1:
        base, count = name[:-1].split("[")
        k = natural(count, budget, loc, "the size of a group")
        if k < 1:
            raise Reject(f"a group needs at least one member: {name!r}", loc)
        return base, k
    if "[" in name:
        raise Reject(f"a declared name has at most one index: {name!r}", loc)
    return None


class _TrainingBuilder:
    def __init__(self, block: ast.Block, budget: Budget):
        self.block, self.budget = block, budget
        self.inputs: list[str] = []
        self.groups: dict[str, list[str]] = {}
        self.neurons: dict[str, NeuronSpec] = {}
        self.order: list[NeuronSpec] = []
        self.params: dict[str, Param] = {}
        self.used: dict[str, ast.Loc] = {}
        self.activations: dict[str, tuple] = {}
        self.loss: Loss | None = None
        self.gamma: fmpq | None = None
        self.points: list[ast.DataPoint] = []
        self.names: set[str] = set()          # every name defined in the instance
        self.input_set: set[str] = set()

    def new_name(self, name: str, loc) -> None:
        if name in self.names or name in self.activations:
            raise Reject(f"name {name!r} is defined twice", loc)
        self.names.add(name)

    def domain(self, dom: ast.Domain, what: str) -> list[fmpq] | None:
        if dom.kind == "real":
            return None
        values = [rational_constant(v, self.budget) for v in dom.values]
        if len(set(values)) != len(values):
            raise Reject(f"a value is listed twice in the domain of {what}", dom.loc)
        return values

    def build(self) -> TrainingInstance:
        decls = self.block.decls
        for d in decls:                         # activations may be used before their statement
            if d.kind == "activation":
                self.activation(d)
        for d in decls:
            getattr(self, "decl_" + d.kind)(d)
        return self.finish()

    def activation(self, d: ast.Decl) -> None:
        name = d.data["name"]
        if name in BUILTIN_ACTIVATIONS or name in self.activations:
            raise Reject(f"activation {name!r} is defined twice", d.loc)
        X.expect(d.data["body"], X.Scope(frozenset([d.data["arg"]])), X.NUM)
        self.activations[name] = (d.data["arg"], d.data["body"])

    def decl_activation(self, d: ast.Decl) -> None:
        pass

    def decl_input(self, d: ast.Decl) -> None:
        if self.neurons:
            raise Reject("inputs must be declared before the first neuron", d.loc)
        for name, loc in d.data["names"]:
            members = self.expand_decl(name, loc)
            self.inputs.extend(members)
        self.input_set = set(self.inputs)

    def expand_decl(self, name: str, loc) -> list[str]:
        g = _group(name, loc, self.budget)
        if g is None:
            self.new_name(name, loc)
            return [name]
        base, k = g
        self.budget.tick(k, loc)
        self.new_name(base, loc)
        members = [f"{base}[{i}]" for i in range(1, k + 1)]
        for m in members:
            self.new_name(m, loc)
        self.groups[base] = members
        return members

    def decl_param(self, d: ast.Decl) -> None:
        for name, loc in d.data["names"]:
            if "[" in name:
                raise Reject(f"a parameter name has no index: {name!r}", loc)
            self.new_name(name, loc)
            self.params[name] = Param(name, self.domain(d.data["domain"], repr(name)), loc)

    def act(self, name: str, loc) -> Any:
        if name in BUILTIN_ACTIVATIONS:
            return name
        if name in self.activations:
            return self.activations[name]
        raise Reject(f"unknown activation {name!r}", loc)

    def source(self, name: str, loc) -> str:
        n = self.neurons.get(name)
        if n is None and name in self.input_set:
            return name
        if n is None:
            if name in self.groups:
                raise Reject(f"{name!r} is a group; name one member, as in {name}[1], or take "
                             f"the whole group with `from {name}`", loc)
            if name in self.params:
                raise Reject(f"{name!r} is a parameter, not a neuron", loc)
            raise Reject(f"neuron {name!r} is not declared before its use", loc)
        if n.role == "output":
            raise Reject(f"output neuron {name!r} cannot feed another neuron", loc)
        return name

    def weight(self, coef, sign: int, loc) -> Weight:
        if not isinstance(coef, str):
            return Weight(fixed=coef * sign)
        if coef in self.groups:
            raise Reject(f"{coef!r} is a group; name one member, as in {coef}[1]", loc)
        if coef not in self.params:
            raise Reject(f"unknown parameter {coef!r}", loc)
        if coef in self.used:
            raise Reject(f"parameter {coef!r} is used twice (line {self.used[coef][0]})", loc)
        self.used[coef] = loc
        return Weight(param=coef, sign=sign)

    def add_neuron(self, spec: NeuronSpec) -> None:
        self.neurons[spec.name] = spec
        self.order.append(spec)

    def decl_neuron(self, d: ast.Decl) -> None:
        name, loc = d.data["name"], d.loc
        if "[" in name:
            raise Reject(f"a single neuron's name has no index (use a group): {name!r}", loc)
        act = self.act(*d.data["act"])
        edges, biases, seen = [], [], set()
        for t in d.data["terms"]:
            src = t.source
            if src is None and isinstance(t.coef, str) and t.coef not in self.params \
                    and (t.coef in self.input_set or t.coef in self.neurons):
                src, coef = t.coef, fmpq(1)         # `x1` alone: an edge of weight 1
            else:
                coef = t.coef
            if src is None:
                biases.append(self.weight(coef, t.sign, t.loc))
                continue
            src = self.source(src, t.loc)
            if src in seen:
                raise Reject(f"two edges from {src!r} into {name!r}", t.loc)
            seen.add(src)
            edges.append((src, self.weight(coef, t.sign, t.loc)))
        self.new_name(name, loc)
        self.add_neuron(NeuronSpec(name, d.data["role"], act, edges, biases, loc))

    def decl_group(self, d: ast.Decl) -> None:
        name, loc = d.data["name"], d.loc
        g = _group(name, loc, self.budget)
        if g is None:
            raise Reject(f"a layer's name gives its size, as in {name}[4]", loc)
        base, k = g
        act = self.act(*d.data["act"])
        sources: list[str] = []
        for s, sloc in d.data["sources"]:
            members = self.groups.get(s, [s])
            sources.extend(self.source(m, sloc) for m in members)
        if len(set(sources)) != len(sources):
            raise Reject(f"layer {base!r} lists a source twice", loc)
        self.budget.tick(k * (len(sources) + 1), loc)
        wdom = self.domain(d.data["weights"], f"the weights of {base!r}")
        bdom = d.data["bias"]
        bvalues = None if bdom is None else self.domain(bdom, f"the biases of {base!r}")
        members = self.expand_decl(name, loc)
        for i, member in enumerate(members, start=1):
            edges = [(s, self.group_weight(f"W_{base}[{i}][{j}]", d.data["weights"], wdom, loc))
                     for j, s in enumerate(sources, start=1)]
            biases = [] if bdom is None else [self.group_weight(f"B_{base}[{i}]", bdom, bvalues,
                                                                loc)]
            self.add_neuron(NeuronSpec(member, d.data["role"], act, edges, biases, loc))

    def group_weight(self, pname: str, dom: ast.Domain, values, loc) -> Weight:
        if dom.kind == "fixed":
            return Weight(fixed=values[0])
        self.new_name(pname, loc)
        self.params[pname] = Param(pname, values, loc)
        self.used[pname] = loc
        return Weight(param=pname)

    def decl_loss(self, d: ast.Decl) -> None:
        if self.loss is not None:
            raise Reject("the loss is defined twice", d.loc)
        name, p = d.data["name"], d.data.get("p")
        if "body" in d.data:                    # `loss = E;` (a loss named `custom` is unknown)
            self.loss = Loss("custom", body=d.data["body"])
            return
        if name not in BUILTIN_LOSSES:
            raise Reject(f"unknown loss {name!r} (built in: {', '.join(BUILTIN_LOSSES)}; "
                         f"or write `loss = <expression>;`)", d.loc)
        if (name == "lp") != (p is not None) or (p is not None and not 1 <= p <= 64):
            raise Reject("loss lp takes an exponent 1..64, as in `loss lp 3;`; other losses "
                         "take none", d.loc)
        self.loss = Loss(name, p)

    def decl_gamma(self, d: ast.Decl) -> None:
        if self.gamma is not None:
            raise Reject("gamma is defined twice", d.loc)
        self.gamma = rational_constant(d.data["value"], self.budget)

    def decl_data(self, d: ast.Decl) -> None:
        self.points.extend(d.data["points"])

    def finish(self) -> TrainingInstance:
        block = self.block
        outputs = [n.name for n in self.order if n.role == "output"]
        if not outputs:
            raise Reject(f"training instance {block.name!r} has no output neuron", block.loc)
        if self.loss is None:
            raise Reject(f"training instance {block.name!r} has no loss", block.loc)
        if self.gamma is None:
            raise Reject(f"training instance {block.name!r} has no gamma", block.loc)
        for name, p in self.params.items():
            if name not in self.used:
                raise Reject(f"parameter {name!r} is declared but used on no edge or bias", p.loc)
        if self.loss.name == "custom":
            X.expect(self.loss.body, X.Scope(frozenset(), outputs=len(outputs)), X.NUM)
        for p in self.points:
            if isinstance(p.inputs, ast.SparseRow):
                if p.inputs.entries and max(p.inputs.entries) >= len(self.inputs):
                    raise Reject(f"a sparse data point names input {shown(max(p.inputs.entries) + 1)}; "
                                 f"the network has {len(self.inputs)} (out of range)", p.loc)
                p.inputs = p.inputs.sized(len(self.inputs))
            if len(p.inputs) != len(self.inputs):
                raise Reject(f"a data point has {len(p.inputs)} input(s); the network has "
                             f"{len(self.inputs)}", p.loc)
            if len(p.outputs) != len(outputs):
                raise Reject(f"a data point has {len(p.outputs)} target(s); the network has "
                             f"{len(outputs)} output(s)", p.loc)
        return TrainingInstance(block.name, self.inputs, self.order, outputs, self.params,
                                self.loss, self.gamma, self.points, block.canonical, block.loc)


def _etr(block: ast.Block, budget: Budget) -> EtrInstance:
    variables: list[str] = []
    domains: dict[str, list[fmpq] | None] = {}
    nonzero: set[str] = set()
    formulas: list[ast.Expr] = []
    for d in block.decls:
        if d.kind == "var":
            dom = d.data["domain"]
            values = None if dom is None else [rational_constant(v, budget) for v in dom.values]
            if values is not None and len(set(values)) != len(values):
                raise Reject("a value is listed twice in a variable's domain", dom.loc)
            for name, loc in d.data["names"]:
                if name in variables:
                    raise Reject(f"variable {name!r} is declared twice", loc)
                variables.append(name)
                domains[name] = values
                if d.data.get("nonzero"):
                    nonzero.add(name)
        else:
            formulas.append(d.data["body"])
    if not formulas:
        raise Reject(f"ETR instance {block.name!r} has no formula", block.loc)
    formula = formulas[0] if len(formulas) == 1 else ast.BoolOp("and", formulas, formulas[0].loc)
    policy = P.laurent(frozenset(nonzero))
    for f in formulas:
        X.expect(f, X.Scope(frozenset(variables)), X.BOOL)
    terms = P.convert_formula(formula, "an ETR formula", policy)
    return EtrInstance(block.name, variables, domains, formula, block.canonical, block.loc,
                       frozenset(nonzero), terms)


def _refutation(block: ast.Block) -> Refutation:
    """The steps of a Positivstellensatz certificate, every expression a polynomial term."""
    steps: list = []
    for d in block.decls:
        if d.kind == "multiply":
            steps.append(("multiply", d.data["atom"],
                          P.convert(d.data["by"], "a multiplier"), d.loc))
        else:
            steps.append(("square", d.data["atom"], P.convert(d.data["weight"], "a weight"),
                          P.convert(d.data["base"], "a square's base"), d.loc))
    return Refutation(block.name, block.target, steps, block.canonical, block.loc)


def _proof_step(d: ast.Decl) -> ProofStep:
    """A proof step of the identity route: every expression a polynomial term (division only
    by a non-zero number)."""
    if d.kind == "nonzero":
        return ProofStep("nonzero", d.loc,
                         poly=P.convert(d.data["poly"], "a nonzero step's polynomial"),
                         inverse=P.convert(d.data["inverse"], "a nonzero step's inverse"),
                         by=P.convert(d.data["by"], "a nonzero step's combination"))
    times = d.data["times"]
    return ProofStep("goal", d.loc, goal=d.data["goal"],
                     times=None if times is None else P.convert(times, "a goal's factor"),
                     by=P.convert(d.data["by"], "a goal's combination"))


def unknown_domains(inst: Any) -> dict[str, list[fmpq] | None]:
    """The unknowns of an instance (parameters or variables) and their domains."""
    if isinstance(inst, TrainingInstance):
        return training_problem.domains(inst)
    if isinstance(inst, EtrInstance):
        return dict(inst.domains)
    return {}


def _reduction(block: ast.Block, instances: dict) -> Reduction:
    source_name, target_name = block.target
    ends = {}
    for role, name in (("source", source_name), ("target", target_name)):
        if name not in instances:
            raise Reject(f"the {role} {name!r} of reduction {block.name!r} is not an instance",
                         block.loc)
        ends[role] = unknown_domains(instances[name])
    maps: dict[str, dict] = {}
    proofs: dict[str, list] = {}
    for d in block.decls:
        if d.kind in ("forward", "backward"):
            if d.kind in proofs:
                raise Reject(f"reduction {block.name!r} has two {d.kind} proofs", d.loc)
            proofs[d.kind] = [_proof_step(step) for step in d.data["steps"]]
            continue
        if d.kind in maps:
            raise Reject(f"reduction {block.name!r} has two {d.kind} maps", d.loc)
        given, inputs = ("target", "source") if d.kind == "encode" else ("source", "target")
        scope = X.Scope(frozenset(ends[inputs]))
        exprs: dict[str, ast.Expr] = {}
        for a in d.data["assigns"]:
            name = a.data["name"]
            if name not in ends[given]:
                raise Reject(f"{d.kind} gives {name!r}, which is not an unknown of the {given}",
                             a.loc)
            if name in exprs:
                raise Reject(f"{d.kind} gives {name!r} twice", a.loc)
            X.expect(a.data["value"], scope, X.NUM)
            exprs[name] = a.data["value"]
        missing = sorted(set(ends[given]) - set(exprs))
        if missing:
            raise Reject(f"{d.kind} gives no value to {missing[0]!r}", d.loc)
        maps[d.kind] = exprs
    for kind in ("encode", "decode"):
        if kind not in maps:
            raise Reject(f"reduction {block.name!r} has no {kind} map", block.loc)
    terms = {}
    if proofs:          # the identity route: the maps are rational terms (docs/soundness)
        terms = {kind: {n: P.convert(e, f"the {kind} map's value for {n!r}", P.RATIONAL)
                        for n, e in maps[kind].items()} for kind in maps}
    return Reduction(block.name, source_name, target_name, maps["encode"], maps["decode"],
                     block.canonical, block.loc, proofs, terms)


# ---- witnesses and the document ------------------------------------------------------------
def _witness(block: ast.Block, F: Any, budget: Budget) -> Witness:
    names = {F.name: F.generator()} if F.name else {}
    assignment: dict[str, Any] = {}
    locs: dict[str, ast.Loc] = {}

    def put(name: str, value: Any, loc) -> None:
        if name in assignment:
            raise Reject(f"the witness gives {name!r} two values", loc)
        assignment[name], locs[name] = value, loc

    for d in block.decls:
        if d.kind == "assign":
            put(d.data["name"], constant(d.data["value"], budget, F, names), d.loc)
        else:
            width = None
            for i, (row, loc) in enumerate(zip(d.data["rows"], d.data["row_locs"]), start=1):
                if width is not None and len(row) != width:
                    raise Reject(f"matrix {d.data['name']!r} has rows of different lengths", loc)
                width = len(row)
                for j, v in enumerate(row, start=1):
                    put(f"{d.data['name']}[{i}][{j}]", F.from_rational(v), loc)
    return Witness(block.name, block.target, assignment, locs, block.canonical, block.loc)


def elaborate(doc: ast.Document, budget: Budget) -> Elaborated:
    fields = [it for it in doc.items if isinstance(it, ast.FieldDecl)]
    if len(fields) > 1:
        raise Reject("a document declares at most one field", fields[1].loc)
    F = _field(fields[0], budget) if fields else RATIONALS
    out = Elaborated(F)
    for it in doc.items:
        if not isinstance(it, ast.Block):
            continue
        if any(it.name in table for table in (out.instances, out.witnesses, out.reductions,
                                              out.refutations)):
            raise Reject(f"name {it.name!r} is defined twice", it.loc)
        if it.kind == "training":
            out.instances[it.name] = _TrainingBuilder(it, budget).build()
        elif it.kind == "etr":
            out.instances[it.name] = _etr(it, budget)
        elif it.kind == "slp":
            out.instances[it.name] = SlpInstance(it.name, it.decls[0].data["rows"],
                                                 it.canonical, it.loc)
        elif it.kind == "refutation":
            out.refutations[it.name] = _refutation(it)
        elif it.kind == "reduction":
            out.reductions[it.name] = it          # elaborated once every instance is known
        else:
            out.witnesses[it.name] = _witness(it, F, budget)
    for name, block in out.reductions.items():
        out.reductions[name] = _reduction(block, out.instances)
    if len(doc.claims_sections) != 1:
        raise Reject("a certificate has exactly one `claims { ... }` section"
                     if doc.claims_sections else "the document has no `claims { ... }` section",
                     doc.claims_sections[1][1] if len(doc.claims_sections) > 1 else None)
    claims, loc = doc.claims_sections[0]
    for c in claims:
        if c.kind not in CLAIM_KINDS:
            raise Reject(f"unknown claim {c.kind!r}", c.loc)
        if len(c.args) not in CLAIM_KINDS[c.kind]:
            raise Reject(f"claim {c.kind} takes {' or '.join(map(str, CLAIM_KINDS[c.kind]))} "
                         f"name(s)", c.loc)
        if c.via and (c.kind, len(c.args)) not in DERIVABLE:
            raise Reject("only solves(T, W) and refutes(T) can be derived `via` reductions",
                         c.loc)
    out.claims = claims
    return out
