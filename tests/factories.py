import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import CLINIC_ADMIN, RECEPTION, THERAPIST
from clients.models import Client, Consent, ConsentPurpose

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    roles = factory.PostGeneration(lambda user, create, extracted, **kw: _give_roles(user, extracted or []))


def _give_roles(user, roles):
    user.groups.set(Group.objects.filter(name__in=roles))
    user.is_staff = CLINIC_ADMIN in roles
    user.save()


def _role_factory(role):
    return factory.PostGeneration(
        lambda user, create, extracted, **kw: _give_roles(user, extracted if extracted is not None else [role])
    )


class ReceptionistFactory(UserFactory):
    roles = _role_factory(RECEPTION)


class TherapistFactory(UserFactory):
    roles = _role_factory(THERAPIST)


class ClinicAdminFactory(UserFactory):
    roles = _role_factory(CLINIC_ADMIN)


# A typical client has been through intake: consent to treatment and to appointment emails.
# Tests of the consent rules ask for other decisions, e.g. ClientFactory(consents={}).
INTAKE_CONSENTS = {ConsentPurpose.TREATMENT: True, ConsentPurpose.CONTACT_EMAIL: True}


def _record_consents(client, create, extracted, **kwargs):
    if not create:
        return
    decisions = INTAKE_CONSENTS if extracted is None else extracted
    Consent.objects.bulk_create(
        Consent(client=client, purpose=purpose, granted=granted, recorded_at=client.created_at, note="intake")
        for purpose, granted in decisions.items()
    )


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=70)
    email = factory.LazyAttribute(lambda c: f"{c.first_name}.{c.last_name}@example.com".lower())
    phone = factory.Sequence(lambda n: f"07700 9{n:05d}")
    consents = factory.PostGeneration(_record_consents)
