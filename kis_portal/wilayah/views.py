from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kis_portal.roles import STAFF_ROLES, Role, operator_desa_id, role_required
from kis_portal.search import search_data, search_redirect

from .access import desa_for_user, get_desa_for_user
from .filters import DesaFilter
from .selectors import kecamatan_with_counts


@role_required(*STAFF_ROLES)
def kecamatan_list(request: HttpRequest) -> HttpResponse:
    if hidden := search_redirect(request):
        return hidden
    desa_filter = DesaFilter(search_data(request), queryset=desa_for_user(request.user))
    page = None
    if desa_filter.is_bound and desa_filter.is_valid():
        page = Paginator(desa_filter.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "wilayah/kecamatan_list.html",
        {
            "kecamatan_list": kecamatan_with_counts(),
            "filter": desa_filter,
            "page_obj": page,
        },
    )


# Every role bound to the regency or to the desa; not a faskes user, who has no
# business with a desa's operators and their contacts.
@role_required(Role.OPERATOR_DESA, *STAFF_ROLES)
def desa_detail(request: HttpRequest, kode: str) -> HttpResponse:
    desa = get_desa_for_user(request.user, kode)
    operators = desa.operator_profiles.select_related("user").filter(
        user__is_active=True
    )
    return render(
        request, "wilayah/desa_detail.html", {"desa": desa, "operators": operators}
    )


@role_required(Role.OPERATOR_DESA)
def my_desa(request: HttpRequest) -> HttpResponse:
    desa = desa_for_user(request.user).filter(pk=operator_desa_id(request.user)).first()
    if desa is None:
        return render(request, "accounts/home/no_role.html", status=403)
    return redirect(desa)
