"""Exercise library and programme API (therapists only: reception has no exercises.*
permission). Each endpoint validates input, reads the clock here and makes one service or
selector call; refusals come back in the project's error format (an issued programme is locked:
409 `programme_issued`)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.selectors import client_get
from core.api import ErrorSerializer, Pagination
from core.clinic_time import clinic_tz
from core.exceptions import NotFoundError

from . import selectors, services
from .models import BodyRegion, ExerciseCategory, Side
from .suggestions import ALIASES, SIDES, SUGGESTIONS, suggest_programme

NO_SUCH_CLIENT = OpenApiResponse(ErrorSerializer, description="No such client (or the client was erased).")


class ExerciseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    region = serializers.CharField()
    target_muscles = serializers.CharField()
    instructions = serializers.CharField()
    common_mistakes = serializers.CharField()
    default_sets = serializers.IntegerField()
    default_reps = serializers.IntegerField(allow_null=True)
    default_hold_seconds = serializers.IntegerField(allow_null=True)
    default_per_week = serializers.IntegerField()
    one_sided = serializers.BooleanField()
    addresses = serializers.ListField(child=serializers.CharField())
    progression = serializers.IntegerField(source="progression_id", allow_null=True)
    progression_text = serializers.CharField()
    regression = serializers.IntegerField(source="regression_id", allow_null=True)
    regression_text = serializers.CharField()
    illustration_url = serializers.SerializerMethodField()
    builtin = serializers.BooleanField()
    hidden = serializers.BooleanField()

    def get_illustration_url(self, exercise) -> str:
        from django.templatetags.static import static

        return static(exercise.illustration) if exercise.illustration else ""


class ExerciseInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(ExerciseCategory.choices, default=ExerciseCategory.STRENGTH)
    region = serializers.ChoiceField(BodyRegion.choices)
    target_muscles = serializers.CharField(max_length=300)
    instructions = serializers.CharField()
    common_mistakes = serializers.CharField(required=False, allow_blank=True)
    default_sets = serializers.IntegerField(min_value=1, max_value=10, default=3)
    default_reps = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True)
    default_hold_seconds = serializers.IntegerField(min_value=1, max_value=600, required=False, allow_null=True)
    default_per_week = serializers.IntegerField(min_value=1, max_value=14, default=3)
    one_sided = serializers.BooleanField(default=False)
    addresses = serializers.ListField(child=serializers.SlugField(), required=False)
    progression = serializers.IntegerField(required=False, allow_null=True)
    progression_text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    regression = serializers.IntegerField(required=False, allow_null=True)
    regression_text = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def _exercise(self, value):
        if value is None:
            return None
        try:
            return selectors.exercise_get_by_id(exercise_id=value)
        except NotFoundError:
            raise serializers.ValidationError("No such exercise.") from None

    validate_progression = _exercise
    validate_regression = _exercise


class HiddenSerializer(serializers.Serializer):
    hidden = serializers.BooleanField()


class CueOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    client_wording = serializers.CharField()
    therapist_note = serializers.CharField()
    addresses = serializers.ListField(child=serializers.CharField())
    uses_metronome = serializers.BooleanField()
    builtin = serializers.BooleanField()
    hidden = serializers.BooleanField()


class ProgrammeExerciseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exercise = serializers.IntegerField(source="exercise_id", allow_null=True)
    name = serializers.CharField()
    instructions = serializers.CharField()
    common_mistakes = serializers.CharField()
    illustration = serializers.CharField()
    sets = serializers.IntegerField()
    reps = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)
    load = serializers.CharField()
    per_week = serializers.IntegerField()
    side = serializers.CharField()
    reason = serializers.CharField()
    notes = serializers.CharField()


class ProgrammeCueOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cue = serializers.IntegerField(source="cue_id", allow_null=True)
    title = serializers.CharField()
    wording = serializers.CharField()
    reason = serializers.CharField()


class ProgrammeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    therapist = serializers.IntegerField(source="therapist_id")
    status = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    start_date = serializers.DateField()
    review_date = serializers.DateField(allow_null=True)
    measured_cadence = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField()
    revised_from = serializers.IntegerField(source="revised_from_id", allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    issued_by = serializers.IntegerField(source="issued_by_id", allow_null=True)
    exercises = ProgrammeExerciseOutputSerializer(many=True, source="exercises.all")
    cues = ProgrammeCueOutputSerializer(many=True, source="cues.all")


class FocusSerializer(serializers.Serializer):
    code = serializers.ChoiceField([*SUGGESTIONS, *ALIASES])
    side = serializers.ChoiceField(list(SIDES), required=False, allow_null=True)


class ProgrammeCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    start_date = serializers.DateField(required=False, help_text="Defaults to today.")
    review_date = serializers.DateField(required=False, allow_null=True,
                                        help_text="Defaults to the next reassessment from the care plan.")
    measured_cadence = serializers.IntegerField(min_value=100, max_value=250, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    focus = FocusSerializer(many=True, required=False, help_text="What to address; fills the draft with suggestions.")


class LineInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="A line of this draft (keep it, change its dosage).")
    exercise = serializers.IntegerField(required=False, help_text="A library exercise (a new line).")
    sets = serializers.IntegerField(min_value=1, max_value=10, required=False)
    reps = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True)
    hold_seconds = serializers.IntegerField(min_value=1, max_value=600, required=False, allow_null=True)
    load = serializers.CharField(max_length=80, required=False, allow_blank=True)
    per_week = serializers.IntegerField(min_value=1, max_value=14, required=False)
    side = serializers.ChoiceField(Side.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate(self, data):
        if ("id" in data) == ("exercise" in data):
            raise serializers.ValidationError("Give either the id of a line of this draft or an exercise.")
        if "exercise" in data:
            try:
                data["exercise"] = selectors.exercise_get_by_id(exercise_id=data["exercise"])
            except NotFoundError:
                raise serializers.ValidationError({"exercise": ["No such exercise."]}) from None
        return data


class CueLineInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    cue = serializers.IntegerField(required=False)

    def validate(self, data):
        if ("id" in data) == ("cue" in data):
            raise serializers.ValidationError("Give either the id of a cue line of this draft or a cue.")
        if "cue" in data:
            try:
                data["cue"] = selectors.cue_get_by_id(cue_id=data["cue"])
            except NotFoundError:
                raise serializers.ValidationError({"cue": ["No such cue."]}) from None
        return data


class ProgrammeUpdateSerializer(serializers.Serializer):
    start_date = serializers.DateField(required=False)
    review_date = serializers.DateField(required=False, allow_null=True)
    measured_cadence = serializers.IntegerField(min_value=100, max_value=250, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = LineInputSerializer(many=True, required=False, help_text="Replaces the exercise lines, in this order.")
    cues = CueLineInputSerializer(many=True, required=False, help_text="Replaces the cues, in this order.")


def _programme_output(programme_id):
    return ProgrammeOutputSerializer(selectors.programme_get(programme_id=programme_id)).data


def _today():
    return timezone.now().astimezone(clinic_tz()).date()


# Library ----------------------------------------------------------------------------------
class ExerciseListCreateApi(APIView):
    """The exercise library (`?q=`, `?region=`, `?category=`, `?hidden=false|true|all`); POST adds
    your own exercise."""

    required_permissions = {"GET": ["exercises.view_exercise"], "POST": ["exercises.add_exercise"]}
    pagination_class = Pagination  # also documents the list as pages

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("region", str, enum=BodyRegion.values),
                    OpenApiParameter("category", str, enum=ExerciseCategory.values),
                    OpenApiParameter("hidden", str, enum=list(selectors.HIDDEN_CHOICES))],
        responses=ExerciseOutputSerializer(many=True),
    )
    def get(self, request):
        filters = {key: request.query_params.get(key) for key in ("q", "region", "category", "hidden")}
        exercises = selectors.exercise_list(filters=filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(exercises, request, view=self)
        return paginator.get_paginated_response(ExerciseOutputSerializer(page, many=True).data)

    @extend_schema(request=ExerciseInputSerializer, responses={201: ExerciseOutputSerializer})
    def post(self, request):
        data = ExerciseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = services.exercise_create(created_by=request.user, fields=dict(data.validated_data))
        return Response(ExerciseOutputSerializer(exercise).data, status=status.HTTP_201_CREATED)


class ExerciseDetailApi(APIView):
    """One exercise; PATCH edits an exercise you added (built-ins are not edited: 403)."""

    required_permissions = {"GET": ["exercises.view_exercise"], "PATCH": ["exercises.change_exercise"],
                            "PUT": ["exercises.change_exercise"]}

    @extend_schema(responses=ExerciseOutputSerializer)
    def get(self, request, exercise_id):
        return Response(ExerciseOutputSerializer(selectors.exercise_get_by_id(exercise_id=exercise_id)).data)

    @extend_schema(request=ExerciseInputSerializer, responses=ExerciseOutputSerializer)
    def patch(self, request, exercise_id):
        exercise = selectors.exercise_get_by_id(exercise_id=exercise_id)
        data = ExerciseInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        exercise = services.exercise_update(exercise=exercise, user=request.user, fields=dict(data.validated_data))
        return Response(ExerciseOutputSerializer(exercise).data)

    put = patch


class ExerciseHiddenApi(APIView):
    """Hide or show a library exercise (built-in ones are hidden, never deleted)."""

    required_permissions = {"POST": ["exercises.change_exercise"]}

    @extend_schema(request=HiddenSerializer, responses=ExerciseOutputSerializer)
    def post(self, request, exercise_id):
        exercise = selectors.exercise_get_by_id(exercise_id=exercise_id)
        data = HiddenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = services.exercise_set_hidden(exercise=exercise, hidden=data.validated_data["hidden"])
        return Response(ExerciseOutputSerializer(exercise).data)


class CueListApi(APIView):
    """The retraining cues (`?hidden=true` includes hidden ones)."""

    required_permissions = {"GET": ["exercises.view_retrainingcue"]}
    pagination_class = Pagination  # also documents the list as pages

    @extend_schema(parameters=[OpenApiParameter("hidden", bool)], responses=CueOutputSerializer(many=True))
    def get(self, request):
        include_hidden = request.query_params.get("hidden") in ("true", "1")
        cues = selectors.cue_list(include_hidden=include_hidden)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cues, request, view=self)
        return paginator.get_paginated_response(CueOutputSerializer(page, many=True).data)


# Programmes -------------------------------------------------------------------------------
class ProgrammeListCreateApi(APIView):
    """A client's programmes (`?client=` required): drafts first, then issued versions newest
    first. POST starts a draft, filled from suggestions when `focus` is given."""

    required_permissions = {"GET": ["exercises.view_programme"], "POST": ["exercises.add_programme"]}
    pagination_class = Pagination  # also documents the list as pages

    @extend_schema(parameters=[OpenApiParameter("client", int, required=True)],
                   responses={200: ProgrammeOutputSerializer(many=True), 404: NO_SUCH_CLIENT})
    def get(self, request):
        client_id = request.query_params.get("client")
        if not client_id:
            raise serializers.ValidationError({"client": ["Give the client's id."]})
        programmes = selectors.programme_list(client=client_get(client_id=client_id), with_lines=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(programmes, request, view=self)
        return paginator.get_paginated_response(ProgrammeOutputSerializer(page, many=True).data)

    @extend_schema(request=ProgrammeCreateSerializer, responses={201: ProgrammeOutputSerializer, 404: NO_SUCH_CLIENT})
    def post(self, request):
        data = ProgrammeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        client = client_get(client_id=fields.pop("client"))
        focus = fields.pop("focus", None)
        suggestion = suggest_programme(focus=focus, measured_cadence=fields.get("measured_cadence")) if focus else None
        if "review_date" not in fields:
            fields["review_date"] = selectors.programme_default_review_date(client=client, now=timezone.now())
        fields.setdefault("start_date", _today())
        programme = services.programme_create_draft(client=client, therapist=request.user, suggestion=suggestion,
                                                    **fields)
        return Response(_programme_output(programme.pk), status=status.HTTP_201_CREATED)


class ProgrammeDetailApi(APIView):
    """One programme with its lines; PATCH changes a draft (an issued one is locked: 409)."""

    required_permissions = {"GET": ["exercises.view_programme"], "PATCH": ["exercises.change_programme"],
                            "PUT": ["exercises.change_programme"]}

    @extend_schema(responses=ProgrammeOutputSerializer)
    def get(self, request, programme_id):
        return Response(_programme_output(programme_id))

    @extend_schema(request=ProgrammeUpdateSerializer, responses=ProgrammeOutputSerializer)
    def patch(self, request, programme_id):
        programme = selectors.programme_get(programme_id=programme_id)
        data = ProgrammeUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        lines, cues = fields.pop("lines", None), fields.pop("cues", None)
        services.programme_update_draft(programme=programme, fields=fields, lines=lines, cues=cues)
        return Response(_programme_output(programme_id))

    put = patch


class ProgrammeIssueApi(APIView):
    """Issue a draft: it becomes the client's next version and is never edited again."""

    required_permissions = {"POST": ["exercises.issue_programme"]}

    @extend_schema(request=None, responses=ProgrammeOutputSerializer)
    def post(self, request, programme_id):
        programme = selectors.programme_get(programme_id=programme_id)
        services.programme_issue(programme=programme, issued_by=request.user, now=timezone.now())
        return Response(_programme_output(programme_id))


class ProgrammeReviseApi(APIView):
    """A new draft copied from an issued programme."""

    required_permissions = {"POST": ["exercises.add_programme"]}

    @extend_schema(request=None, responses={201: ProgrammeOutputSerializer})
    def post(self, request, programme_id):
        programme = selectors.programme_get(programme_id=programme_id)
        draft = services.programme_revise(programme=programme, therapist=request.user, start_date=_today())
        return Response(_programme_output(draft.pk), status=status.HTTP_201_CREATED)
