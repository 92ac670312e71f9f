"""A slow, independent reference evaluator for training instances (differential tests).

Nothing here imports `checker`: numbers are `fractions.Fraction`, and real algebraic numbers
are written from scratch (polynomial arithmetic, Sturm sequences, rational interval
arithmetic).  See `evaluator.py`.
"""
from .evaluator import (  # noqa: F401
    Alg, Coef, Instance, Neuron, Param, Point, RealField, Result, evaluate, forward,
)
