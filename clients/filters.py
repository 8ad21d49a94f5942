"""The client list's filters, used inside `selectors.client_list` (pages and API alike)."""

from __future__ import annotations

import re
from datetime import date, datetime

import django_filters
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Replace

from .models import Client, Consent, ConsentPurpose, Sex

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{4,}$")


def parse_search_date(term: str) -> date | None:
    """A date typed as 1988-04-12, 12/04/1988, 12.04.1988 or 12-04-1988 (day first)."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(term, fmt).date()
        except ValueError:
            continue
    return None


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_digits_expression():
    """The stored phone number without the usual separators (portable: no regex in SQL)."""
    expression = "phone"
    for separator in (" ", "-", "(", ")", ".", "+"):
        expression = Replace(expression, Value(separator), Value(""), output_field=CharField())
    return expression


def search_clients(queryset: QuerySet[Client], search: str) -> QuerySet[Client]:
    """Every word must match the name, email or phone; a date matches the date of birth."""
    search = (search or "").strip()
    if not search:
        return queryset
    whole_date = parse_search_date(search)
    if whole_date:
        return queryset.filter(date_of_birth=whole_date)
    if _PHONE_LIKE.match(search) and len(_digits(search)) >= 4:
        return queryset.alias(phone_digits=phone_digits_expression()).filter(
            phone_digits__contains=_digits(search)
        )
    for term in search.split():
        term_date = parse_search_date(term)
        if term_date:
            queryset = queryset.filter(date_of_birth=term_date)
            continue
        queryset = queryset.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
        )
    return queryset


def current_consent_subquery(purpose: str, client_ref: str = "pk"):
    """The `granted` flag of the client's latest consent row for `purpose` (None if never asked);
    `client_ref` names the outer query's client id (e.g. "client_id" for appointments)."""
    latest = Consent.objects.filter(client=OuterRef(client_ref), purpose=purpose).order_by("-recorded_at", "-id")
    return Subquery(latest.values("granted")[:1])


class ClientFilter(django_filters.FilterSet):
    ARCHIVED_CHOICES = (("false", "Active clients"), ("true", "Archived clients"), ("all", "Active and archived"))

    q = django_filters.CharFilter(method="filter_search", label="Search")
    archived = django_filters.ChoiceFilter(
        choices=ARCHIVED_CHOICES, method="filter_archived", empty_label=None, label="Status"
    )
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label="Sex")
    has_consent = django_filters.ChoiceFilter(
        choices=ConsentPurpose.choices, method="filter_has_consent", label="Has current consent for"
    )
    referral_source = django_filters.CharFilter(lookup_expr="icontains", label="Referral source")

    class Meta:
        model = Client
        fields = ["q", "archived", "sex", "has_consent", "referral_source"]

    @property
    def qs(self):
        queryset = super().qs
        # Archived clients are hidden unless asked for, even when no filter was given at all.
        if not self.is_bound or not (self.data.get("archived") or ""):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def filter_search(self, queryset, name, value):
        return search_clients(queryset, value)

    def filter_archived(self, queryset, name, value):
        if value == "true":
            return queryset.filter(archived_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(archived_at__isnull=True)

    def filter_has_consent(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.alias(current_consent=current_consent_subquery(value)).filter(current_consent=True)
