from django.dispatch import Signal

# Sent inside the marking transaction when a booked assessment or reassessment is marked
# attended, with `appointment` and `now`. Care plans schedule the next reassessment from it
# (connected in careplans.apps), so care plans build on appointments and never the other way.
# A receiver may answer with what it did (care plans: a ScheduleResult, whose `summary` the
# calendar shows staff). A receiver's error rolls the marking back.
assessment_attended = Signal()
