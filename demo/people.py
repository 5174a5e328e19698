"""Deterministic, realistic demo people: Balinese names and valid Buleleng NIKs.

Used by seed_demo, the tests that want realistic data and the benchmarks. The
same seed always gives the same people.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

MALE_PREFIX = [
    "I Putu",
    "I Made",
    "I Kadek",
    "I Nyoman",
    "I Komang",
    "I Ketut",
    "I Gede",
    "I Wayan",
]
FEMALE_PREFIX = [
    "Ni Putu",
    "Ni Made",
    "Ni Kadek",
    "Ni Nyoman",
    "Ni Komang",
    "Ni Ketut",
    "Ni Luh",
    "Ni Wayan",
]
GIVEN = [
    "Suardana",
    "Wirawan",
    "Suparta",
    "Arsana",
    "Budiarta",
    "Sudarsana",
    "Mertayasa",
    "Astawa",
    "Sutama",
    "Widiastuti",
    "Ariani",
    "Yuliani",
    "Suarjana",
    "Sudiarta",
    "Kariasa",
    "Darmawan",
    "Sukerti",
    "Rusmini",
    "Suartini",
    "Wardana",
    "Adnyana",
    "Juliantara",
    "Sriasih",
    "Dewi",
]
TEMPAT = ["BULELENG", "SINGARAJA", "SERIRIT", "SAWAN", "BANJAR", "TEJAKULA"]


@dataclass
class Person:
    nik: str
    nama: str
    tempat_lahir: str
    tanggal_lahir: datetime.date
    jenis_kelamin: str
    shdk: str
    status_kawin: str


@dataclass
class Household:
    no_kk: str
    alamat: str
    rt: str
    rw: str
    members: list[Person] = field(default_factory=list)


def nik_for(prefix6: str, birth: datetime.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return (
        f"{prefix6}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 10000:04d}"
    )


def kk_for(prefix6: str, entered: datetime.date, serial: int) -> str:
    return f"{prefix6}{entered.day:02d}{entered.month:02d}{entered.year % 100:02d}{serial % 10000:04d}"


class PeopleFactory:
    """Households for one kecamatan (NIK prefix), with unique serials."""

    def __init__(self, prefix6: str, *, seed: int = 1) -> None:
        self.prefix6 = prefix6
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.serial = seed * 1000

    def _birth(self, low: int, high: int) -> datetime.date:
        year = timezone.localdate().year - self.rng.randint(low, high)
        return datetime.date(year, 1, 1) + datetime.timedelta(
            days=self.rng.randint(0, 364)
        )

    def _person(self, sex: str, shdk: str, kawin: str, age: tuple[int, int]) -> Person:
        self.serial += 1
        birth = self._birth(*age)
        prefix = self.rng.choice(MALE_PREFIX if sex == "L" else FEMALE_PREFIX)
        return Person(
            nik=nik_for(self.prefix6, birth, sex, self.serial),
            nama=f"{prefix} {self.rng.choice(GIVEN)}".upper(),
            tempat_lahir=self.rng.choice(TEMPAT),
            tanggal_lahir=birth,
            jenis_kelamin=sex,
            shdk=shdk,
            status_kawin=kawin,
        )

    def household(self, size: int = 3) -> Household:
        self.serial += 1
        entered = datetime.date(2015, 1, 1) + datetime.timedelta(
            days=self.rng.randint(0, 3000)
        )
        home = Household(
            no_kk=kk_for(self.prefix6, entered, self.serial),
            alamat=f"BANJAR DINAS {self.rng.choice(['KAJA', 'KELOD', 'KANGIN', 'KAUH'])}",
            rt=f"{self.rng.randint(1, 9):03d}",
            rw=f"{self.rng.randint(1, 5):03d}",
        )
        home.members.append(self._person("L", "1", "2", (35, 70)))
        if size > 1:
            home.members.append(self._person("P", "3", "2", (30, 65)))
        for _ in range(max(0, size - 2)):
            home.members.append(self._person(self.rng.choice("LP"), "4", "1", (1, 25)))
        return home
