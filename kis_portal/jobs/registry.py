"""Job handlers by kind. Apps register theirs in their own `jobs.py`."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobHandler:
    kind: str
    label: str
    func: Callable


HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str, *, label: str) -> Callable:
    """Register `func(ctx, **params)` as the handler of jobs of `kind`."""

    def decorator(func: Callable) -> Callable:
        if kind in HANDLERS and HANDLERS[kind].func is not func:
            raise ValueError(f"job kind {kind!r} registered twice")
        HANDLERS[kind] = JobHandler(kind=kind, label=label, func=func)
        return func

    return decorator
