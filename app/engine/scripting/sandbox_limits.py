"""Limits, the violation exception and guard names shared by ``sandbox`` and ``sandbox_guards``.

``sandbox`` (static policy, AST rewrite, trace budget) and ``sandbox_guards`` (the run-time helpers
the rewritten code calls) both need these; keeping them here lets ``sandbox`` import the guards
without the guards importing ``sandbox`` back.
"""

from __future__ import annotations

MAX_RANGE_ITEMS = 100_000
MAX_EXPONENT = 1000
MAX_INT_BITS = 1_000_000
MAX_SEQUENCE_ITEMS = 1_000_000
MAX_SHIFT = 100_000
# Largest width or precision accepted in an f-string format spec or a printf-style ``%`` format.
MAX_FORMAT_WIDTH = 1000
MAX_LINES = 1_000_000
MAX_SECONDS = 0.5


class GuardName:
    """The names rewritten code calls instead of an operation (``sandbox_guards.GUARDS`` maps each to
    its helper). A script cannot name them itself: the policy refuses names starting with ``_``."""

    POW, MUL, LSHIFT, TICK = "__engine_pow", "__engine_mul", "__engine_lshift", "__engine_tick"
    ADD, IADD, MOD = "__engine_add", "__engine_iadd", "__engine_mod"
    AUG_ITEM, AUG_ATTR, SET_SLICE, SLICE = (
        "__engine_aug_item",
        "__engine_aug_attr",
        "__engine_set_slice",
        "__engine_slice",
    )
    FSTRING, FVALUE, METHOD = "__engine_fstring", "__engine_fvalue", "__engine_method"
    BUILD, BUILD_TUPLE = "__engine_build", "__engine_build_tuple"


class SandboxViolation(Exception):
    """Raised inside a running script when a runtime limit is hit."""


class Deadline:
    """What the guards need to know of the running trace budget (``sandbox._Budget``): its deadline.

    A base class here, not ``_Budget`` itself, so that ``sandbox_guards`` need not import ``sandbox``.
    """

    deadline: float
