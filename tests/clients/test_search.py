"""Search by name, phone, email and date of birth; filters; archived and erased clients hidden."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from clients.filters import parse_search_date
from clients.models import ConsentPurpose
from clients.selectors import client_list
from clients.services import client_archive, consent_record
from tests.factories import ClientFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "ada": ClientFactory(first_name="Ada", last_name="Lovelace", date_of_birth=date(1988, 4, 12),
                             phone="07700 900123", email="ada@example.com", sex="F", referral_source="GP"),
        "alan": ClientFactory(first_name="Alan", last_name="Turing", date_of_birth=date(1988, 12, 4),
                              phone="+44 161 496 0000", email="alan@bletchley.example", sex="M",
                              referral_source="parkrun flyer"),
        "grace": ClientFactory(first_name="Grace", last_name="Hopper", date_of_birth=date(1975, 1, 9),
                               phone="0113 496 0999", email="grace@navy.example", sex="F", referral_source="Google"),
    }


def names(filters):
    return sorted(c.first_name for c in client_list(filters=filters))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ada", ["Ada"]),
        ("LOVE", ["Ada"]),
        ("ada lovelace", ["Ada"]),
        ("a", ["Ada", "Alan", "Grace"]),
        ("turing alan", ["Alan"]),
        ("ada turing", []),
        ("bletchley", ["Alan"]),
        ("07700 900123", ["Ada"]),
        ("07700900123", ["Ada"]),
        ("900123", ["Ada"]),
        ("4960000", ["Alan"]),
        ("496", ["Alan", "Grace"]),
        ("+44 161 496", ["Alan"]),
        ("1988-04-12", ["Ada"]),
        ("12/04/1988", ["Ada"]),
        ("12.04.1988", ["Ada"]),
        ("04/12/1988", ["Alan"]),  # day first, as in the UK
        ("grace 09/01/1975", ["Grace"]),
        ("ada 09/01/1975", []),
        ("", ["Ada", "Alan", "Grace"]),
    ],
)
def test_search(people, q, expected):
    assert names({"q": q}) == expected


def test_parse_search_date():
    assert parse_search_date("1988-04-12") == parse_search_date("12/04/1988") == date(1988, 4, 12)
    assert parse_search_date("31/02/1988") is None
    assert parse_search_date("Ada") is None


def test_filters(people, receptionist):
    assert names({"sex": "F"}) == ["Ada", "Grace"]
    assert names({"referral_source": "PARKRUN"}) == ["Alan"]
    assert names({"sex": "F", "q": "hopper"}) == ["Grace"]
    consent_record(client=people["ada"], purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=receptionist, now=NOW)
    consent_record(client=people["grace"], purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=receptionist,
                   now=NOW)
    consent_record(client=people["grace"], purpose=ConsentPurpose.VIDEO, granted=False, recorded_by=receptionist,
                   now=NOW + timedelta(days=1))
    consent_record(client=people["alan"], purpose=ConsentPurpose.EMAIL_REPORTS, granted=True,
                   recorded_by=receptionist, now=NOW)
    # Grace withdrew: only the latest decision counts.
    assert names({"has_consent": "VIDEO"}) == ["Ada"]
    assert names({"has_consent": "EMAIL_REPORTS"}) == ["Alan"]
    consent_record(client=people["alan"], purpose=ConsentPurpose.TREATMENT, granted=False,
                   recorded_by=receptionist, now=people["alan"].created_at + timedelta(minutes=1))
    assert names({"has_consent": "TREATMENT"}) == ["Ada", "Grace"]  # the factory's intake consent


def test_archived_clients_are_hidden_unless_asked_for(people):
    client_archive(client=people["alan"], now=NOW)
    assert names({}) == ["Ada", "Grace"]
    assert names(None) == ["Ada", "Grace"]
    assert names({"archived": "false"}) == ["Ada", "Grace"]
    assert names({"archived": "true"}) == ["Alan"]
    assert names({"archived": "all"}) == ["Ada", "Alan", "Grace"]
    assert names({"q": "turing"}) == []
    assert names({"q": "turing", "archived": "all"}) == ["Alan"]


def test_erased_clients_are_never_listed(people):
    people["grace"].erased_at = NOW
    people["grace"].save()
    assert names({"archived": "all"}) == ["Ada", "Alan"]


@pytest.mark.parametrize("filters", [{"sex": "Q"}, {"archived": "maybe"}, {"has_consent": "MARKETING"}])
def test_bad_filters_are_refused_by_name(people, filters):
    with pytest.raises(ValidationError) as error:
        client_list(filters=filters)
    assert set(error.value.message_dict) == set(filters)
