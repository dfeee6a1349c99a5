"""The demo CRM world in Salesforce's shape: records per object, as the org shows them at
the end of an as-of day.

``salesforce_records(config)`` converts the demo CRM extract (ingestion.demo_crm) into the
standard objects the connector reads: a role hierarchy (a root role for the CRO, one role
per sales team, whose forecast manager is the team manager), users, accounts, contacts,
leads, one sales process whose stages both demo pipelines map onto, opportunities with
their OpportunityHistory (a row per stage entry plus, for some deals, an amount change
that keeps the stage: the rows the staging model must skip) and StageName field history,
tasks (calls, emails) and events (meetings, demos), multi-currency rates (monthly dated
rates) and monthly rep quotas. Ids are 18 characters with the object's key prefix and
depend only on the demo id, so a later extract of the same world keeps every id.

``stage_truth(config)`` is the stage history the org holds: (opportunity id, stage, entered).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ingestion.demo_crm import DemoCrmConfig, generate_tables

Record = dict[str, Any]

KEY_PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "OpportunityFieldHistory": "017",
    "UserRole": "00E",
    "Lead": "00Q",
    "Task": "00T",
    "Event": "00U",
    "OpportunityStage": "01J",
    "CurrencyType": "02N",
    "DatedConversionRate": "04w",
    "ForecastingQuota": "0J9",
}

# (label, default probability, sort order, closed, won, forecast category)
STAGES = [
    ("Prospecting", 10, 1, False, False, "Pipeline"),
    ("Qualification", 20, 2, False, False, "Pipeline"),
    ("Needs Analysis", 40, 3, False, False, "Best Case"),
    ("Proposal/Price Quote", 60, 4, False, False, "Best Case"),
    ("Negotiation/Review", 80, 5, False, False, "Commit"),
    ("Closed Won", 100, 6, True, True, "Closed"),
    ("Closed Lost", 0, 7, True, False, "Omitted"),
]
STAGE_OF = {
    "nb_prospecting": "Prospecting",
    "nb_qualification": "Qualification",
    "ex_discovery": "Qualification",
    "nb_demo": "Needs Analysis",
    "nb_proposal": "Proposal/Price Quote",
    "ex_proposal": "Proposal/Price Quote",
    "nb_negotiation": "Negotiation/Review",
    "ex_negotiation": "Negotiation/Review",
    "nb_closed_won": "Closed Won",
    "ex_closed_won": "Closed Won",
    "nb_closed_lost": "Closed Lost",
    "ex_closed_lost": "Closed Lost",
}
FORECAST_CATEGORY = {
    "pipeline": ("Pipeline", "Pipeline"),
    "best_case": ("Best Case", "BestCase"),
    "commit": ("Commit", "Commit"),
    "closed": ("Closed", "Closed"),
    "omitted": ("Omitted", "Omitted"),
}
LEAD_SOURCE = {
    "inbound": "Web",
    "outbound": "Outbound",
    "referral": "Referral",
    "event": "Trade Show",
    "partner": "Partner",
}
LEAD_STATUS = {
    "open": "Working - Contacted",
    "converted": "Closed - Converted",
    "disqualified": "Closed - Not Converted",
}
CORPORATE_CURRENCY = "USD"


def sf_id(sobject: str, key: str) -> str:
    """A stable 18-character id with the object's key prefix."""
    digest = hashlib.sha1(f"{sobject}:{key}".encode()).hexdigest()[:12].upper()
    return f"{KEY_PREFIXES[sobject]}{digest}AAA"


