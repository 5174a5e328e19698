"""The menu each role sees. Apps add their entries here as they land."""

from dataclasses import dataclass

from django.urls import reverse

from kis_portal.roles import STAFF_ROLES, Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    # An OfficeProfile flag the entry needs (office differences are configuration):
    # the entry is hidden for an office whose profile does not turn it on.
    needs: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES = frozenset(Role)

MENU: list[NavItem] = [
    NavItem("Beranda", "home", ALL_ROLES),
    NavItem("Loket", "usulan:loket_create", frozenset({Role.LOKET})),
    NavItem("Pasien darurat", "usulan:darurat_list", frozenset({Role.FASKES})),
    NavItem(
        "Usulan",
        "usulan:list",
        frozenset(
            {Role.OPERATOR_DESA, Role.LOKET, Role.VERIFIKATOR, Role.KADIS, Role.REKAP}
            | {Role.DISTRIBUSI, Role.ADMIN}
        ),
    ),
    NavItem("Pengajuan", "usulan:pengajuan_list", frozenset({Role.OPERATOR_DESA})),
    NavItem("Verifikasi", "verifikasi:queue", frozenset({Role.VERIFIKATOR})),
    NavItem("Cek lapangan", "verifikasi:lapangan_list", frozenset({Role.LAPANGAN})),
    NavItem("Persetujuan", "verifikasi:approval_list", frozenset({Role.KADIS})),
    NavItem(
        "SK penetapan",
        "verifikasi:sk_list",
        frozenset({Role.KADIS, Role.ADMIN}),
        needs="sk_penetapan",
    ),
    NavItem(
        "Rekap BPJS", "rekap_bpjs:list", frozenset({Role.REKAP, Role.ADMIN, Role.KADIS})
    ),
    NavItem(
        "Kartu",
        "distribusi:list",
        frozenset({Role.DISTRIBUSI, Role.ADMIN, Role.KADIS, Role.REKAP}),
    ),
    NavItem("Terima kartu", "distribusi:terima", frozenset({Role.DISTRIBUSI})),
    NavItem(
        "Serah terima", "distribusi:serah_terima_list", frozenset({Role.DISTRIBUSI})
    ),
    NavItem("Kartu warga", "distribusi:desa", frozenset({Role.OPERATOR_DESA})),
    NavItem("Dasbor", "laporan:dasbor", frozenset(STAFF_ROLES)),
    NavItem("Pesan", "notifikasi:inbox", frozenset({Role.OPERATOR_DESA})),
    NavItem("Pesan keluar", "notifikasi:keluar", frozenset({Role.ADMIN})),
    NavItem(
        "Pengaduan",
        "pengaduan:list",
        frozenset(
            {Role.OPERATOR_DESA, Role.LOKET, Role.VERIFIKATOR, Role.REKAP}
            | {Role.DISTRIBUSI, Role.ADMIN, Role.KADIS}
        ),
    ),
    NavItem(
        "Buku tamu",
        "pengaduan:buku_tamu",
        frozenset({Role.LOKET, Role.ADMIN, Role.KADIS}),
    ),
    NavItem("DTKS", "dtks:upload", frozenset({Role.REKAP, Role.ADMIN})),
    NavItem("Cek DTKS", "dtks:search", frozenset({Role.VERIFIKATOR})),
    NavItem("Wilayah", "wilayah:kecamatan_list", frozenset(STAFF_ROLES)),
    NavItem("Desa saya", "wilayah:my_desa", frozenset({Role.OPERATOR_DESA})),
    # A faskes user starts no export or import: no background jobs to follow.
    NavItem("Tugas", "jobs:list", ALL_ROLES - {Role.FASKES}),
    NavItem("Audit", "audit:list", frozenset({Role.ADMIN})),
    NavItem("Pengguna", "accounts:user_list", frozenset({Role.ADMIN})),
    NavItem("Admin", "admin:index", frozenset({Role.ADMIN})),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


def menu_for(user, profile=None) -> list[NavItem]:
    """The entries of the user's roles that the office's profile turns on."""
    roles = user_roles(user)
    return [
        item
        for item in MENU
        if item.roles & roles
        and (not item.needs or bool(getattr(profile, item.needs, False)))
    ]


def links_for(user, profile, path: str) -> list[NavLink]:
    """The menu as the page shows it: each URL reversed once, the current one marked."""
    links = []
    for item in menu_for(user, profile):
        url = item.url
        links.append(NavLink(item.label, url, url == path))
    return links
