"""Pages of long lists: the page size a user picked, and cheap pages of costly rows."""

from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from kis_portal.http import int_param

PAGE_SIZES = (10, 25, 50, 100)


def page_size(request: HttpRequest, default: int = 25) -> int:
    """The `per` page size from the query string, if it is one of PAGE_SIZES."""
    size = int_param(request.GET.get("per"))
    return size if size in PAGE_SIZES else default


class RowsPaginator(Paginator):
    """Counts and slices the plain list; joins and annotations only for the page.

    A list of 250,000 usulan whose rows carry a member count (a join and a
    GROUP BY) or an EXISTS per row would otherwise count, sort and annotate
    every row to show 25 of them. Here the count and the page's LIMIT/OFFSET run
    on `object_list` as given (ordered, filtered, cheap), and `rows(qs)` adds the
    costly parts to a query restricted to that page's keys: one query either way.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        rows: Callable[[QuerySet], QuerySet] = lambda qs: qs,
        count: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows
        if count is not None:
            # Already known (e.g. the sum of the page's status counts): no COUNT query.
            self.count = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        # The filter keeps the list's ordering; `rows` must not change it.
        page_rows = self.rows(self.object_list.filter(pk__in=keys))
        return self._get_page(page_rows, number, self)
