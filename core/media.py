"""Access rules for uploaded files. Client videos and reports are health data: a file is
served only when a rule registered for its folder lets the user see it. No rule, no file."""

from __future__ import annotations

from collections.abc import Callable

MediaRule = Callable[[object, str], bool]
_rules: dict[str, MediaRule] = {}


def register_media_rule(prefix: str, rule: MediaRule) -> None:
    """Let `rule(user, relative_path)` decide access to files under `prefix/`."""
    _rules[prefix.strip("/") + "/"] = rule


def permission_rule(*perms: str) -> MediaRule:
    return lambda user, path: user.has_perms(perms)


def can_view_media(user, relative_path: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    for prefix, rule in _rules.items():
        if relative_path.startswith(prefix):
            return bool(rule(user, relative_path))
    return False
