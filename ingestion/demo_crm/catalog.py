"""Static reference data of the demo CRM world: pipelines, stages, geography, vocabularies.

Everything here is a constant; the generators index into these tuples with small integer
codes and turn codes into strings only when the Arrow tables are built.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --- pipelines and stages ---------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One stage of a pipeline; ``code`` is its index in :data:`STAGES`."""

    code: int
    pipeline_id: str
    stage_id: str
    stage_name: str
    stage_order: int
    probability: int
    is_closed: bool
    is_won: bool


@dataclass(frozen=True)
class Pipeline:
    """A deal pipeline: its open stages in order, its closed stages, and its dynamics.

    ``conversion[i]`` is the probability that a deal in open stage ``i`` moves on (to the
    next open stage, or to won after the last one); ``dwell_days[i]`` is the median time a
    deal spends in open stage ``i`` before moving (for a mid-market deal of average speed).
    """

    pipeline_id: str
    pipeline_name: str
    open_codes: tuple[int, ...]
    won_code: int
    lost_code: int
    conversion: tuple[float, ...]
    dwell_days: tuple[float, ...]


_STAGE_ROWS = [
    # pipeline, stage_id, name, probability, closed, won
    ("new_business", "nb_prospecting", "Prospecting", 10, False, False),
    ("new_business", "nb_qualification", "Qualification", 20, False, False),
    ("new_business", "nb_demo", "Demo", 40, False, False),
    ("new_business", "nb_proposal", "Proposal", 60, False, False),
    ("new_business", "nb_negotiation", "Negotiation", 80, False, False),
    ("new_business", "nb_closed_won", "Closed Won", 100, True, True),
    ("new_business", "nb_closed_lost", "Closed Lost", 0, True, False),
    ("expansion", "ex_discovery", "Discovery", 20, False, False),
    ("expansion", "ex_proposal", "Proposal", 50, False, False),
    ("expansion", "ex_negotiation", "Negotiation", 75, False, False),
    ("expansion", "ex_closed_won", "Closed Won", 100, True, True),
    ("expansion", "ex_closed_lost", "Closed Lost", 0, True, False),
]


def _stages() -> tuple[Stage, ...]:
    out: list[Stage] = []
    order: dict[str, int] = {}
    for code, (pipe, sid, name, prob, closed, won) in enumerate(_STAGE_ROWS):
        order[pipe] = order.get(pipe, 0) + 1
        out.append(Stage(code, pipe, sid, name, order[pipe], prob, closed, won))
    return tuple(out)


STAGES: tuple[Stage, ...] = _stages()
STAGE_CODE: dict[str, int] = {s.stage_id: s.code for s in STAGES}

NEW_BUSINESS = Pipeline(
    pipeline_id="new_business",
    pipeline_name="New Business",
    open_codes=(0, 1, 2, 3, 4),
    won_code=5,
    lost_code=6,
    # nb_proposal converts worst: the planted bottleneck (highest drop-off).
    conversion=(0.85, 0.80, 0.85, 0.55, 0.85),
    # nb_proposal dwells three times as long as every other open stage.
    dwell_days=(7.0, 7.0, 7.0, 21.0, 7.0),
)
EXPANSION = Pipeline(
    pipeline_id="expansion",
    pipeline_name="Expansion",
    open_codes=(7, 8, 9),
    won_code=10,
    lost_code=11,
    conversion=(0.85, 0.75, 0.88),
    dwell_days=(6.0, 9.0, 6.0),
)
PIPELINES: tuple[Pipeline, ...] = (NEW_BUSINESS, EXPANSION)

# Per-stage lookup arrays indexed by stage code.
STAGE_IDS: tuple[str, ...] = tuple(s.stage_id for s in STAGES)
STAGE_PROBABILITY = np.array([s.probability for s in STAGES], dtype=np.int32)
STAGE_IS_CLOSED = np.array([s.is_closed for s in STAGES], dtype=bool)
STAGE_IS_WON = np.array([s.is_won for s in STAGES], dtype=bool)
STAGE_IS_FIRST = np.array([s.stage_order == 1 for s in STAGES], dtype=bool)
STAGE_PIPELINE = np.array([0 if s.pipeline_id == "new_business" else 1 for s in STAGES], np.int8)

