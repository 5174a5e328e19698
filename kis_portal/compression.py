"""Compressed pages: HTML is most of what a phone downloads once static files are cached."""

from django.middleware.gzip import GZipMiddleware

# Files people download (PDF, XLSX, scans) are compressed already; gzip would
# only cost CPU and drop their Content-Length.
COMPRESSIBLE = ("text/", "application/json", "application/javascript")


class PageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (padded against BREACH) for text responses only.

    Static files never reach it: whitenoise, above it, answers them with its
    own pre-compressed (brotli/gzip) copies.
    """

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
