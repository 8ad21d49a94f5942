"""The six-weekly rule: every attended (re)assessment leads to a reassessment, booked or chased."""

import threading
from datetime import date, time, timedelta

import pytest
import time_machine
from django.db import connection

from appointments.models import Appointment, AppointmentStatus, AvailabilityException, BookedVia
from appointments.services import appointment_book, appointment_mark
from careplans.models import CarePlan, CarePlanStatus
from careplans.selectors import recall_list, shift_working_days
from careplans.services import Outcome, reassessment_schedule_next
from tests.careplans.conftest import LONDON, at
from tests.factories import ClientFactory, TherapistFactory

VISIT = at(2026, 11, 2, 10)  # Monday 2 Nov 2026, 10:00
DUE = date(2026, 12, 14)  # six weeks later, a Monday


def follow_ups(visit):
    return Appointment.objects.filter(scheduled_from=visit)


def block(therapist, starts_at, minutes=45):
    """Occupy the therapist (and the treadmill room) with another client's reassessment."""
    from careplans.selectors import reassessment_type

    return appointment_book(
        client=ClientFactory(),
        therapist=therapist,
        appointment_type=reassessment_type(),
        starts_at=starts_at,
        now=starts_at - timedelta(days=60),
    )


@pytest.mark.django_db
def test_initial_assessment_books_same_therapist_same_time_six_weeks_later_and_starts_a_plan(
    theo, client_record, initial, attend
):
    visit = attend(client_record, theo, initial, VISIT)

    follow_up = follow_ups(visit).get()
    assert follow_up.starts_at == at(2026, 12, 14, 10)
    assert follow_up.therapist == theo
    assert follow_up.appointment_type.kind == "REASSESSMENT"
    assert follow_up.booked_via == BookedVia.AUTO and follow_up.status == AppointmentStatus.BOOKED
    plan = CarePlan.objects.get(client=client_record)
    assert plan.status == CarePlanStatus.ACTIVE and plan.therapist == theo
    assert plan.reassessment_interval_weeks == 6 and plan.start_date == date(2026, 11, 2)
    assert plan.next_reassessment_due == DUE


@pytest.mark.django_db
def test_a_reassessment_leads_to_the_next_one(theo, client_record, reassessment, attend, plan_for):
    plan_for(client_record, theo, due=date(2026, 11, 2))
    visit = attend(client_record, theo, reassessment, at(2026, 11, 2, 14, 15))
    assert follow_ups(visit).get().starts_at == at(2026, 12, 14, 14, 15)


@pytest.mark.django_db
@pytest.mark.parametrize("weeks,expected", [(4, at(2026, 11, 30, 10)), (8, at(2026, 12, 28, 10))])
def test_the_interval_comes_from_the_plan(theo, client_record, initial, attend, plan_for, weeks, expected):
    plan = plan_for(client_record, theo, weeks=weeks)
    visit = attend(client_record, theo, initial, VISIT)
    assert follow_ups(visit).get().starts_at == expected
    plan.refresh_from_db()
    assert plan.next_reassessment_due == expected.date()


@pytest.mark.django_db
def test_same_slot_taken_books_the_nearest_free_slot_of_the_same_therapist(theo, client_record, initial, attend):
    block(theo, at(2026, 12, 14, 10))  # 10:00–10:45 taken
    visit = attend(client_record, theo, initial, VISIT)
    follow_up = follow_ups(visit).get()
    assert follow_up.therapist == theo
    # 09:15 and 10:45 are both 45 minutes away; a tie goes to the earlier slot.
    assert follow_up.starts_at == at(2026, 12, 14, 9, 15)
    assert follow_up.booked_via == BookedVia.AUTO


@pytest.mark.django_db
def test_nearest_slot_is_nearest_in_time_not_first_in_the_day(theo, client_record, initial, attend):
    block(theo, at(2026, 12, 14, 9))
    block(theo, at(2026, 12, 14, 9, 45))
    block(theo, at(2026, 12, 14, 10, 30))  # 09:00–11:15 taken; 11:15 is 75 minutes away, 08:xx does not exist
    visit = attend(client_record, theo, initial, VISIT)
    assert follow_ups(visit).get().starts_at == at(2026, 12, 14, 11, 15)


@pytest.mark.django_db
def test_whole_due_day_taken_books_the_nearest_working_day_within_three(theo, client_record, initial, attend):
    AvailabilityException.objects.create(
        therapist=theo, kind="LEAVE", starts_at=at(2026, 12, 9, 0), ends_at=at(2026, 12, 17, 0)
    )  # Wed 9 – Wed 16 Dec off; Thu 17 Dec is 3 working days after Mon 14 Dec
    visit = attend(client_record, theo, initial, VISIT)
    assert follow_ups(visit).get().starts_at == at(2026, 12, 17, 9)  # the first slot that day is nearest in time


