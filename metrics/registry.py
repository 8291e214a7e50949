"""All metric definitions, by code, in an order that respects their dependencies."""

from __future__ import annotations

from collections.abc import Iterable

from metrics.definitions.base import Metric


def all_metrics() -> list[Metric]:
    from metrics.definitions import permanency, safety, service, wellbeing

    return [*safety.METRICS, *wellbeing.METRICS, *permanency.METRICS, *service.METRICS]


def get(code: str) -> Metric:
    for metric in all_metrics():
        if metric.code == code:
            return metric
    raise KeyError(f"unknown metric {code}")


def ordered_metrics(codes: Iterable[str] | None = None, present_files: set[str] | None = None) -> list[Metric]:
    """The chosen metrics plus what they depend on, dependencies first; metrics whose optional
    input file is absent are left out (section 7.3)."""
    every = {m.code: m for m in all_metrics()}
    wanted = list(codes) if codes else list(every)
    out: list[Metric] = []

    def add(code: str) -> None:
        metric = every[code]
        for dep in metric.depends_on:
            add(dep)
        if metric not in out:
            out.append(metric)

    for code in wanted:
        if code not in every:
            raise KeyError(f"unknown metric {code}")
        add(code)
    if present_files is not None:
        out = [m for m in out if all(f in present_files for f in m.requires_files)]
    return out
