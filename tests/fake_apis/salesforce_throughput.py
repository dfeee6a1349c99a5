"""Records/s of a full Salesforce load against the fake API, at the connector's default
rate limit and batch size (docs/connectors/salesforce.md quotes the figures).

    PYTHONPATH=. .venv/bin/python -m tests.fake_apis.salesforce_throughput --size 2000 [--faults]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2000, help="demo CRM deals over 4 years")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2027, 12, 31))
    parser.add_argument("--faults", action="store_true", help="Faults.realistic()")
    args = parser.parse_args()
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")

    import dlt

    from ingestion.demo_crm import DemoCrmConfig
    from ingestion.salesforce.source import DATASET_NAME, salesforce_source
    from tests.fake_apis.salesforce import FakeSalesforce
    from tests.fake_apis.server import FakeServer, Faults

    api = FakeSalesforce(
        world=DemoCrmConfig(size=args.size, as_of=args.as_of),
        faults=Faults.realistic() if args.faults else Faults(),
    )
    records = sum(len(v) for v in api.objects.values())
    with tempfile.TemporaryDirectory() as tmp, FakeServer(api) as server:
        pipeline = dlt.pipeline(
            pipeline_name="salesforce_throughput",
            pipelines_dir=str(Path(tmp) / "pipelines"),
            destination=dlt.destinations.duckdb(str(Path(tmp) / "warehouse.duckdb")),
            dataset_name=DATASET_NAME,
        )
        start = time.perf_counter()
        pipeline.run(salesforce_source(base_url=server.base_url, api_token=api.token))
        seconds = time.perf_counter() - start
    statuses = sorted({r.status for r in api.requests})
    faults = "on" if args.faults else "off"
    print(
        f"{records} records in {seconds:.1f} s = {records / seconds:,.0f} records/s; "
        f"{len(api.requests)} requests (statuses {statuses}), faults {faults}"
    )


if __name__ == "__main__":
    main()