@pytest.mark.django_db
def test_earlier_slot_wins_when_it_is_nearer(theo, client_record, initial, attend):
    AvailabilityException.objects.create(
        therapist=theo, kind="LEAVE", starts_at=at(2026, 12, 11, 12), ends_at=at(2026, 12, 17, 0)
    )  # free until Fri 11 Dec 12:00, then nothing until Thu 17 Dec
    visit = attend(client_record, theo, initial, VISIT)
    assert follow_ups(visit).get().starts_at == at(2026, 12, 11, 11, 15)  # latest start ending by 12:00


@pytest.mark.django_db
def test_no_free_slot_within_three_working_days_puts_the_plan_on_the_recall_list(theo, client_record, initial, attend):
    # Due Mon 14 Dec: the window is Wed 9 Dec – Thu 17 Dec (3 working days each side).
    assert shift_working_days(DUE, -3) == date(2026, 12, 9) and shift_working_days(DUE, 3) == date(2026, 12, 17)
    AvailabilityException.objects.create(
        therapist=theo, kind="LEAVE", starts_at=at(2026, 12, 9, 0), ends_at=at(2026, 12, 18, 0)
    )
    visit = attend(client_record, theo, initial, VISIT)
    assert not follow_ups(visit).exists()
    plan = CarePlan.objects.get(client=client_record)
    assert plan.next_reassessment_due == DUE
    assert list(recall_list(now=at(2026, 12, 1, 9))) == [plan]
    # Another therapist's free slot on the due date is not used automatically (same therapist rule).
    assert not Appointment.objects.filter(client=client_record, status="BOOKED").exists()


@pytest.mark.django_db
def test_scheduler_is_idempotent_when_called_again_or_concurrently_marked(theo, client_record, initial, attend):
    visit = attend(client_record, theo, initial, VISIT)
    again = reassessment_schedule_next(appointment=visit, now=VISIT + timedelta(hours=2))
    assert again.outcome == Outcome.ALREADY_SCHEDULED
    assert follow_ups(visit).count() == 1
    assert Appointment.objects.filter(client=client_record, status="BOOKED").count() == 1
    assert CarePlan.objects.filter(client=client_record).count() == 1
    # Marking twice is refused by appointments; the follow-up is untouched.
    with pytest.raises(Exception, match="Only a booked appointment"):
        appointment_mark(appointment=visit, status="ATTENDED", now=VISIT + timedelta(hours=3))
    assert follow_ups(visit).count() == 1


@pytest.mark.django_db
def test_recall_outcome_is_idempotent_too(theo, client_record, initial, attend):
    AvailabilityException.objects.create(
        therapist=theo, kind="LEAVE", starts_at=at(2026, 12, 9, 0), ends_at=at(2026, 12, 18, 0)
    )
    visit = attend(client_record, theo, initial, VISIT)
    AvailabilityException.objects.all().delete()  # time frees up later: the visit is still not re-scheduled
    again = reassessment_schedule_next(appointment=visit, now=VISIT + timedelta(days=1))
    assert again.outcome == Outcome.ALREADY_SCHEDULED and not follow_ups(visit).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_scheduler_calls_book_once(weekday_hours, initial):  # initial: re-creates flushed types
    theo = weekday_hours(TherapistFactory())
    client = ClientFactory()
    visit = appointment_book(
        client=client, therapist=theo, appointment_type=initial, starts_at=VISIT, now=VISIT - timedelta(days=1)
    )
    Appointment.objects.filter(pk=visit.pk).update(status=AppointmentStatus.ATTENDED)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(reassessment_schedule_next(appointment=visit, now=VISIT + timedelta(hours=1)).outcome)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == sorted([Outcome.BOOKED_SAME_TIME, Outcome.ALREADY_SCHEDULED])
    assert Appointment.objects.filter(scheduled_from=visit).count() == 1
    assert CarePlan.objects.filter(client=client).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CarePlanStatus.PAUSED, CarePlanStatus.DISCHARGED])
def test_paused_or_discharged_plans_are_not_scheduled(theo, client_record, reassessment, attend, plan_for, status):
    plan = plan_for(
        client_record,
        theo,
        status=status,
        due=date(2026, 11, 2),
        discharged_at=at(2026, 10, 1, 9) if status == CarePlanStatus.DISCHARGED else None,
    )
    visit = attend(client_record, theo, reassessment, VISIT)
    assert not follow_ups(visit).exists()
    plan.refresh_from_db()
    assert plan.next_reassessment_due == date(2026, 11, 2)
    assert not CarePlan.objects.filter(client=client_record, status=CarePlanStatus.ACTIVE).exists()


