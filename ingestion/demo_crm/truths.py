"""The planted truths of the demo CRM: named constants that tests and docs refer to.

Each truth is produced by the generator's parameters (not patched into results), so a
model that computes the metric correctly finds it. Expected magnitudes are documented in
``docs/demo-crm.md``; the constants below are the generator's inputs.
"""

from __future__ import annotations

# 1. Pipeline bottleneck ------------------------------------------------------------------
BOTTLENECK_PIPELINE_ID = "new_business"
BOTTLENECK_STAGE_ID = "nb_proposal"
# Median dwell in the bottleneck stage relative to the median of the other open stages.
BOTTLENECK_DWELL_RATIO = 3.0
# Share of deals entering nb_proposal that do not move on (the highest of any stage).
BOTTLENECK_DROP_OFF = 0.45

# 2. Underperforming reps -----------------------------------------------------------------
LOW_ACTIVITY_REP_ID = "rep-00003"
# Activities per deal relative to peers, and deals created relative to peers.
LOW_ACTIVITY_ACTIVITY_FACTOR = 0.25
LOW_ACTIVITY_DEAL_FACTOR = 0.5

LOW_WIN_RATE_REP_ID = "rep-00007"
# Win rate relative to peers (applied as a multiplier on every stage conversion).
LOW_WIN_RATE_FACTOR = 1.0 / 3.0
LOW_WIN_RATE_COMPETITOR = "Globex Revenue"
# Share of the low-win-rate rep's losses lost to a competitor, and to that one competitor.
LOW_WIN_RATE_COMPETITOR_LOSS_SHARE = 0.70
LOW_WIN_RATE_MAIN_COMPETITOR_SHARE = 0.85

# 3. Fast-close churn ---------------------------------------------------------------------
FAST_CLOSE_DAYS = 21  # cycle of the first won deal (closed_at - created_at) below this
FAST_CLOSE_CHURN_HAZARD_RATIO = 2.75
BASE_MONTHLY_CHURN_HAZARD = 0.015  # monthly churn hazard of other customers

# 4. Quarter-end bookings spike -----------------------------------------------------------
QUARTER_END_WINDOW_DAYS = 14
# Share of won deals closing in the last QUARTER_END_WINDOW_DAYS of their quarter.
QUARTER_END_WON_SHARE = (0.30, 0.40)

# 5. Multi-currency region ----------------------------------------------------------------
MULTI_CURRENCY_REGION = "EMEA"
MULTI_CURRENCY_CURRENCIES = ("EUR", "GBP", "USD")

# Healthy quota attainment: quotas = expected bookings of a fully ramped rep of average
# productivity / MEAN_ATTAINMENT. Bookings are skewed, so the median rep-year attains less
# than the mean (~85-95%), the median rep-quarter ~80-90%.
MEAN_ATTAINMENT = 1.0