FORECAST_CATEGORIES: tuple[str, ...] = ("pipeline", "best_case", "commit", "closed", "omitted")


def forecast_category_codes(stage_codes: np.ndarray) -> np.ndarray:
    """Forecast category code per stage code (Salesforce-style defaults).

    >>> forecast_category_codes(np.array([0, 3, 4, 5, 6])).tolist()
    [0, 1, 2, 3, 4]
    """
    prob = STAGE_PROBABILITY[stage_codes]
    cat = np.where(prob <= 20, 0, np.where(prob <= 60, 1, 2))
    cat = np.where(STAGE_IS_CLOSED[stage_codes], np.where(STAGE_IS_WON[stage_codes], 3, 4), cat)
    return cat.astype(np.int8)


# --- geography ---------------------------------------------------------------------------

REGIONS: tuple[str, ...] = ("NA", "EMEA", "APAC", "LATAM")
REGION_WEIGHTS = np.array([0.45, 0.30, 0.15, 0.10])
CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP")

# (country, region index, currency index, weight within region)
COUNTRIES: tuple[tuple[str, int, int, float], ...] = (
    ("US", 0, 0, 0.85),
    ("CA", 0, 0, 0.15),
    ("GB", 1, 2, 0.30),
    ("DE", 1, 1, 0.17),
    ("FR", 1, 1, 0.12),
    ("NL", 1, 1, 0.08),
    ("ES", 1, 1, 0.05),
    ("IT", 1, 1, 0.04),
    ("IE", 1, 1, 0.04),
    ("CH", 1, 0, 0.06),
    ("SE", 1, 0, 0.05),
    ("AE", 1, 0, 0.05),
    ("ZA", 1, 0, 0.04),
    ("AU", 2, 0, 0.30),
    ("JP", 2, 0, 0.20),
    ("SG", 2, 0, 0.20),
    ("IN", 2, 0, 0.20),
    ("NZ", 2, 0, 0.10),
    ("BR", 3, 0, 0.40),
    ("MX", 3, 0, 0.25),
    ("AR", 3, 0, 0.12),
    ("CL", 3, 0, 0.12),
    ("CO", 3, 0, 0.11),
)
COUNTRY_CODES: tuple[str, ...] = tuple(c[0] for c in COUNTRIES)
COUNTRY_REGION = np.array([c[1] for c in COUNTRIES], dtype=np.int8)
COUNTRY_CURRENCY = np.array([c[2] for c in COUNTRIES], dtype=np.int8)
COUNTRY_WEIGHT = np.array([c[3] for c in COUNTRIES])

# Mean FX levels (USD per unit); the daily series is a random walk around these.
FX_MEAN_USD_PER_UNIT = np.array([1.0, 1.08, 1.27])

# --- accounts, deals ---------------------------------------------------------------------

SEGMENTS: tuple[str, ...] = ("SMB", "Mid-Market", "Enterprise")
SEGMENT_WEIGHTS = np.array([0.55, 0.30, 0.15])
# Relative number of deals an account of each segment attracts.
SEGMENT_DEAL_WEIGHT = np.array([1.0, 1.3, 1.8])
# Median new-business amount and lognormal sigma per segment (deal currency units).
SEGMENT_AMOUNT_MEDIAN = np.array([10_000.0, 40_000.0, 180_000.0])
SEGMENT_AMOUNT_SIGMA = np.array([0.35, 0.35, 0.40])
EXPANSION_AMOUNT_FACTOR = 0.35
# Sales-cycle speed multiplier per segment (SMB closes in half the mid-market time).
SEGMENT_SPEED = np.array([0.5, 1.0, 1.6])
SEGMENT_PLANS: tuple[str, ...] = ("Starter", "Growth", "Enterprise")
ADDON_PLAN = "Add-on"