@pytest.mark.django_db
def test_initial_assessment_with_a_paused_plan_starts_nothing(theo, client_record, initial, attend, plan_for):
    plan_for(client_record, theo, status=CarePlanStatus.PAUSED)
    visit = attend(client_record, theo, initial, VISIT)
    assert not follow_ups(visit).exists()
    assert CarePlan.objects.filter(client=client_record).count() == 1


@pytest.mark.django_db
def test_initial_assessment_after_discharge_starts_a_new_episode(theo, client_record, initial, attend, plan_for):
    plan_for(client_record, theo, status=CarePlanStatus.DISCHARGED, discharged_at=at(2026, 10, 1, 9))
    visit = attend(client_record, theo, initial, VISIT)
    assert follow_ups(visit).exists()
    assert CarePlan.objects.filter(client=client_record, status=CarePlanStatus.ACTIVE).count() == 1


@pytest.mark.django_db
def test_treatment_and_no_show_do_not_schedule(theo, client_record, treatment, initial, attend):
    visit = attend(client_record, theo, treatment, VISIT)
    assert not follow_ups(visit).exists()
    missed = appointment_book(
        client=ClientFactory(), therapist=theo, appointment_type=initial, starts_at=at(2026, 11, 3, 10), now=VISIT
    )
    appointment_mark(appointment=missed, status="NO_SHOW", now=at(2026, 11, 3, 11))
    assert not follow_ups(missed).exists()
    assert not CarePlan.objects.exists()


@pytest.mark.django_db
def test_an_older_visit_marked_late_does_not_move_the_schedule_back(
    theo, client_record, reassessment, attend, plan_for
):
    plan_for(client_record, theo, due=date(2026, 11, 2))
    old = appointment_book(
        client=client_record,
        therapist=theo,
        appointment_type=reassessment,
        starts_at=at(2026, 11, 2, 9),
        now=at(2026, 11, 1, 9),
    )
    attend(client_record, theo, reassessment, at(2026, 11, 9, 10))
    appointment_mark(appointment=old, status="ATTENDED", now=at(2026, 11, 10, 9))
    assert not follow_ups(old).exists()
    assert CarePlan.objects.get(client=client_record).next_reassessment_due == date(2026, 12, 21)


@pytest.mark.django_db
def test_daylight_saving_same_local_wall_clock_time(theo, client_record, initial, attend):
    # Mon 2 Mar 2026 10:00 GMT; the clocks go forward on Sun 29 Mar; Mon 13 Apr 10:00 is BST.
    visit_at = at(2026, 3, 2, 10)
    with time_machine.travel(visit_at + timedelta(hours=1), tick=False):
        visit = attend(client_record, theo, initial, visit_at)
    follow_up = follow_ups(visit).get()
    assert follow_up.starts_at.astimezone(LONDON).time() == time(10)
    assert follow_up.starts_at.astimezone(LONDON).date() == date(2026, 4, 13)
    assert follow_up.starts_at - visit.starts_at == timedelta(weeks=6) - timedelta(hours=1)  # one hour fewer in UTC


@pytest.mark.django_db
def test_daylight_saving_backwards_too(theo, client_record, initial, attend):
    # Mon 21 Sep 2026 09:30 BST; clocks go back Sun 25 Oct; Mon 2 Nov 09:30 GMT.
    visit = attend(client_record, theo, initial, at(2026, 9, 21, 9, 30))
    assert follow_ups(visit).get().starts_at.astimezone(LONDON).time() == time(9, 30)


@pytest.mark.django_db
def test_marked_attended_late_never_books_in_the_past(theo, client_record, initial, attend):
    # Marked attended six weeks and a day later: the due date has passed.
    visit = attend(client_record, theo, initial, VISIT, marked_at=at(2026, 12, 15, 12))
    follow_up = follow_ups(visit).get()
    assert follow_up.starts_at >= at(2026, 12, 15, 12)
    assert follow_up.starts_at == at(2026, 12, 15, 12)  # the nearest free slot that is not in the past


@pytest.mark.django_db
def test_a_reassessment_already_booked_by_staff_is_not_doubled(theo, client_record, initial, reassessment, attend):
    visit = appointment_book(
        client=client_record, therapist=theo, appointment_type=initial, starts_at=VISIT, now=VISIT - timedelta(days=1)
    )
    by_staff = appointment_book(
        client=client_record,
        therapist=theo,
        appointment_type=reassessment,
        starts_at=at(2026, 12, 15, 11),
        now=VISIT - timedelta(days=1),
    )
    appointment_mark(appointment=visit, status="ATTENDED", now=VISIT + timedelta(hours=1))
    assert not follow_ups(visit).exists()
    assert list(Appointment.objects.filter(client=client_record, status="BOOKED")) == [by_staff]
    assert CarePlan.objects.get(client=client_record).next_reassessment_due == DUE
