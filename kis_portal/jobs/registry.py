"""Job handlers by kind. Apps register theirs in their own `jobs.py`."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobHandler:
    kind: str
    label: str
    func: Callable
    # params -> (link text, URL) of the page the job belongs to (a batch, a list):
    # the job page leads back there.
    back: Callable[[dict], tuple[str, str] | None] | None = None


HANDLERS: dict[str, JobHandler] = {}


def job_handler(
    kind: str,
    *,
    label: str,
    back: Callable[[dict], tuple[str, str] | None] | None = None,
) -> Callable:
    """Register `func(ctx, **params)` as the handler of jobs of `kind`."""

    def decorator(func: Callable) -> Callable:
        if kind in HANDLERS and HANDLERS[kind].func is not func:
            raise ValueError(f"job kind {kind!r} registered twice")
        HANDLERS[kind] = JobHandler(kind=kind, label=label, func=func, back=back)
        return func

    return decorator


def job_back_link(kind: str, params: dict) -> tuple[str, str] | None:
    """Where the job page leads back to, if its kind says so."""
    handler = HANDLERS.get(kind)
    if handler is None or handler.back is None:
        return None
    try:
        return handler.back(params or {})
    except (KeyError, ValueError):  # an old job's params: no link rather than a 500
        return None
