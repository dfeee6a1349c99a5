"""Sales activities (calls, meetings, emails, demos) and the email events they produce.

About ten activities per deal, spread over the deal's life and owned by the deal owner;
long deals get more, the low-activity rep a quarter as many. About 5% more are
account-level (no deal). Every email activity is ``sent``; ~95% are ``delivered`` and
~40% of those ``opened``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm.catalog import ACTIVITY_TYPE_WEIGHTS, ACTIVITY_TYPES, EMAIL_ACTIVITY
from ingestion.demo_crm.deals import Deals
from ingestion.demo_crm.people import People
from ingestion.demo_crm.rng import categorical

ACTIVITIES_PER_DEAL = 10.0
ACCOUNT_LEVEL_SHARE = 0.05
P_DELIVERED = 0.95
P_OPENED = 0.40
_CALL, _MEETING, _DEMO = (ACTIVITY_TYPES.index(k) for k in ("call", "meeting", "demo"))


@dataclass
class Activities:
    kind: np.ndarray  # int8 index into ACTIVITY_TYPES
    owner: np.ndarray
    deal: np.ndarray  # block-local deal, -1 for account-level activities
    account: np.ndarray  # block-local account
    t: np.ndarray  # days since horizon start
    duration: np.ndarray  # minutes, -1 for emails

    def __len__(self) -> int:
        return len(self.t)


def build_activities(rng: np.random.Generator, deals: Deals, people: People) -> Activities:
    """Activities over each deal's active life (a reopened deal is dormant between its
    first close and its reopening, and gets no activity then)."""
    paths = deals.paths
    dormant_from = np.full(len(deals), np.inf)
    dormant = np.zeros(len(deals))
    r = np.flatnonzero(paths.reopened)
    end = paths.offset[r + 1]
    dormant_from[r] = paths.t[end - 3]  # first close
    dormant[r] = paths.t[end - 2] - paths.t[end - 3]  # until the reopening entry
    life = np.maximum(deals.close_t - deals.created - dormant, 1.0 / 24)
    g = np.sqrt(np.clip(life / 45.0, 0.25, 6.0))
    lam = ACTIVITIES_PER_DEAL * people.rep_activity[deals.owner] * g / max(g.mean(), 1e-9)
    per = rng.poisson(lam)
    deal = np.repeat(np.arange(len(deals), dtype=np.int64), per)
    n = len(deal)
    # Account-level activities copy the owner/account/type of a random deal activity.
    n_acc = round(ACCOUNT_LEVEL_SHARE * n)
    src = np.concatenate([np.arange(n), rng.integers(0, max(n, 1), n_acc)])[: n + n_acc]
    parent = deal[src] if n else np.zeros(0, np.int64)
    t = deals.created[parent] + rng.random(len(parent)) * life[parent]
    t = np.where(t > dormant_from[parent], t + dormant[parent], t)
    kind = categorical(rng, ACTIVITY_TYPE_WEIGHTS, n)[np.concatenate([np.arange(n), src[n:]])]
    kind = kind.astype(np.int8)
    duration = np.full(len(parent), -1, dtype=np.int32)
    calls = kind == _CALL
    duration[calls] = np.minimum(90, 3 + rng.exponential(12.0, int(calls.sum()))).astype(np.int32)
    meets = kind == _MEETING
    duration[meets] = rng.choice(np.array([30, 45, 60], np.int32), int(meets.sum()))
    demos = kind == _DEMO
    duration[demos] = rng.choice(np.array([45, 60, 90], np.int32), int(demos.sum()))
    deal_col = np.concatenate([deal, np.full(n_acc, -1, np.int64)])
    return Activities(
        kind=kind,
        owner=deals.owner[parent],
        deal=deal_col,
        account=deals.account[parent],
        t=t,
        duration=duration,
    )


@dataclass
class EmailEvents:
    activity: np.ndarray  # block-local activity index
    kind: np.ndarray  # 0 sent, 1 delivered, 2 opened
    t: np.ndarray


def build_email_events(rng: np.random.Generator, acts: Activities) -> EmailEvents:
    sent = np.flatnonzero(acts.kind == EMAIL_ACTIVITY)
    t_sent = acts.t[sent]
    delivered = rng.random(len(sent)) < P_DELIVERED
    t_deliv = t_sent + rng.uniform(1.0, 120.0, len(sent)) / 86_400
    opened = delivered & (rng.random(len(sent)) < P_OPENED)
    t_open = t_deliv + (60.0 + rng.exponential(6 * 3600.0, len(sent))) / 86_400
    activity = np.concatenate([sent, sent[delivered], sent[opened]])
    kind = np.concatenate(
        [np.zeros(len(sent)), np.ones(int(delivered.sum())), np.full(int(opened.sum()), 2)]
    ).astype(np.int8)
    t = np.concatenate([t_sent, t_deliv[delivered], t_open[opened]])
    return EmailEvents(activity, kind, t)
