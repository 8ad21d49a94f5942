"""Comparison pages: two trials side by side (metric changes against their SDD, and a player that
steps both videos stride by stride on matched contacts), and the client's gait timeline with trend
charts of the key metrics across sessions. Clinical content: therapists only."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from clients.selectors import client_get
from core.decorators import staff_permission_required
from core.exceptions import NotFoundError

from . import comparisons, services, trend_charts
from .models import AccessKind


@staff_permission_required("gait.view_gaitsession")
def compare(request):
    a, b = request.GET.get("a"), request.GET.get("b")
    try:
        result = comparisons.trial_comparison(trial_a_id=a, trial_b_id=b, with_choices=True)
    except comparisons.ComparisonRefused as exc:
        return render(request, "gait/compare_refused.html", {"message": exc.message}, status=400)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    services.access_record(user=request.user, client_id=result.client_id, kind=AccessKind.FINDINGS,
                           what=f"comparison of trials #{result.a.trial.pk} and #{result.b.trial.pk}",
                           now=timezone.now())  # fmt: skip
    views = {v.view: v for v in result.views}
    chosen = views.get(request.GET.get("view", "")) or (result.views[0] if result.views else None)
    return render(request, "gait/compare.html", {
        "comparison": result,
        "client": result.a.trial.session.client,
        "chosen": chosen,
        "sources": sorted({row["sdd_source"] for row in chosen.rows}) if chosen else [],
    })  # fmt: skip


@staff_permission_required("gait.view_gaitsession")
def client_timeline(request, client_id):
    try:
        client = client_get(client_id=client_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    sessions, trends = comparisons.client_gait_timeline(client_id=client.pk)
    services.access_record(user=request.user, client_id=client.pk, kind=AccessKind.FINDINGS,
                           what="gait timeline", now=timezone.now())  # fmt: skip
    return render(request, "gait/client_timeline.html", {
        "client": client,
        "sessions": sessions,
        "charts": trend_charts.trend_charts(trends),
    })  # fmt: skip
