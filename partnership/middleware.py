"""Response headers that keep what a signed-in person saw out of shared caches."""

from django.utils.cache import patch_cache_control


def is_download(response):
    return response.has_header("Content-Disposition")


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in person
    and on every download (PDF, CSV, XLSX, iCalendar, appendix), whoever asks:
    partnership papers must not be kept by a proxy or left in a shared browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or is_download(response):
            patch_cache_control(response, private=True, no_store=True)
        return response
