"""Seeded random streams: one independent ``numpy.random.Generator`` per (seed, stream, block).

Every generator draws from its own stream, so changing how much one part of the world
draws never shifts another part, and a block's output depends only on (seed, block).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

GLOBAL_BLOCK = 1_000_000_000  # pseudo block number of world-level (not per-block) streams


class Stream(IntEnum):
    """Names of the random streams."""

    PEOPLE = 1
    FX = 2
    SPEND = 3
    ACCOUNTS = 10
    CONTACTS = 11
    NB_DEALS = 12
    EX_DEALS = 13
    CUSTOMERS = 14
    LEADS = 15
    ACTIVITIES = 16
    EMAILS = 17
    CSAT = 18
    MESS = 19
    SUBSCRIPTIONS = 20
    LOSS_REASONS = 21


def rng_for(seed: int, stream: Stream, block: int = GLOBAL_BLOCK) -> np.random.Generator:
    """The generator of ``stream`` for ``block`` under ``seed``.

    >>> float(rng_for(42, Stream.FX).random()) == float(rng_for(42, Stream.FX).random())
    True
    """
    return np.random.default_rng(np.random.SeedSequence([seed, int(stream), block]))


def categorical(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` draws of category codes with probabilities proportional to ``weights``."""
    cum = np.cumsum(weights, dtype=float)
    codes = np.searchsorted(cum / cum[-1], rng.random(n), side="right")
    return np.minimum(codes, len(weights) - 1).astype(np.int16)


class GroupedSampler:
    """Pick, for each requested group, one item of that group with probability ∝ weight.

    Vectorised: items are sorted by group, weights become per-group cumulative fractions
    offset by the group number, and one ``searchsorted`` places ``group + u`` among them.
    Every requested group must have positive total weight.

    >>> s = GroupedSampler(np.array([0, 0, 1]), np.array([1.0, 0.0, 2.0]), n_groups=2)
    >>> s.sample(np.random.default_rng(0), np.array([0, 1, 0])).tolist()
    [0, 2, 0]
    """

    def __init__(self, group_of_item: np.ndarray, weight_of_item: np.ndarray, n_groups: int):
        order = np.argsort(group_of_item, kind="stable")
        g = group_of_item[order].astype(np.int64)
        w = np.asarray(weight_of_item, dtype=float)[order]
        self.totals = np.bincount(g, weights=w, minlength=n_groups)
        cum = np.cumsum(w)
        starts = np.searchsorted(g, np.arange(n_groups))
        before = np.concatenate([[0.0], cum])[starts]
        denom = np.where(self.totals[g] > 0, self.totals[g], 1.0)
        frac = np.minimum((cum - before[g]) / denom, 1.0)
        if len(g):
            frac[np.flatnonzero(np.diff(g, append=n_groups))] = 1.0  # last item of each group
        self._key = g + frac
        self._order = order

    def sample(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        u = rng.random(len(groups))
        return self.pick(groups, u)

    def pick(self, groups: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Item index for each (group, uniform) pair."""
        target = np.asarray(groups, dtype=np.int64) + u * (1.0 - 1e-12)
        pos = np.searchsorted(self._key, target, side="left")
        return self._order[np.minimum(pos, len(self._order) - 1)]