INDUSTRIES: tuple[str, ...] = (
    "Software",
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Education",
    "Media",
    "Logistics",
    "Energy",
    "Public Sector",
)
PRODUCTS: tuple[str, ...] = (
    "Core Platform",
    "Analytics Add-on",
    "Forecasting",
    "Data Connectors",
    "Premium Support",
)
NB_PRODUCT_WEIGHTS = np.array([0.70, 0.10, 0.10, 0.05, 0.05])
EX_PRODUCT_WEIGHTS = np.array([0.10, 0.30, 0.25, 0.20, 0.15])

LOSS_REASONS: tuple[str, ...] = ("price", "no decision", "competitor", "timing", "features")
LOSS_REASON_WEIGHTS = np.array([0.25, 0.30, 0.20, 0.15, 0.10])
COMPETITORS: tuple[str, ...] = ("Globex Revenue", "Initech Pipeline", "Umbrella CRM", "Hooli Sales")

LEAD_SOURCES: tuple[str, ...] = ("inbound", "outbound", "referral", "event", "partner")
LEAD_SOURCE_WEIGHTS = np.array([0.35, 0.30, 0.15, 0.10, 0.10])
LEAD_STATUSES: tuple[str, ...] = ("open", "converted", "disqualified")

ACTIVITY_TYPES: tuple[str, ...] = ("call", "meeting", "email", "demo")
ACTIVITY_TYPE_WEIGHTS = np.array([0.35, 0.15, 0.40, 0.10])
EMAIL_ACTIVITY = 2
EMAIL_EVENT_TYPES: tuple[str, ...] = ("sent", "delivered", "opened")

# --- names -------------------------------------------------------------------------------

# fmt: off
FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Alan", "Amara", "Ana", "Anders", "Aisha", "Ben", "Bianca", "Carlos", "Chen",
    "Chloe", "Dan", "Daria", "David", "Elena", "Emeka", "Emma", "Farah", "Felix", "Grace",
    "Hana", "Hugo", "Ines", "Ivan", "Jack", "Jin", "Julia", "Kai", "Kenji", "Lara", "Leo",
    "Lina", "Lucas", "Maya", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar", "Paula", "Priya",
    "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tom", "Uma", "Vera", "Wei", "Yara",
    "Yusuf", "Zoe",
)
LAST_NAMES: tuple[str, ...] = (
    "Adams", "Ahmed", "Alvarez", "Berg", "Brown", "Costa", "Dubois", "Eriksen", "Fischer",
    "Garcia", "Gupta", "Haddad", "Ito", "Jensen", "Kim", "Kowalski", "Lopez", "Mbeki", "Meyer",
    "Moreau", "Nakamura", "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rossi",
    "Santos", "Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Torres", "Walsh", "Wang",
    "Weber", "Yilmaz", "Zhang",
)
TITLES: tuple[str, ...] = (
    "CEO", "CFO", "CTO", "VP Sales", "VP Operations", "Head of IT", "Director of Finance",
    "Procurement Manager", "Operations Manager", "IT Manager", "Analyst", "Engineer",
)
ACCOUNT_PREFIXES: tuple[str, ...] = (
    "Blue", "Northern", "Silver", "Apex", "Bright", "Cedar", "Crimson", "Golden", "Iron",
    "Lunar", "Maple", "Nova", "Oak", "Pacific", "Prime", "Quantum", "Red", "Summit", "Swift",
    "True", "Urban", "Vertex", "West", "Zen",
)
ACCOUNT_CORES: tuple[str, ...] = (
    "Harbor", "Ridge", "River", "Peak", "Field", "Stone", "Bridge", "Forge", "Grove", "Wave",
    "Point", "Path", "Light", "Gate", "Valley", "Arc",
)
ACCOUNT_SUFFIXES: tuple[str, ...] = (
    "Labs", "Systems", "Logistics", "Health", "Capital", "Foods", "Energy", "Media", "Works",
    "Group", "Retail", "Robotics", "Analytics", "Partners",
)
TEAM_NAMES: tuple[str, ...] = (
    "Falcons", "Orcas", "Wolves", "Lynx", "Hawks", "Bisons", "Otters", "Pumas", "Ravens",
    "Tigers", "Cobras", "Eagles", "Foxes", "Sharks", "Bears", "Owls",
)
# fmt: on
