"""Security headers and rate-limit values shared by the blueprints."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.wrappers import Response

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


def register_security_headers(app: Flask) -> None:
    """Add the security headers to every response; no caching of private pages."""

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
