"""Deal lifecycles: the path of stages each deal walks through and when, vectorised.

A deal starts in its pipeline's first stage at ``created`` and moves forward with the
pipeline's per-stage conversion probabilities until it is lost (at the stage it failed to
leave) or won. On top of that:

* ~10% of deals skip one intermediate stage;
* ~5% regress: after entering a stage they go back to the previous one and re-enter it;
* ~1% are reopened: closed lost, re-entered their last open stage 30-150 days later and
  closed again (won 40% of the time);
* won deals bunch at quarter end: deals that would close in the 6 weeks before the last 2
  weeks of a quarter, or in the first 3 weeks of the next, tend to close in the last 2
  weeks of the quarter instead (the planted quarter-end spike).

The history is returned flat (one row per stage entry), grouped by deal and ordered in
time within a deal; ``offset[i]:offset[i + 1]`` are deal ``i``'s rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm import truths
from ingestion.demo_crm.catalog import Pipeline

P_SKIP = 0.15  # among deals with a stage they could skip
P_REGRESS = 0.06  # among deals with at least two open entries
P_REOPEN = 0.015  # among lost deals
P_REOPEN_WON = 0.40
DWELL_SIGMA = 0.5
MIN_DWELL_DAYS = 1.0 / 24
QE_WINDOW = float(truths.QUARTER_END_WINDOW_DAYS)
QE_DELAY_FROM_DAYS = 45.0  # closes in [qe - 45, qe - 14) may slip to the quarter end
QE_DELAY_P = 0.50
QE_PULL_DAYS = 21.0  # closes in the first 21 days of a quarter may be pulled back
QE_PULL_P = 0.60


@dataclass
class Paths:
    """Stage histories of ``n`` deals (flat) and their outcomes."""

    won: np.ndarray  # final outcome
    reach: np.ndarray  # index of the last open stage reached before the first close
    skipped: np.ndarray
    regressed: np.ndarray
    reopened: np.ndarray
    offset: np.ndarray  # int64 (n + 1)
    deal: np.ndarray  # int64 (E) deal of each entry
    stage: np.ndarray  # int8 (E) stage code
    t: np.ndarray  # float64 (E) days since the horizon start

    @property
    def close_t(self) -> np.ndarray:
        """Time of each deal's final entry (its final close)."""
        return self.t[self.offset[1:] - 1]


