"""The pagination nav's tag: one nav for Django's pages and RowsPaginator's."""

from django import template
from django.core.paginator import Page

from kis_portal.pagination import PageNav, page_nav

register = template.Library()


@register.simple_tag
def nav_of(page: Page) -> PageNav:
    """`{% nav_of page_obj as nav %}`: positions, totals and link targets."""
    return page_nav(page)
