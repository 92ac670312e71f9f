"""A slow, independent reference evaluator for training instances (differential tests).

`evaluator.py` imports nothing from `checker`: numbers are `fractions.Fraction`, and real
algebraic numbers are written from scratch (polynomial arithmetic, Sturm sequences, rational
interval arithmetic).  (`document.py` applies it to whole documents through the kernel's
front end.)
"""
from .evaluator import (  # noqa: F401
    Alg, Coef, Instance, Neuron, Param, Point, RealField, Result, evaluate, forward,
)
