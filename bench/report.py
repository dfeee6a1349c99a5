"""Ratios to the floor and the printed table: pure functions of the measured figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table."""

    stage: str
    seconds: float | None
    rows: int | None = None
    peak_rss_mb: float | None = None
    note: str = ""


def ratio(seconds: float | None, floor_seconds: float | None) -> float | None:
    """``seconds`` as a multiple of the floor; None when either is missing or the floor is 0."""
    if seconds is None or not floor_seconds or floor_seconds <= 0:
        return None
    return seconds / floor_seconds


def rate(rows: int | None, seconds: float | None) -> float | None:
    """Rows per second; None without rows or time."""
    if not rows or not seconds or seconds <= 0:
        return None
    return rows / seconds


def ratios(
    *,
    floor_s: float,
    dbt_s: float,
    refresh_s: float,
    fixed_s: float,
    baseline: Mapping[str, float] | None = None,
) -> dict[str, float | None]:
    """The issue's ratios. ``fixed_s`` is the refresh's wall time minus its stages;
    ``baseline`` (optional) is the same run at the smallest size, whose stage times are
    almost all fixed cost: ``{"dbt build": s, "refresh": s}``."""
    out: dict[str, float | None] = {
        "dbt_build_over_floor": ratio(dbt_s, floor_s),
        "refresh_over_floor": ratio(refresh_s, floor_s),
        "refresh_minus_fixed_over_floor": ratio(max(refresh_s - fixed_s, 0.0), floor_s),
    }
    if baseline:
        out["dbt_build_minus_small_over_floor"] = ratio(
            max(dbt_s - baseline["dbt build"], 0.0), floor_s
        )
        out["refresh_minus_small_over_floor"] = ratio(
            max(refresh_s - baseline["refresh"], 0.0), floor_s
        )
    return out


def format_ratios(computed: Mapping[str, float | None]) -> str:
    """The ratios as printed under the table, one per line."""
    return "\n".join(
        f"  {name:<36} {'n/a' if value is None else f'{value:.1f}x'}"
        for name, value in computed.items()
    )


def _fmt_seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _fmt_rate(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:.0f}"


def _fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}x"


def format_table(rows: Sequence[Row], floor_seconds: float | None) -> str:
    """A fixed-width table: stage, seconds, rows/s, ratio to the floor, peak RSS, note."""
    header = ("stage", "seconds", "rows/s", "x floor", "peak RSS", "note")
    body = [
        (
            r.stage,
            _fmt_seconds(r.seconds),
            _fmt_rate(rate(r.rows, r.seconds)),
            _fmt_ratio(ratio(r.seconds, floor_seconds)),
            "" if r.peak_rss_mb is None else f"{r.peak_rss_mb:,.0f} MB",
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    aligns = ["<", ">", ">", ">", ">", "<"]

    def render(line: Sequence[str]) -> str:
        return "  ".join(
            f"{cell:{align}{width}}"
            for cell, align, width in zip(line, aligns, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(header), rule, *(render(line) for line in body)])


def markdown_table(rows: Sequence[Row], floor_seconds: float | None) -> str:
    """The same table in Markdown (for docs/performance.md)."""
    lines = [
        "| stage | seconds | rows/s | x floor | peak RSS | note |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.stage} | {_fmt_seconds(r.seconds)} | {_fmt_rate(rate(r.rows, r.seconds))} | "
            f"{_fmt_ratio(ratio(r.seconds, floor_seconds))} | "
            f"{'' if r.peak_rss_mb is None else f'{r.peak_rss_mb:,.0f} MB'} | {r.note} |"
        )
    return "\n".join(lines)
