"""{% comparison_links session %}: the session page's links to its comparisons (baseline with
cues; with the previous and the first session) and to the client's gait timeline. A tag of its
own so the session page only gains one line."""

from __future__ import annotations

from django import template

from gait.comparisons import session_comparison_links

register = template.Library()


@register.inclusion_tag("gait/_comparison_links.html")
def comparison_links(session):
    return {"session": session, "links": session_comparison_links(session=session)}
