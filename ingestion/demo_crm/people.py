"""The sales organisation: teams, reps, managers, the CRO, and who can own a deal when.

Reps ~ size/400 (clamped to [12, 20000]); teams of ~7 reps in four regions, one manager
per team, one executive (CRO) at the top. Hire dates are spread (about half the reps were
hired before the horizon, the rest during it); a few reps leave, a few move team once.
All dates are whole days relative to the horizon start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm import truths
from ingestion.demo_crm.catalog import FIRST_NAMES, LAST_NAMES, REGION_WEIGHTS, REGIONS
from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.rng import GroupedSampler, Stream, rng_for
from ingestion.demo_crm.timeline import DAYS_PER_MONTH, Timeline

RAMP_MONTHS = 3
NO_END = 10**9  # "never" as a day offset
MIN_REPS, MAX_REPS = 12, 20_000
DEALS_PER_REP = 400
TEAM_SIZE = 7
LOW_ACTIVITY_REP = int(truths.LOW_ACTIVITY_REP_ID.split("-")[1]) - 1
LOW_WIN_RATE_REP = int(truths.LOW_WIN_RATE_REP_ID.split("-")[1]) - 1


def rep_count(size: int) -> int:
    """Number of reps for a world of ``size`` deals.

    >>> rep_count(10_000), rep_count(1_000), rep_count(10_000_000)
    (25, 12, 20000)
    """
    return int(min(MAX_REPS, max(MIN_REPS, round(size / DEALS_PER_REP))))


@dataclass(frozen=True)
class People:
    """Reps (index i is ``rep-{i+1:05d}``), teams, managers and derived capacity tables."""

    n_reps: int
    n_teams: int
    team_region: np.ndarray  # region code per team
    rep_team: np.ndarray  # initial team
    rep_team_after: np.ndarray  # team after the move (== rep_team if never moved)
    rep_move_day: np.ndarray  # day of the move (NO_END if never)
    rep_hire_day: np.ndarray
    rep_left_day: np.ndarray  # NO_END while employed
    rep_has_quota: np.ndarray
    rep_productivity: np.ndarray  # relative rate of deal creation
    rep_activity: np.ndarray  # relative activities per deal
    rep_win: np.ndarray  # multiplier on the win rate (applied across stage conversions)
    manager_hire_day: np.ndarray  # per team
    exec_hire_day: int
    rep_names: list[tuple[str, str]]
    manager_names: list[tuple[str, str]]
    exec_name: tuple[str, str]
    # Derived: ramp factor and region of every rep in every month of the horizon.
    ramp: np.ndarray  # (n_reps, n_months), 0 when not employed that month
    region: np.ndarray  # (n_reps, n_months) region code at mid-month
    capacity: np.ndarray  # (n_months, n_regions) sum of ramp * productivity
    owner_sampler: GroupedSampler  # items are rep * n_months + month, groups month * R + r

    def team_at(self, day: int | np.ndarray) -> np.ndarray:
        """Team of every rep on ``day`` (ignoring employment)."""
        return np.where(day >= self.rep_move_day, self.rep_team_after, self.rep_team)

    def sample_owners(
        self, rng: np.random.Generator, month: np.ndarray, region: np.ndarray
    ) -> np.ndarray:
        """Rep index per (month, region), ∝ ramp * productivity of reps there then."""
        n_months = self.ramp.shape[1]
        items = self.owner_sampler.sample(rng, month.astype(np.int64) * len(REGIONS) + region)
        return (items // n_months).astype(np.int32)


def build_people(config: DemoCrmConfig, timeline: Timeline) -> People:
    rng = rng_for(config.seed, Stream.PEOPLE)
    n_reps = rep_count(config.size)
    team_region, rep_team = _teams(n_reps)
    n_teams = len(team_region)
    horizon = config.horizon_days
    first_of_team = np.r_[True, rep_team[1:] != rep_team[:-1]]
    second_of_team = np.r_[False, first_of_team[:-1]] & ~first_of_team
    truth = np.zeros(n_reps, bool)
    truth[[LOW_ACTIVITY_REP, LOW_WIN_RATE_REP]] = True
    stays = first_of_team | second_of_team | truth  # never leave

    # Hire dates: anchors and ~40% of the others before the horizon, the rest during it.
    founder = stays | (rng.random(n_reps) < 0.4)
    hire = np.where(
        founder,
        -rng.integers(150, 1100, n_reps),
        rng.integers(0, max(1, horizon - 120), n_reps),
    )
    left = np.full(n_reps, NO_END, dtype=np.int64)
    leaver = ~stays & (rng.random(n_reps) < 0.10)
    left_day = np.maximum(hire, 0) + rng.integers(240, 900, n_reps)
    leaver &= left_day < horizon - 30
    left[leaver] = left_day[leaver]

    # Movers: founders that stay employed, not anchors of a team, not planted reps.
    can_move = founder & ~leaver & ~first_of_team & ~truth
    candidates = np.flatnonzero(can_move)
    n_movers = min(len(candidates), max(2, round(0.03 * n_reps)))
    movers = np.sort(rng.choice(candidates, size=n_movers, replace=False))
    move_day = np.full(n_reps, NO_END, dtype=np.int64)
    n_months = timeline.n_months
    move_month = rng.integers(min(6, n_months - 1), max(7, n_months - 6), n_movers)
    move_day[movers] = timeline.month_start[np.minimum(move_month, n_months - 1)]
    team_after = rep_team.copy()
    shift = 1 + rng.integers(0, max(1, n_teams - 1), n_movers)
    team_after[movers] = (rep_team[movers] + shift) % n_teams

    # Two reps without quota (not planted, not movers).
    no_quota_pool = np.flatnonzero(~truth & (move_day == NO_END) & ~first_of_team)
    no_quota = rng.choice(no_quota_pool, size=min(2, len(no_quota_pool)), replace=False)
    has_quota = np.ones(n_reps, bool)
    has_quota[no_quota] = False

    productivity = np.exp(rng.normal(0, 0.2, n_reps))
    activity = np.exp(rng.normal(0, 0.15, n_reps))
    win = np.exp(rng.normal(0, 0.08, n_reps))
    productivity[truth] = 1.0
    activity[truth] = 1.0
    win[truth] = 1.0
    productivity[LOW_ACTIVITY_REP] = truths.LOW_ACTIVITY_DEAL_FACTOR
    activity[LOW_ACTIVITY_REP] = truths.LOW_ACTIVITY_ACTIVITY_FACTOR
    win[LOW_WIN_RATE_REP] = truths.LOW_WIN_RATE_FACTOR

    manager_hire = -rng.integers(400, 2000, n_teams)
    exec_hire = -int(rng.integers(500, 1500))
    names = _names(rng, n_reps + n_teams + 1)

    # Capacity: ramp factor and region of each rep at each mid-month.
    mid = timeline.month_start[:-1] + 14
    tenure_months = np.floor((mid[None, :] - hire[:, None]) / DAYS_PER_MONTH)
    employed = (hire[:, None] <= mid[None, :]) & (mid[None, :] < left[:, None])
    ramp = np.where(employed, np.minimum(1.0, (tenure_months + 1) / (RAMP_MONTHS + 1)), 0.0)
    team_m = np.where(mid[None, :] >= move_day[:, None], team_after[:, None], rep_team[:, None])
    region = team_region[team_m]
    weight = ramp * productivity[:, None]
    n_regions = len(REGIONS)
    capacity = np.zeros((n_months, n_regions))
    month_idx = np.broadcast_to(np.arange(n_months), weight.shape)
    np.add.at(capacity, (month_idx.ravel(), region.ravel()), weight.ravel())
    if (capacity <= 0).any():
        raise AssertionError("every region must have an active rep in every month")
    groups = (month_idx * n_regions + region).ravel()
    sampler = GroupedSampler(groups, weight.ravel(), n_months * n_regions)

    return People(
        n_reps=n_reps,
        n_teams=n_teams,
        team_region=team_region,
        rep_team=rep_team,
        rep_team_after=team_after,
        rep_move_day=move_day,
        rep_hire_day=hire.astype(np.int64),
        rep_left_day=left,
        rep_has_quota=has_quota,
        rep_productivity=productivity,
        rep_activity=activity,
        rep_win=win,
        manager_hire_day=manager_hire.astype(np.int64),
        exec_hire_day=exec_hire,
        rep_names=names[:n_reps],
        manager_names=names[n_reps : n_reps + n_teams],
        exec_name=names[-1],
        ramp=ramp,
        region=region.astype(np.int8),
        capacity=capacity,
        owner_sampler=sampler,
    )


def _teams(n_reps: int) -> tuple[np.ndarray, np.ndarray]:
    """Region of each team and team of each rep (reps numbered region by region).

    Reps are split across regions by ``REGION_WEIGHTS`` (at least 3 per region), each
    region into teams of ~``TEAM_SIZE``.

    >>> [len(r) for r in np.split(np.arange(25), np.cumsum(_region_reps(25))[:-1])]
    [9, 7, 5, 4]
    """
    team_region: list[int] = []
    rep_team: list[int] = []
    for region, reps in enumerate(_region_reps(n_reps)):
        n_teams = max(1, round(reps / TEAM_SIZE))
        first = len(team_region)
        team_region += [region] * n_teams
        rep_team += [first + i * n_teams // reps for i in range(reps)]
    return np.array(team_region, dtype=np.int8), np.array(rep_team, dtype=np.int32)


def _region_reps(n_reps: int) -> np.ndarray:
    """Reps per region: largest-remainder split by REGION_WEIGHTS with at least 3 each."""
    floor = 3
    share = REGION_WEIGHTS * (n_reps - floor * len(REGIONS))
    reps = np.floor(share).astype(int)
    remainder = int(n_reps - floor * len(REGIONS) - reps.sum())
    reps[np.argsort(-(share - reps), kind="stable")[:remainder]] += 1
    return reps + floor


def _names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    return [(FIRST_NAMES[f], LAST_NAMES[la]) for f, la in zip(first, last, strict=True)]
