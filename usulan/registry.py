"""What later stages show on an usulan's page, registered by those stages.

usulan comes before them in the pipeline and never imports them: a later app
(distribusi: where each member's card is) registers a provider here from its
AppConfig.ready, as home-page items and job handlers are registered.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .models import Anggota


@dataclass(frozen=True)
class MemberLine:
    """One line under a member's BPJS status, e.g. "Kartu: Diserahkan ke desa"."""

    text: str
    muted: bool = False


MemberLineProvider = Callable[[Sequence[Anggota]], dict[int, list[MemberLine]]]
MEMBER_LINE_PROVIDERS: list[MemberLineProvider] = []


def member_line_provider(func: MemberLineProvider) -> MemberLineProvider:
    if func not in MEMBER_LINE_PROVIDERS:
        MEMBER_LINE_PROVIDERS.append(func)
    return func


def member_lines(members: Sequence[Anggota]) -> dict[int, list[MemberLine]]:
    """Every provider's lines per member id, in registration order."""
    out: dict[int, list[MemberLine]] = {}
    for provider in MEMBER_LINE_PROVIDERS:
        for member_id, lines in provider(members).items():
            out.setdefault(member_id, []).extend(lines)
    return out
