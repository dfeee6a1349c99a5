"""Customers of one block: subscriptions (MRR), churn, reactivation, CSAT surveys.

* An account becomes a customer when its first new-business deal is won: a subscription
  starts on the close date with MRR = amount / 12 (deal currency).
* It churns after an exponential time whose monthly hazard is
  ``BASE_MONTHLY_CHURN_HAZARD``, times ``FAST_CLOSE_CHURN_HAZARD_RATIO`` when that first
  deal closed in under ``FAST_CLOSE_DAYS`` days (planted truth 3). Churn ends every row.
* The first new-business deal won after the churn reactivates it (a new row; its second
  life churns at the base hazard). New-business deals won in a later gap are lost instead.
* Won deals while a customer (expansion deals, further new-business deals) add rows;
  some of these add-ons are cancelled later, and some base rows are downgraded to a
  cheaper row: both are contractions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm import truths
from ingestion.demo_crm.deals import Deals
from ingestion.demo_crm.people import NO_END
from ingestion.demo_crm.timeline import DAYS_PER_MONTH

EXPANSION_DELAY_DAYS = 14.0
P_DOWNGRADE = 0.15
P_ADDON_CANCEL = 0.20
P_SURVEY = 0.35
SCORE_WEIGHTS = np.array([0.05, 0.08, 0.17, 0.35, 0.35])
INF = np.inf


def daily_rate(monthly_hazard: float) -> float:
    """Exponential rate per day with the given probability of churning within a month."""
    return -np.log1p(-monthly_hazard) / DAYS_PER_MONTH


@dataclass
class Lifecycles:
    """One row per customer account (block-local ``account``)."""

    account: np.ndarray
    first_deal: np.ndarray
    since: np.ndarray  # first won close (days)
    fast: np.ndarray
    churn1: np.ndarray  # inf if never
    react_deal: np.ndarray  # -1 if none
    react: np.ndarray  # inf if none
    churn2: np.ndarray  # inf if none
    extra_deal: np.ndarray  # other won new-business deals kept as add-ons
    extra_end: np.ndarray  # end of the life they fall in

    def windows(self, horizon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(account, start, end) of the spans in which expansion deals can be created."""
        acc = np.concatenate([self.account, self.account])
        start = np.concatenate([self.since, self.react]) + EXPANSION_DELAY_DAYS
        end = np.minimum(np.concatenate([self.churn1, self.churn2]), horizon)
        ok = np.isfinite(start) & (end > start)
        return acc[ok], start[ok], end[ok]


def lifecycles(rng: np.random.Generator, nb: Deals) -> Lifecycles:
    """Customer lives from the won new-business deals; flips deals won after a 2nd churn."""
    won = np.flatnonzero(nb.won)
    tc = nb.close_t[won]
    o = won[np.lexsort((tc, nb.account[won]))]
    acc = nb.account[o]
    tco = nb.close_t[o]
    first = np.r_[True, acc[1:] != acc[:-1]] if len(o) else np.zeros(0, bool)
    cust_of = np.cumsum(first) - 1  # customer index of every won deal
    first_deal = o[first]
    n = len(first_deal)
    since = tco[first]
    fast = (since - nb.created[first_deal]) < truths.FAST_CLOSE_DAYS
    base = daily_rate(truths.BASE_MONTHLY_CHURN_HAZARD)
    rate = np.where(fast, base * truths.FAST_CLOSE_CHURN_HAZARD_RATIO, base)
    churn1 = since + rng.exponential(1.0, n) / rate

    after = ~first & (tco >= churn1[cust_of])
    a_idx = np.flatnonzero(after)
    a_first = a_idx[np.r_[True, cust_of[a_idx][1:] != cust_of[a_idx][:-1]]] if len(a_idx) else a_idx
    react_deal = np.full(n, -1, dtype=np.int64)
    react = np.full(n, INF)
    react_deal[cust_of[a_first]] = o[a_first]
    react[cust_of[a_first]] = tco[a_first]
    churn2 = np.where(np.isfinite(react), react + rng.exponential(1.0, n) / base, INF)

    others = ~first
    others[a_first] = False
    c = cust_of[others]
    t = tco[others]
    in1 = t < churn1[c]
    in2 = (t >= react[c]) & (t < churn2[c])
    keep = in1 | in2
    nb.flip_to_lost(o[others][~keep])
    extra_end = np.where(in1, churn1[c], churn2[c])[keep]
    return Lifecycles(
        account=nb.account[first_deal],
        first_deal=first_deal,
        since=since,
        fast=fast,
        churn1=churn1,
        react_deal=react_deal,
        react=react,
        churn2=churn2,
        extra_deal=o[others][keep],
        extra_end=extra_end,
    )


