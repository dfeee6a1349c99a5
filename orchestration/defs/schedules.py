"""Jobs and schedules: a weekly refresh for reps and managers, a quarterly close for
executives. Both run the whole graph (ingest, build, publish) as of one date."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.publishing import CADENCE_TAG
from orchestration.partitions import (
    quarter_start_months,
    quarterly_as_of,
    weekly_as_of,
)
from orchestration.settings import Settings

WEEKLY_JOB = "weekly_refresh"
QUARTERLY_JOB = "quarterly_close"


def build_jobs(settings: Settings) -> list[dg.UnresolvedAssetJobDefinition]:
    def job(name: str, cadence: str, description: str) -> dg.UnresolvedAssetJobDefinition:
        return dg.define_asset_job(
            name=name,
            selection=dg.AssetSelection.all(),  # partitioned by as-of date, as its assets
            executor_def=dg.in_process_executor,
            tags={CADENCE_TAG: cadence},
            description=description,
        )

    return [
        job(WEEKLY_JOB, "weekly", "Ingest, build and publish as of the previous Sunday."),
        job(QUARTERLY_JOB, "quarterly", "Ingest, build and publish quarter-close tables."),
    ]


def build_schedules(settings: Settings) -> list[dg.ScheduleDefinition]:
    months = ",".join(str(m) for m in quarter_start_months(settings.fiscal_year_start_month))

    @dg.schedule(
        name="weekly_refresh_schedule",
        job_name=WEEKLY_JOB,
        cron_schedule="0 6 * * 1",
        execution_timezone=settings.timezone,
        description="Mondays 06:00 (reporting time zone), as of the previous Sunday.",
    )
    def weekly_refresh_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        as_of = weekly_as_of(_local_tick(context, settings))
        return dg.RunRequest(
            run_key=f"weekly-{as_of.isoformat()}",
            partition_key=as_of.isoformat(),
            tags={CADENCE_TAG: "weekly"},
        )

    @dg.schedule(
        name="quarterly_close_schedule",
        job_name=QUARTERLY_JOB,
        cron_schedule=f"0 6 1 {months} *",
        execution_timezone=settings.timezone,
        description="First day of each fiscal quarter 06:00, as of the last day before it.",
    )
    def quarterly_close_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        as_of = quarterly_as_of(_local_tick(context, settings), settings.fiscal_year_start_month)
        return dg.RunRequest(
            run_key=f"quarterly-{as_of.isoformat()}",
            partition_key=as_of.isoformat(),
            tags={CADENCE_TAG: "quarterly"},
        )

    return [weekly_refresh_schedule, quarterly_close_schedule]


def _local_tick(context: dg.ScheduleEvaluationContext, settings: Settings) -> datetime:
    return context.scheduled_execution_time.astimezone(ZoneInfo(settings.timezone))
