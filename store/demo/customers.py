"""Demo customers: companies (industry, size band, region, consent state), contacts, protected attributes, staff."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from faker import Faker

INDUSTRIES = {
    "electrical_installer": 0.33, "construction": 0.2, "manufacturing": 0.13, "facility_management": 0.12,
    "energy_pv": 0.13, "retail": 0.09,
}
SIZE_BANDS = {"micro": 0.4, "small": 0.32, "medium": 0.21, "large": 0.07}
REGIONS = {
    "mazowieckie": 0.15, "śląskie": 0.12, "wielkopolskie": 0.1, "małopolskie": 0.09, "dolnośląskie": 0.08,
    "łódzkie": 0.06, "pomorskie": 0.06, "kujawsko-pomorskie": 0.05, "lubelskie": 0.05, "podkarpackie": 0.05,
    "zachodniopomorskie": 0.04, "warmińsko-mazurskie": 0.03, "świętokrzyskie": 0.03, "podlaskie": 0.03,
    "lubuskie": 0.02, "opolskie": 0.02,
}
LEGAL_BASES = {"consent": 0.45, "legitimate_interest": 0.4, "none": 0.15}
CONTACT_ROLES = ["purchasing", "engineer", "owner", "site_manager", "accounting"]
NAME_PATTERNS = {
    "electrical_installer": ["{last} Elektro-Instalacje", "ELEKTRO-{LAST} s.c.", "Usługi Elektryczne {first} {last}",
                             "{city}-Elektryk Sp. z o.o.", "Instal-{last} Sp. z o.o."],
    "construction": ["{last}-Bud Sp. z o.o.", "Przedsiębiorstwo Budowlane {LAST}", "{city} Budownictwo S.A.",
                     "Bud-Mont {last} Sp.k."],
    "manufacturing": ["{last} Metal Sp. z o.o.", "Zakłady Produkcyjne {LAST} S.A.", "{last} Automatyka Sp. z o.o.",
                      "Fabryka Maszyn {city}"],
    "facility_management": ["{last} Facility Services Sp. z o.o.", "Administracja Nieruchomości {LAST}",
                            "{city} Property Management", "Zarządca {last} Sp. z o.o."],
    "energy_pv": ["{last} Solar Sp. z o.o.", "{LAST} Energia Odnawialna", "Fotowoltaika {city}",
                  "Eko-Energia {last} s.c."],
    "retail": ["Sklep Elektryczny {LAST}", "Market Budowlany {city}", "{last} Hurtownia i Sklep",
               "Dom i Ogród {last}"],
}
PL_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


@dataclass(frozen=True)
class CustomerProfile:
    """What the order simulator needs to know about a company (by its index in the companies list)."""

    index: int
    industry: str
    size_band: str
    kind: str  # active | churned | new | prospect | cold_start
    legal_basis: str
    start: datetime
    end: datetime


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    """Draw one key of ``weights`` with probability proportional to its value."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def nip(rng: random.Random) -> str:
    """Return a valid Polish NIP (10 digits, mod-11 check digit)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randint(1, 9), rng.randint(0, 9), rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def is_valid_nip(value: str) -> bool:
    """True when ``value`` is 10 digits with a correct NIP check digit."""
    if len(value) != 10 or not value.isdigit():
        return False
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    return sum(int(d) * w for d, w in zip(value[:9], weights, strict=True)) % 11 == int(value[9])


def build_customers(rng: random.Random, seed: int, anchor: datetime, n_companies: int, history_start: datetime
                    ) -> tuple[list[dict[str, Any]], list[CustomerProfile], list[list[dict[str, Any]]],
                               list[list[dict[str, Any]]]]:
    """Return (company rows, profiles, contact rows per company, protected-attribute rows per company's contacts).

    Contact and protected rows lack ``company_id``/``contact_id``; the loader fills them in after inserting."""
    fake = Faker("pl_PL")
    fake.seed_instance(seed)
    companies, profiles, contacts, protected = [], [], [], []
    for i in range(n_companies):
        industry, size = pick(rng, INDUSTRIES), pick(rng, SIZE_BANDS)
        roll = rng.random()
        kind = ("cold_start" if roll < 0.055 else "prospect" if roll < 0.085 else "churned" if roll < 0.13
                else "new" if roll < 0.17 else "active")
        start = history_start + timedelta(days=rng.randint(0, 60))
        end = anchor
        if kind == "churned":
            end = anchor - timedelta(days=rng.randint(150, 330))
        elif kind == "new":
            start = anchor - timedelta(days=rng.randint(40, 120))
        elif kind in ("cold_start", "prospect"):
            start = anchor - timedelta(days=rng.randint(3, 60))
        basis = pick(rng, LEGAL_BASES)
        last, first, city = fake.last_name(), fake.first_name(), fake.city()
        name = rng.choice(NAME_PATTERNS[industry]).format(last=last, LAST=last.upper(), first=first, city=city)
        domain = "".join(ch for ch in last.lower().translate(PL_ASCII) if ch.isalnum()) + rng.choice(
            [".pl", ".com.pl", "-elektro.pl", ".eu"])
        consent = basis == "consent" or (basis == "legitimate_interest" and rng.random() < 0.3)
        companies.append({
            "external_id": f"DEMO-C{i + 1:04d}",
            "name": name,
            "industry": industry,
            "size_band": size,
            "region": pick(rng, REGIONS),
            "country": "Poland",
            "funnel_stage": {"cold_start": "lead", "prospect": "prospect", "churned": "churned",
                             "new": "onboarding", "active": "customer"}[kind],
            "marketing_consent": consent,
            "behaviour_legal_basis": basis,
            "profiling_opt_out": rng.random() < 0.03,
            "nip": nip(rng),
            "consent_recorded_at": (start - timedelta(days=rng.randint(0, 30))) if consent else None,
            "source": "demo",
            "created_at": start - timedelta(days=rng.randint(1, 90)) if kind not in ("cold_start",) else start,
        })
        profiles.append(CustomerProfile(i, industry, size, kind, basis, start, end))
        n_contacts = {"micro": 1, "small": 2, "medium": 3, "large": 4}[size] + rng.randint(0, 1)
        rows, prot = [], []
        for j in range(n_contacts):
            female = rng.random() < 0.35
            first_c = fake.first_name_female() if female else fake.first_name_male()
            last_c = fake.last_name_female() if female else fake.last_name_male()
            local = f"{first_c}.{last_c}".lower().translate(PL_ASCII)
            role = "owner" if j == 0 and size in ("micro", "small") else rng.choice(CONTACT_ROLES)
            rows.append({
                "role": role, "full_name": f"{first_c} {last_c}", "email": f"{local}@{domain}",
                "phone": f"+48 {rng.choice('5678')}{rng.randint(10, 99)} {rng.randint(100, 999)} "
                         f"{rng.randint(100, 999)}",
                "created_at": companies[-1]["created_at"],
            })
            prot.append({
                "gender": "female" if female else "male",
                "age_band": rng.choices(["18-29", "30-44", "45-59", "60+"], weights=[2, 4, 3, 1])[0],
                "nationality": rng.choices(["Polish", "Ukrainian", "German", "Belarusian"],
                                           weights=[90, 6, 2, 2])[0],
            })
        contacts.append(rows)
        protected.append(prot)
    return companies, profiles, contacts, protected


STAFF = [
    {"username": "m.nowak", "full_name": "Marta Nowak", "role": "sales"},
    {"username": "p.kowalczyk", "full_name": "Piotr Kowalczyk", "role": "sales"},
    {"username": "a.wisniewska", "full_name": "Agnieszka Wiśniewska", "role": "sales"},
    {"username": "admin", "full_name": "Shop administrator", "role": "admin"},
]
"""Demo staff users (sales reps approve price changes; admin sees everything)."""
