"""The Salesforce objects the connector reads: fields, their types, and how each is synced.

Each ``SObject`` becomes one dlt resource named after the raw table it lands
(``raw_salesforce.<table>``), merged on ``Id``. Field types are declared so every page
becomes a typed Arrow table (and an object with no rows still lands typed columns).

>>> OPPORTUNITY.soql_fields(multi_currency=False)[:3]
('Id', 'Name', 'AccountId')
>>> "CurrencyIsoCode" in OPPORTUNITY.soql_fields(multi_currency=True)
True
"""

from __future__ import annotations

from dataclasses import dataclass

# Field types: the Arrow type each JSON value is converted to (see pages.py).
ID, TEXT, DATETIME, DATE = "id", "text", "datetime", "date"
DOUBLE, INT, BOOL = "double", "int", "bool"

# Fields that exist only in orgs with multiple currencies enabled.
MULTI_CURRENCY_FIELDS = frozenset({"CurrencyIsoCode"})


@dataclass(frozen=True)
class SObject:
    """One Salesforce object and how it is synced.

    ``cursor`` is the modification-time field the incremental query filters and orders on.
    ``include_deleted`` reads through ``queryAll`` so deleted records (the recycle bin)
    arrive with ``IsDeleted = true`` and replace the live version by merge. ``optional``
    objects may not exist in an org (feature not enabled): Salesforce answers 400
    ``INVALID_TYPE`` and the resource loads nothing. ``where`` is a fixed extra filter.
    """

    name: str
    table: str
    fields: tuple[tuple[str, str], ...]
    cursor: str = "SystemModstamp"
    include_deleted: bool = False
    optional: bool = False
    multi_currency_only: bool = False
    where: str | None = None

    def soql_fields(self, multi_currency: bool, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
        names = [
            name for name, _ in self.fields if multi_currency or name not in MULTI_CURRENCY_FIELDS
        ]
        if self.include_deleted:
            names.append("IsDeleted")
        return tuple(names) + tuple(f for f in extra if f not in names)

    def field_types(self, extra: tuple[str, ...] = ()) -> dict[str, str]:
        types = dict(self.fields)
        if self.include_deleted:
            types["IsDeleted"] = BOOL
        for field in extra:
            types.setdefault(field, TEXT)
        return types


OPPORTUNITY = SObject(
    "Opportunity",
    "opportunities",
    (
        ("Id", ID),
        ("Name", TEXT),
        ("AccountId", ID),
        ("OwnerId", ID),
        ("StageName", TEXT),
        ("Amount", DOUBLE),
        ("CurrencyIsoCode", TEXT),
        ("Probability", DOUBLE),
        ("CloseDate", DATE),
        ("IsClosed", BOOL),
        ("IsWon", BOOL),
        ("ForecastCategoryName", TEXT),
        ("LeadSource", TEXT),
        ("Type", TEXT),
        ("CreatedDate", DATETIME),
        ("LastModifiedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
    include_deleted=True,
)

OPPORTUNITY_HISTORY = SObject(
    "OpportunityHistory",
    "opportunity_history",
    (
        ("Id", ID),
        ("OpportunityId", ID),
        ("StageName", TEXT),
        ("Amount", DOUBLE),
        ("Probability", DOUBLE),
        ("CloseDate", DATE),
        ("ForecastCategory", TEXT),
        ("CreatedById", ID),
        ("CreatedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
    include_deleted=True,
)

# Field history rows have no SystemModstamp: they are immutable, so CreatedDate is the cursor.
OPPORTUNITY_FIELD_HISTORY = SObject(
    "OpportunityFieldHistory",
    "opportunity_field_history",
    (
        ("Id", ID),
        ("OpportunityId", ID),
        ("Field", TEXT),
        ("OldValue", TEXT),
        ("NewValue", TEXT),
        ("CreatedById", ID),
        ("CreatedDate", DATETIME),
    ),
    cursor="CreatedDate",
    include_deleted=True,
    where="Field = 'StageName'",
)

OPPORTUNITY_STAGE = SObject(
    "OpportunityStage",
    "opportunity_stages",
    (
        ("Id", ID),
        ("MasterLabel", TEXT),
        ("ApiName", TEXT),
        ("DefaultProbability", DOUBLE),
        ("IsActive", BOOL),
        ("IsClosed", BOOL),
        ("IsWon", BOOL),
        ("SortOrder", INT),
        ("ForecastCategoryName", TEXT),
        ("SystemModstamp", DATETIME),
    ),
)

USER = SObject(
    "User",
    "users",
    (
        ("Id", ID),
        ("Name", TEXT),
        ("Email", TEXT),
        ("UserRoleId", ID),
        ("ManagerId", ID),
        ("IsActive", BOOL),
        ("Division", TEXT),
        ("Title", TEXT),
        ("UserType", TEXT),
        ("CreatedDate", DATETIME),
        ("LastModifiedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
)

USER_ROLE = SObject(
    "UserRole",
    "user_roles",
    (
        ("Id", ID),
        ("Name", TEXT),
        ("DeveloperName", TEXT),
        ("ParentRoleId", ID),
        ("ForecastUserId", ID),
        ("SystemModstamp", DATETIME),
    ),
)

ACCOUNT = SObject(
    "Account",
    "accounts",
    (
        ("Id", ID),
        ("Name", TEXT),
        ("Type", TEXT),
        ("Industry", TEXT),
        ("BillingCountry", TEXT),
        ("OwnerId", ID),
        ("CreatedDate", DATETIME),
        ("LastModifiedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
    include_deleted=True,
)

CONTACT = SObject(
    "Contact",
    "contacts",
    (
        ("Id", ID),
        ("AccountId", ID),
        ("Name", TEXT),
        ("Email", TEXT),
        ("Title", TEXT),
        ("CreatedDate", DATETIME),
        ("LastModifiedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
    include_deleted=True,
)

LEAD = SObject(
    "Lead",
    "leads",
    (
        ("Id", ID),
        ("OwnerId", ID),
        ("LeadSource", TEXT),
        ("Status", TEXT),
        ("IsConverted", BOOL),
        ("ConvertedAccountId", ID),
        ("ConvertedOpportunityId", ID),
        ("ConvertedDate", DATE),
        ("Company", TEXT),
        ("CreatedDate", DATETIME),
        ("LastModifiedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
    include_deleted=True,
)

TASK = SObject(
    "Task",
    "tasks",
    (
        ("Id", ID),
        ("OwnerId", ID),
        ("WhatId", ID),
        ("WhoId", ID),
        ("AccountId", ID),
        ("Subject", TEXT),
        ("Type", TEXT),
        ("TaskSubtype", TEXT),
        ("Status", TEXT),
        ("ActivityDate", DATE),
        ("CompletedDateTime", DATETIME),
        ("CallDurationInSeconds", INT),
        ("CreatedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
    include_deleted=True,
)

EVENT = SObject(
    "Event",
    "events",
    (
        ("Id", ID),
        ("OwnerId", ID),
        ("WhatId", ID),
        ("WhoId", ID),
        ("AccountId", ID),
        ("Subject", TEXT),
        ("Type", TEXT),
        ("EventSubtype", TEXT),
        ("StartDateTime", DATETIME),
        ("EndDateTime", DATETIME),
        ("DurationInMinutes", INT),
        ("CreatedDate", DATETIME),
        ("SystemModstamp", DATETIME),
    ),
    include_deleted=True,
)

# Multi-currency orgs only: static rates, and dated rates (advanced currency management).
CURRENCY_TYPE = SObject(
    "CurrencyType",
    "currency_types",
    (
        ("Id", ID),
        ("IsoCode", TEXT),
        ("ConversionRate", DOUBLE),
        ("DecimalPlaces", INT),
        ("IsActive", BOOL),
        ("IsCorporate", BOOL),
        ("SystemModstamp", DATETIME),
    ),
    optional=True,
    multi_currency_only=True,
)

DATED_CONVERSION_RATE = SObject(
    "DatedConversionRate",
    "dated_conversion_rates",
    (
        ("Id", ID),
        ("IsoCode", TEXT),
        ("ConversionRate", DOUBLE),
        ("StartDate", DATE),
        ("NextStartDate", DATE),
        ("SystemModstamp", DATETIME),
    ),
    optional=True,
    multi_currency_only=True,
)

# Collaborative Forecasts only.
FORECASTING_QUOTA = SObject(
    "ForecastingQuota",
    "forecasting_quotas",
    (
        ("Id", ID),
        ("QuotaOwnerId", ID),
        ("StartDate", DATE),
        ("QuotaAmount", DOUBLE),
        ("CurrencyIsoCode", TEXT),
        ("IsQuantity", BOOL),
        ("ForecastingTypeId", ID),
        ("PeriodId", ID),
        ("SystemModstamp", DATETIME),
    ),
    optional=True,
)

SOBJECTS: tuple[SObject, ...] = (
    USER_ROLE,
    USER,
    ACCOUNT,
    CONTACT,
    LEAD,
    OPPORTUNITY_STAGE,
    OPPORTUNITY,
    OPPORTUNITY_HISTORY,
    OPPORTUNITY_FIELD_HISTORY,
    TASK,
    EVENT,
    CURRENCY_TYPE,
    DATED_CONVERSION_RATE,
    FORECASTING_QUOTA,
)
