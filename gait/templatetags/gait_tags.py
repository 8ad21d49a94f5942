"""Template filters for the gait pages."""

from django import template

register = template.Library()


@register.filter
def humanise(code: str) -> str:
    """knee_valgus -> Knee valgus."""
    return (code or "").replace("_", " ").capitalize()
