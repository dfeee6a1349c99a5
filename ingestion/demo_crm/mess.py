"""Planted data-quality problems ("mess"), drawn once per block, applied at extraction.

Draws never depend on ``mess_rate``; the rate only sets the thresholds, so a world with
``mess_rate=0`` is the same world with every problem switched off. With rate ``r``:

* duplicate deal versions: each deal with >= 2 stage entries in the extract has, with
  probability ``r``, a stale second row (the state at its previous entry);
* late-arriving history: each stage entry has, with probability ``r``, a recording lag of
  1-10 days; an extract at cutoff ``c`` lacks it while ``entered_at + lag >= c``;
* null amount on open deals still in their first stage (probability ``min(1, 10 r)``);
* null account_id on open deals (``r``); null loss_reason (and competitor) on lost deals
  (``r``); null duration_minutes on calls, meetings and demos (``r``);
* deleted deals: ``is_deleted`` with probability ``r``, 1-90 days after the final close.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AMOUNT_NULL_FACTOR = 10.0
LATE_LAG_DAYS = (1.0, 10.0)
DELETE_AFTER_DAYS = (1.0, 90.0)


@dataclass
class MessDraws:
    dup: np.ndarray  # per deal
    dup_first: np.ndarray  # per deal: stale row comes before the current one
    amount_null: np.ndarray
    account_null: np.ndarray
    loss_null: np.ndarray
    delete: np.ndarray
    delete_t: np.ndarray  # days since horizon start
    late: np.ndarray  # per history entry
    lag_days: np.ndarray
    duration_null: np.ndarray  # per activity


def draw_mess(
    rng: np.random.Generator, close_t: np.ndarray, n_history: int, n_activities: int
) -> MessDraws:
    n = len(close_t)
    u = rng.random((6, n))
    return MessDraws(
        dup=u[0],
        dup_first=u[1] < 0.5,
        amount_null=u[2],
        account_null=u[3],
        loss_null=u[4],
        delete=u[5],
        delete_t=close_t + rng.uniform(*DELETE_AFTER_DAYS, n),
        late=rng.random(n_history),
        lag_days=rng.uniform(*LATE_LAG_DAYS, n_history),
        duration_null=rng.random(n_activities),
    )
