from django.contrib.auth.decorators import login_required, permission_required


def staff_permission_required(perms):
    """Anonymous visitors go to the login page; staff without the permission(s) get the 403 page."""

    def decorator(view):
        return login_required(permission_required(perms, raise_exception=True)(view))

    return decorator
