from pathlib import Path

from whitenoise.middleware import WhiteNoiseMiddleware


class PermissionsPolicyMiddleware:
    """Switch off browser features the app never uses (camera access is via file upload)."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, without its start-up warning when `collectstatic` has not run.

    Without the manifest (development, tests) the finders serve static/ directly, so a missing
    STATIC_ROOT is expected, not a problem worth a warning on every start.
    """

    def add_files(self, root, prefix=None):
        if self.use_finders and not Path(root).is_dir():
            return
        super().add_files(root, prefix)