def stamp(value: datetime | date | None) -> str | None:
    """Salesforce's dateTime format: 2025-03-01T08:30:00.000+0000 (whole seconds)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _midnight(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _roles_and_users(t: dict[str, list[Record]]) -> tuple[list[Record], list[Record]]:
    exec_ids = [u["user_id"] for u in t["users"] if u["role"] == "executive"]
    root = {
        "Id": sf_id("UserRole", "root"),
        "Name": "Chief Revenue Officer",
        "DeveloperName": "CRO",
        "ParentRoleId": None,
        "ForecastUserId": sf_id("User", exec_ids[0]) if exec_ids else None,
        "SystemModstamp": stamp(min(u["updated_at"] for u in t["users"])),
    }
    roles = [root] + [
        {
            "Id": sf_id("UserRole", team["team_id"]),
            "Name": team["team_name"],
            "DeveloperName": team["team_id"].replace("-", "_"),
            "ParentRoleId": root["Id"],
            "ForecastUserId": sf_id("User", team["manager_id"]) if team["manager_id"] else None,
            "SystemModstamp": stamp(team["updated_at"]),
        }
        for team in t["teams"]
    ]
    users = []
    for u in t["users"]:
        created = _midnight(u["hire_date"])
        # deactivated on the last working day; otherwise last touched at hire or update
        modified = _midnight(u["left_date"]) if u["left_date"] else max(created, u["updated_at"])
        users.append(
            {
                "Id": sf_id("User", u["user_id"]),
                "Name": u["full_name"],
                "Email": u["email"],
                "UserRoleId": sf_id("UserRole", u["team_id"]) if u["team_id"] else root["Id"],
                "ManagerId": sf_id("User", u["manager_id"]) if u["manager_id"] else None,
                "IsActive": u["left_date"] is None,
                "Division": u["region"],
                "Title": {"rep": "Account Executive", "manager": "Sales Manager"}.get(
                    u["role"], "Chief Revenue Officer"
                ),
                "UserType": "Standard",
                "CreatedDate": stamp(created),
                "LastModifiedDate": stamp(modified),
                "SystemModstamp": stamp(modified),
            }
        )
    return roles, users


def _opportunities(t: dict[str, list[Record]]) -> tuple[list[Record], list[Record], list[Record]]:
    latest: dict[str, Record] = {}
    for d in t["deals"]:  # the extract may carry a stale version: Salesforce has one row
        if d["deal_id"] not in latest or d["updated_at"] > latest[d["deal_id"]]["updated_at"]:
            latest[d["deal_id"]] = d
    lead_source = {lead["lead_id"]: lead["lead_source"] for lead in t["leads"]}
    opps, history, field_history = [], [], []
    entries: dict[str, list[Record]] = {}
    for h in sorted(t["deal_stage_history"], key=lambda h: (h["deal_id"], h["entered_at"])):
        entries.setdefault(h["deal_id"], []).append(h)
    for deal_id, d in sorted(latest.items()):
        oid = sf_id("Opportunity", deal_id)
        label, api_category = FORECAST_CATEGORY[d["forecast_category"]]
        close_date = d["closed_at"].date() if d["closed_at"] else d["expected_close_date"]
        opps.append(
            {
                "Id": oid,
                "Name": d["deal_name"],
                "AccountId": sf_id("Account", d["account_id"]) if d["account_id"] else None,
                "OwnerId": sf_id("User", d["owner_id"]),
                "StageName": STAGE_OF[d["stage_id"]],
                "Amount": d["amount"],
                "CurrencyIsoCode": d["currency"],
                "Probability": float(d["probability"]),
                "CloseDate": day(close_date),
                "IsClosed": d["is_closed"],
                "IsWon": d["is_won"],
                "IsDeleted": d["is_deleted"],
                "ForecastCategoryName": label,
                "LeadSource": LEAD_SOURCE.get(lead_source.get(d["lead_id"], "")),
                "Type": "New Business"
                if d["pipeline_id"] == "new_business"
                else "Existing Customer - Upgrade",
                "Loss_Reason__c": d["loss_reason"],
                "CreatedDate": stamp(d["created_at"]),
                "LastModifiedDate": stamp(d["updated_at"]),
                "SystemModstamp": stamp(d["updated_at"]),
            }
        )
        previous: str | None = None
        for n, h in enumerate(entries.get(deal_id, [])):
            stage = STAGE_OF[h["stage_id"]]
            probability = next(s[1] for s in STAGES if s[0] == stage)
            amount = d["amount"]
            # a quarter of deals start at 80% of the amount and are revised a second later
            # (an OpportunityHistory row that keeps the stage)
            revised = n == 0 and amount is not None and int(oid[3:9], 16) % 4 == 0
            rows = [(h["entered_at"], round(amount * 0.8, 2) if revised else amount, "")]
            if revised:
                rows.append((h["entered_at"] + timedelta(seconds=1), amount, "-revised"))
            for created, row_amount, suffix in rows:
                history.append(
                    {
                        "Id": sf_id("OpportunityHistory", f"{deal_id}:{h['entered_at']}{suffix}"),
                        "OpportunityId": oid,
                        "StageName": stage,
                        "Amount": row_amount,
                        "Probability": float(probability),
                        "CloseDate": day(d["expected_close_date"]),
                        "ForecastCategory": api_category,
                        "CreatedById": sf_id("User", d["owner_id"]),
                        "CreatedDate": stamp(created),
                        "SystemModstamp": stamp(created),
                        "IsDeleted": False,
                    }
                )
            if previous is not None:
                field_history.append(
                    {
                        "Id": sf_id("OpportunityFieldHistory", f"{deal_id}:{h['entered_at']}"),
                        "OpportunityId": oid,
                        "Field": "StageName",
                        "OldValue": previous,
                        "NewValue": stage,
                        "CreatedById": sf_id("User", d["owner_id"]),
                        "CreatedDate": stamp(h["entered_at"]),
                        "IsDeleted": False,
                    }
                )
            previous = stage
    return opps, history, field_history


def _activities(t: dict[str, list[Record]]) -> tuple[list[Record], list[Record]]:
    tasks, events = [], []
    for a in t["activities"]:
        what = (
            sf_id("Opportunity", a["deal_id"])
            if a["deal_id"]
            else (sf_id("Account", a["account_id"]) if a["account_id"] else None)
        )
        common = {
            "OwnerId": sf_id("User", a["owner_id"]),
            "WhatId": what,
            "WhoId": None,
            "AccountId": sf_id("Account", a["account_id"]) if a["account_id"] else None,
            "CreatedDate": stamp(a["occurred_at"]),
            "SystemModstamp": stamp(a["occurred_at"]),
            "IsDeleted": False,
        }
        kind, minutes = a["activity_type"], a["duration_minutes"]
        if kind in ("call", "email"):
            tasks.append(
                {
                    "Id": sf_id("Task", a["activity_id"]),
                    **common,
                    "Subject": "Call" if kind == "call" else "Email: follow-up",
                    "Type": kind.capitalize(),
                    "TaskSubtype": kind.capitalize(),
                    "Status": "Completed",
                    "ActivityDate": day(a["occurred_at"].date()),
                    "CompletedDateTime": stamp(a["occurred_at"]),
                    "CallDurationInSeconds": minutes * 60 if kind == "call" and minutes else None,
                }
            )
        else:
            end = a["occurred_at"] + timedelta(minutes=minutes or 0)
            events.append(
                {
                    "Id": sf_id("Event", a["activity_id"]),
                    **common,
                    "Subject": kind.capitalize(),
                    "Type": kind.capitalize(),
                    "EventSubtype": "Event",
                    "StartDateTime": stamp(a["occurred_at"]),
                    "EndDateTime": stamp(end),
                    "DurationInMinutes": minutes,
                }
            )
    return tasks, events


def _currencies(t: dict[str, list[Record]], cutoff: datetime) -> tuple[list[Record], list[Record]]:
    """Static rates (the latest) and monthly dated rates, per 1 USD (the corporate currency)."""
    by_currency: dict[str, list[Record]] = {}
    for r in sorted(t["fx_rates"], key=lambda r: r["rate_date"]):
        by_currency.setdefault(r["currency"], []).append(r)
    types, dated = [], []
    for code, rates in sorted(by_currency.items()):
        types.append(
            {
                "Id": sf_id("CurrencyType", code),
                "IsoCode": code,
                "ConversionRate": round(1 / rates[-1]["usd_per_unit"], 6),
                "DecimalPlaces": 2,
                "IsActive": True,
                "IsCorporate": code == CORPORATE_CURRENCY,
                "SystemModstamp": stamp(rates[0]["rate_date"]),
            }
        )
        if code == CORPORATE_CURRENCY:
            continue  # the corporate currency is always 1 and has no dated rates
        firsts = [r for r in rates if r["rate_date"].day == 1]
        for n, r in enumerate(firsts):
            following = firsts[n + 1]["rate_date"] if n + 1 < len(firsts) else date(9999, 12, 31)
            dated.append(
                {
                    "Id": sf_id("DatedConversionRate", f"{code}:{r['rate_date']}"),
                    "IsoCode": code,
                    "ConversionRate": round(1 / r["usd_per_unit"], 6),
                    "StartDate": day(r["rate_date"]),
                    "NextStartDate": day(following),
                    "SystemModstamp": stamp(min(_midnight(r["rate_date"]), cutoff)),
                }
            )
    return types, dated


def salesforce_records(config: DemoCrmConfig) -> dict[str, list[Record]]:
    """Every object's records as the org shows them at the end of ``config``'s as-of day."""
    t = {name: table.to_pylist() for name, table in generate_tables(config).items()}
    cutoff = config.cutoff - timedelta(seconds=1)
    roles, users = _roles_and_users(t)
    opps, history, field_history = _opportunities(t)
    tasks, events = _activities(t)
    currency_types, dated_rates = _currencies(t, cutoff)
    deal_ids = {d["deal_id"] for d in t["deals"]}
    return {
        "UserRole": roles,
        "User": users,
        "Account": [
            {
                "Id": sf_id("Account", a["account_id"]),
                "Name": a["account_name"],
                "Type": "Customer - Direct",
                "Industry": a["industry"],
                "BillingCountry": a["country"],
                "OwnerId": None,
                "Segment__c": a["segment"],
                "Region__c": a["region"],
                "CreatedDate": stamp(a["created_at"]),
                "LastModifiedDate": stamp(a["updated_at"]),
                "SystemModstamp": stamp(a["updated_at"]),
                "IsDeleted": a["is_deleted"],
            }
            for a in t["accounts"]
        ],
        "Contact": [
            {
                "Id": sf_id("Contact", c["contact_id"]),
                "AccountId": sf_id("Account", c["account_id"]),
                "Name": c["full_name"],
                "Email": c["email"],
                "Title": c["title"],
                "CreatedDate": stamp(c["created_at"]),
                "LastModifiedDate": stamp(c["updated_at"]),
                "SystemModstamp": stamp(c["updated_at"]),
                "IsDeleted": False,
            }
            for c in t["contacts"]
        ],
        "Lead": [
            {
                "Id": sf_id("Lead", lead["lead_id"]),
                "OwnerId": sf_id("User", lead["owner_id"]),
                "LeadSource": LEAD_SOURCE[lead["lead_source"]],
                "Status": LEAD_STATUS[lead["status"]],
                "IsConverted": lead["status"] == "converted",
                "ConvertedAccountId": sf_id("Account", lead["account_id"])
                if lead["account_id"]
                else None,
                "ConvertedOpportunityId": sf_id("Opportunity", lead["converted_deal_id"])
                if lead["converted_deal_id"] in deal_ids
                else None,
                "ConvertedDate": day(lead["converted_at"].date()) if lead["converted_at"] else None,
                "Company": None,
                "CreatedDate": stamp(lead["created_at"]),
                "LastModifiedDate": stamp(lead["updated_at"]),
                "SystemModstamp": stamp(lead["updated_at"]),
                "IsDeleted": False,
            }
            for lead in t["leads"]
        ],
        "OpportunityStage": [
            {
                "Id": sf_id("OpportunityStage", label),
                "MasterLabel": label,
                "ApiName": label,
                "DefaultProbability": float(probability),
                "IsActive": True,
                "IsClosed": closed,
                "IsWon": won,
                "SortOrder": order,
                "ForecastCategoryName": category,
                "SystemModstamp": stamp(config.start_date),
            }
            for label, probability, order, closed, won, category in STAGES
        ],
        "Opportunity": opps,
        "OpportunityHistory": history,
        "OpportunityFieldHistory": field_history,
        "Task": tasks,
        "Event": events,
        "CurrencyType": currency_types,
        "DatedConversionRate": dated_rates,
        "ForecastingQuota": [
            {
                "Id": sf_id("ForecastingQuota", q["quota_id"]),
                "QuotaOwnerId": sf_id("User", q["owner_id"]),
                "StartDate": day(q["period_start"]),
                "QuotaAmount": q["amount"],
                "CurrencyIsoCode": q["currency"],
                "IsQuantity": False,
                "ForecastingTypeId": "0Db000000000001AAA",
                "PeriodId": None,
                # entered when planned: the start of the month before the period
                "SystemModstamp": stamp(
                    min(_midnight((q["period_start"] - timedelta(days=1)).replace(day=1)), cutoff)
                ),
            }
            for q in t["quotas"]
            if q["owner_type"] == "rep" and q["period_type"] == "month"
        ],
    }


def stage_truth(config: DemoCrmConfig) -> set[tuple[str, str, datetime]]:
    """(opportunity id, stage, entered at) of every stage entry the org holds, straight from
    the demo CRM's stage history (independent of the OpportunityHistory conversion)."""
    tables = generate_tables(config)
    return {
        (sf_id("Opportunity", h["deal_id"]), STAGE_OF[h["stage_id"]], h["entered_at"])
        for h in tables["deal_stage_history"].to_pylist()
    }