def settle_expansions(ex: Deals, life: Lifecycles, ex_offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Flip won expansions closing after their customer churned; return kept (deal, end).

    ``ex_offset`` is the index of the first expansion deal once merged after new business.
    """
    won = np.flatnonzero(ex.won)
    if len(life.account) == 0:
        ex.flip_to_lost(won)
        return won[:0], np.zeros(0)
    # life.account is sorted; expansion deals are on customers except in degenerate worlds.
    pos = np.minimum(np.searchsorted(life.account, ex.account[won]), len(life.account) - 1)
    customer = life.account[pos] == ex.account[won]
    second = ex.created[won] >= life.react[pos]
    end = np.where(second, life.churn2[pos], life.churn1[pos])
    keep = customer & (ex.close_t[won] < end) & (ex.created[won] >= life.since[pos])
    ex.flip_to_lost(won[~keep])
    return won[keep] + ex_offset, end[keep]


@dataclass
class Subscriptions:
    account: np.ndarray
    plan_addon: np.ndarray  # True: the "Add-on" plan, else the account segment's plan
    mrr: np.ndarray
    currency: np.ndarray
    start_day: np.ndarray  # days since horizon start
    end_day: np.ndarray  # exclusive; NO_END if never within the world


def subscriptions(
    rng: np.random.Generator,
    deals: Deals,
    life: Lifecycles,
    addon_deal: np.ndarray,
    addon_end: np.ndarray,
) -> Subscriptions:
    """Subscription rows: base, downgrade, add-ons (incl. cancellations), reactivations."""
    mrr = np.round(deals.amount / 12.0, 2)
    close = deals.close_t
    n = len(life.account)

    # Base rows, some downgraded part-way through the first life.
    down_t = life.since + rng.uniform(120.0, 720.0, n)
    down = (rng.random(n) < P_DOWNGRADE) & (down_t < life.churn1 - 1.0)
    base_end = np.where(down, down_t, life.churn1)
    factor = rng.uniform(0.5, 0.8, n)
    d = np.flatnonzero(down)

    # Add-on rows: expansion deals and further new-business wins while a customer.
    a_deal = np.concatenate([life.extra_deal, addon_deal])
    a_end = np.concatenate([life.extra_end, addon_end])
    cancel_t = close[a_deal] + rng.uniform(90.0, 540.0, len(a_deal))
    cancel = (rng.random(len(a_deal)) < P_ADDON_CANCEL) & (cancel_t < a_end - 1.0)
    a_end = np.where(cancel, cancel_t, a_end)

    r = np.flatnonzero(life.react_deal >= 0)
    r_deal = life.react_deal[r]

    account = np.concatenate(
        [life.account, life.account[d], deals.account[a_deal], life.account[r]]
    )
    start = np.concatenate([life.since, down_t[d], close[a_deal], life.react[r]])
    end = np.concatenate([base_end, life.churn1[d], a_end, life.churn2[r]])
    first_mrr = mrr[life.first_deal]
    row_mrr = np.concatenate(
        [first_mrr, np.round(first_mrr[d] * factor[d], 2), mrr[a_deal], mrr[r_deal]]
    )
    addon = np.concatenate(
        [np.zeros(n + len(d), bool), np.ones(len(a_deal), bool), np.zeros(len(r), bool)]
    )
    currency = deals.currency[np.concatenate([life.first_deal, life.first_deal[d], a_deal, r_deal])]
    start_day = np.floor(start).astype(np.int64)
    end_day = np.where(
        np.isfinite(end),
        np.maximum(np.floor(np.where(np.isfinite(end), end, 0)), start_day + 1),
        NO_END,
    ).astype(np.int64)
    return Subscriptions(account, addon, row_mrr, currency, start_day, end_day)


@dataclass
class Surveys:
    deal: np.ndarray
    score: np.ndarray
    t: np.ndarray


def surveys(rng: np.random.Generator, deals: Deals) -> Surveys:
    """CSAT surveys answered 7-45 days after some won deals."""
    won = np.flatnonzero(deals.won)
    take = won[rng.random(len(won)) < P_SURVEY]
    score = 1 + np.searchsorted(np.cumsum(SCORE_WEIGHTS), rng.random(len(take)), side="right")
    t = deals.close_t[take] + rng.uniform(7.0, 45.0, len(take))
    return Surveys(take, np.minimum(score, 5).astype(np.int32), t)
