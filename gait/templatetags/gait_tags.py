"""`{% gait_sessions client %}`: the gait section of the client page (status only for reception)."""

from django import template

from gait.selectors import SessionStatus, session_list, session_status

register = template.Library()


@register.inclusion_tag("gait/_client_sessions.html", takes_context=True)
def gait_sessions(context, client):
    user = context["request"].user
    if not user.has_perm("gait.view_session_status"):
        return {"show": False}
    sessions = [
        {"session": s, "status": SessionStatus.LABELS[session_status(s)]} for s in session_list(client_id=client.pk)
    ]
    return {"show": True, "client": client, "sessions": sessions, "perms": context.get("perms")}


@register.filter
def humanise(code: str) -> str:
    """knee_valgus -> Knee valgus."""
    return (code or "").replace("_", " ").capitalize()
