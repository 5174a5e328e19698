"""What waits for a user on their home page.

Each pipeline app registers a provider that returns the items of its stage that
wait for the user's role (for example "12 usulan menunggu verifikasi").
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WaitingItem:
    label: str
    count: int
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class SummaryItem:
    label: str
    count: int
    url: str


Provider = Callable[[object], list[WaitingItem]]
PROVIDERS: list[Provider] = []
SUMMARY_PROVIDERS: list[Callable[[object], list[SummaryItem]]] = []


def summary_provider(func):
    """Register counts shown as cards at the top of a home page."""
    if func not in SUMMARY_PROVIDERS:
        SUMMARY_PROVIDERS.append(func)
    return func


def summary_items(user) -> list[SummaryItem]:
    items: list[SummaryItem] = []
    for provider in SUMMARY_PROVIDERS:
        items.extend(provider(user))
    return items


def home_provider(func: Provider) -> Provider:
    if func not in PROVIDERS:
        PROVIDERS.append(func)
    return func


def waiting_items(user) -> list[WaitingItem]:
    items: list[WaitingItem] = []
    for provider in PROVIDERS:
        items.extend(provider(user))
    return items