def build_paths(
    rng: np.random.Generator,
    pipe: Pipeline,
    created: np.ndarray,
    speed: np.ndarray,
    win_mult: np.ndarray,
    quarter_start: np.ndarray,
) -> Paths:
    """Walk ``len(created)`` deals through ``pipe``.

    ``speed`` multiplies every dwell time (segment and deal effects), ``win_mult`` the
    overall win probability (spread evenly over the stage conversions).
    """
    n = len(created)
    n_open_stages = len(pipe.open_codes)
    codes = np.array(pipe.open_codes, dtype=np.int8)

    # Outcome: first stage whose conversion fails.
    per_stage = np.power(win_mult, 1.0 / n_open_stages)[:, None]
    p_pass = np.clip(np.array(pipe.conversion)[None, :] * per_stage, 0.0, 0.97)
    passed = rng.random((n, n_open_stages)) < p_pass
    won = passed.all(axis=1)
    reach = np.where(won, n_open_stages - 1, np.argmin(passed, axis=1)).astype(np.int64)

    # Skips, regressions, reopens.
    u = rng.random((n, 6))
    skippable = np.where(won, reach, reach - 1)
    skipped = (skippable >= 1) & (u[:, 0] < P_SKIP)
    skip_stage = np.where(skipped, 1 + np.floor(u[:, 1] * np.maximum(skippable, 1)), 99)
    skip_stage = skip_stage.astype(np.int64)
    n_open = reach + 1 - skipped
    regressed = (n_open >= 2) & (u[:, 2] < P_REGRESS)
    q = np.where(regressed, 1 + np.floor(u[:, 3] * (n_open - 1)), 0).astype(np.int64)
    reopened = ~won & (u[:, 4] < P_REOPEN)
    reopen_won = reopened & (u[:, 5] < P_REOPEN_WON)
    length = n_open + 2 * regressed + 1 + 2 * reopened
    offset = np.concatenate([[0], np.cumsum(length)]).astype(np.int64)
    total = int(offset[-1])

    stage = np.empty(total, dtype=np.int8)
    deal = np.repeat(np.arange(n, dtype=np.int64), length)

    def open_code(i: np.ndarray, p: np.ndarray) -> np.ndarray:
        return codes[p + (p >= skip_stage[i])]

    # Base open entries.
    base_deal = np.repeat(np.arange(n, dtype=np.int64), n_open)
    base_start = np.cumsum(n_open) - n_open
    p = np.arange(len(base_deal)) - np.repeat(base_start, n_open)
    shift = 2 * (regressed[base_deal] & (p > q[base_deal]))
    stage[offset[base_deal] + p + shift] = open_code(base_deal, p)
    # Regression: back to the previous entry's stage, then the same stage again.
    r = np.flatnonzero(regressed)
    stage[offset[r] + q[r] + 1] = open_code(r, q[r] - 1)
    stage[offset[r] + q[r] + 2] = open_code(r, q[r])
    # First close.
    close_pos = offset[:-1] + n_open + 2 * regressed
    stage[close_pos] = np.where(won, pipe.won_code, pipe.lost_code)
    # Reopen: last open stage again, then the final close.
    o = np.flatnonzero(reopened)
    stage[close_pos[o] + 1] = open_code(o, n_open[o] - 1)
    stage[close_pos[o] + 2] = np.where(reopen_won[o], pipe.won_code, pipe.lost_code)

    # Dwell = time spent in an entry before the next one.
    is_open = (stage >= codes[0]) & (stage <= codes[-1])
    stage_idx = np.clip(stage.astype(np.int64) - codes[0], 0, n_open_stages - 1)
    base_dwell = np.array(pipe.dwell_days)[stage_idx]
    noise = np.exp(rng.normal(0.0, DWELL_SIGMA, total))
    dwell = np.where(is_open, np.maximum(base_dwell * speed[deal] * noise, MIN_DWELL_DAYS), 0.0)
    gap = rng.uniform(30.0, 150.0, len(o))
    dwell[close_pos[o]] = gap
    cs = np.cumsum(dwell)
    excl = cs - dwell
    t = created[deal] + excl - excl[offset[deal]]

    won_final = won | reopen_won
    _quarter_end_spike(rng, t, offset, won_final, quarter_start)
    return Paths(won_final, reach, skipped, regressed, reopened, offset, deal, stage, t)


def _quarter_end_spike(
    rng: np.random.Generator,
    t: np.ndarray,
    offset: np.ndarray,
    won: np.ndarray,
    quarter_start: np.ndarray,
) -> None:
    """Move some won closes into the last two weeks of a quarter (in place)."""
    final = offset[1:][won] - 1
    prev = final - 1
    tc = t[final]
    qi = np.searchsorted(quarter_start, tc, side="right") - 1
    next_q = quarter_start[np.minimum(qi + 1, len(quarter_start) - 1)].astype(float)
    this_q = quarter_start[np.maximum(qi, 0)].astype(float)
    u = rng.random((len(final), 3))
    target_next = next_q - 1e-3 - u[:, 2] * (QE_WINDOW - 2e-3)
    target_this = this_q - 1e-3 - u[:, 2] * (QE_WINDOW - 2e-3)
    to_go = next_q - tc
    delay = (to_go >= QE_WINDOW) & (to_go < QE_DELAY_FROM_DAYS) & (u[:, 0] < QE_DELAY_P)
    pull = (qi >= 1) & (tc - this_q < QE_PULL_DAYS) & (u[:, 1] < QE_PULL_P)
    pull &= target_this > t[prev] + 1.0 / 24
    new_t = np.where(delay, target_next, np.where(pull, target_this, tc))
    t[final] = new_t
