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


Provider = Callable[[object], list[WaitingItem]]
PROVIDERS: list[Provider] = []


def home_provider(func: Provider) -> Provider:
    if func not in PROVIDERS:
        PROVIDERS.append(func)
    return func


def waiting_items(user) -> list[WaitingItem]:
    items: list[WaitingItem] = []
    for provider in PROVIDERS:
        items.extend(provider(user))
    return items
