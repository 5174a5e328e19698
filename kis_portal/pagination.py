"""Pages of long lists: the page size a user picked, and cheap pages of costly rows."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from kis_portal.http import int_param

PAGE_SIZES = (10, 25, 50, 100)
# Past this many rows a list says "lebih dari 10.000 data" instead of counting
# them all: counting a queue of 200,000 costs as much as ten pages.
COUNT_CAP = 10_000


def page_size(request: HttpRequest, default: int = 25) -> int:
    """The `per` page size from the query string, if it is one of PAGE_SIZES."""
    size = int_param(request.GET.get("per"))
    return size if size in PAGE_SIZES else default


def page_number(value: str | None) -> int:
    """The `page` parameter: n counts from the first page, -n from the last; else 1."""
    text = (value or "").strip()
    if text.startswith("-"):
        number = int_param(text[1:])
        return -number if number else 1
    return int_param(text) or 1


class RowsPage(Page):
    """A page that may count from the list's end, in a list not counted to its end.

    `number` is negative for a page counted from the end (-1 is the last) when the
    list is longer than the cap; the nav then names it from the end.
    """

    def __init__(self, object_list, number, paginator, *, after: bool, before: bool):
        super().__init__(object_list, number, paginator)
        self._after, self._before = after, before

    def has_next(self) -> bool:
        return self._after

    def has_previous(self) -> bool:
        return self._before

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1 if self.number != 1 else 1


class RowsPaginator(Paginator):
    """Counts and slices the plain list; joins and annotations only for the page.

    A list of 250,000 usulan whose rows carry a member count (a join and a
    GROUP BY) or an EXISTS per row would otherwise count, sort and annotate
    every row to show 25 of them. Here the count and the page's LIMIT/OFFSET run
    on `object_list` as given (ordered, filtered, cheap), and `rows(qs)` adds the
    costly parts to a query restricted to that page's keys: one query either way.

    The cost of a page does not grow with the list: the count stops at
    COUNT_CAP + 1 rows, and a page nearer the end is read from the end (the
    index walked backwards, a small OFFSET), its rows then put back in the list's
    order. Past the cap the list is paged from either end (`page=-1` is the last
    page); a page number further in than the cap's pages from the start is still
    served, after an exact count. `object_list` must be ordered on a unique key.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        rows: Callable[[QuerySet], QuerySet] = lambda qs: qs,
        count: int | None = None,
        cap: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows
        self.cap = COUNT_CAP if cap is None else cap
        self.capped = False
        if count is not None:
            # Already known (e.g. the sum of the page's status counts): no COUNT query.
            self.count = count

    def get_page(self, number) -> RowsPage:
        """The page `number` ("3", "-1", junk): always a page, as Django's get_page."""
        wanted = page_number(None if number is None else str(number))
        # Pages sure to exist at either end of a list past the cap (none when a
        # page holds more than the cap: then the count is exact).
        reach = self.cap // self.per_page
        if "count" not in self.__dict__:
            if abs(wanted) > reach:
                self.count = self.object_list.count()
            else:
                # Counts at most cap + 1 keys (a LIMIT in a subquery).
                capped = self.object_list.order_by().values("pk")[: self.cap + 1]
                self.count = capped.count()
                self.capped = self.count > self.cap
        if self.capped:
            return self._page_of_long_list(wanted)
        if wanted < 0:
            wanted = max(1, self.num_pages + 1 + wanted)
        return self.page(min(wanted, self.num_pages))

    def page(self, number) -> RowsPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if number > (self.num_pages + 1) // 2:
            # From the end: the same rows with a small OFFSET.
            keys = self.object_list.reverse().values("pk")
            keys = keys[self.count - top : self.count - bottom]
        else:
            keys = self.object_list.values("pk")[bottom:top]
        return RowsPage(
            self._rows_of(keys),
            number,
            self,
            after=number < self.num_pages,
            before=number > 1,
        )

    def _page_of_long_list(self, number: int) -> RowsPage:
        """A page within the cap's reach of either end of a list past the cap."""
        per = self.per_page
        if number > 0:
            keys = self.object_list.values("pk")[(number - 1) * per : number * per]
        else:
            keys = self.object_list.reverse().values("pk")
            keys = keys[(-number - 1) * per : -number * per]
        # More than `cap` rows: a page within `reach` of one end has rows beyond it.
        return RowsPage(
            self._rows_of(keys), number, self, after=number != -1, before=number != 1
        )

    def _rows_of(self, keys: QuerySet) -> QuerySet:
        # The filter keeps the list's ordering; `rows` must not change it.
        return self.rows(self.object_list.filter(pk__in=keys))


@dataclass(frozen=True)
class PageNav:
    """What the pagination nav shows, for Django's pages and RowsPaginator's alike."""

    many: bool  # more than one page: the links are shown
    position: str  # "3 / 12", "Halaman 3", "Halaman terakhir"
    total: str  # "1.234 data", "lebih dari 10.000 data"
    count_over_ten: bool  # a page size choice is worth showing
    first: int | None  # the `page` value of each link, None when not shown
    previous: int | None
    next: int | None
    last: int | None


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def page_nav(page: Page) -> PageNav:
    """The nav of `page`: numbered "n / m" when counted, else named from its end."""
    paginator = page.paginator
    previous = page.previous_page_number() if page.has_previous() else None
    following = page.next_page_number() if page.has_next() else None
    if getattr(paginator, "capped", False):
        number = page.number
        if number > 0:
            position = f"Halaman {number}"
        elif number == -1:
            position = "Halaman terakhir"
        else:
            position = f"Halaman ke-{-number} dari akhir"
        return PageNav(
            many=True,
            position=position,
            total=f"lebih dari {_thousands(paginator.cap)} data",
            count_over_ten=True,
            first=1 if previous is not None else None,
            previous=previous,
            next=following,
            last=-1 if following is not None else None,
        )
    return PageNav(
        many=paginator.num_pages > 1,
        position=f"{page.number} / {paginator.num_pages}",
        total=f"{paginator.count} data",
        count_over_ten=paginator.count > 10,
        first=1 if previous is not None else None,
        previous=previous,
        next=following,
        last=paginator.num_pages if following is not None else None,
    )
