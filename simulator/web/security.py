"""Security headers and rate-limit values shared by the blueprints."""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from werkzeug.wrappers import Response

#: request bodies that carry user text; a NUL in them can never be stored (PostgreSQL
#: rejects it in text columns), so it is refused up front with a clear message
#: (JSON endpoints validate their own payloads: the turn endpoint drops control characters)
TEXT_MIMETYPES = ("application/x-www-form-urlencoded", "text/plain")
NUL_MESSAGE = ("Your input contains a NUL character (\\0), which cannot be stored. "
               "Remove it and try again.")

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # invitation links carry a secret token: never leak URLs to other sites
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def login_limit() -> str:
    """Return the login rate limit (config LOGIN_RATE_LIMIT)."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def invitation_limit() -> str:
    """Return the invitation-link rate limit (config INVITATION_RATE_LIMIT)."""
    return str(current_app.config["INVITATION_RATE_LIMIT"])


def reject_nul_bytes() -> None:
    """Abort 400 when the query string or a form body contains a NUL character."""
    if b"\x00" in request.query_string or b"%00" in request.query_string:
        abort(400, NUL_MESSAGE)
    if request.method in ("GET", "HEAD", "OPTIONS") or request.mimetype not in TEXT_MIMETYPES:
        return
    body = request.get_data(cache=True)
    if b"\x00" in body or b"%00" in body:
        abort(400, NUL_MESSAGE)


def register_security_headers(app: Flask) -> None:
    """Add the security headers to every response; no caching of private pages."""
    app.before_request(reject_nul_bytes)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("PRODUCTION"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
