"""Error pages (never a traceback) and JSON errors for fetch() callers."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from simulator.services.errors import ServiceError
from simulator.store.db import db

log = logging.getLogger(__name__)

PAGES: dict[int, tuple[str, str]] = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your account may not open this page."),
    404: ("Page not found", "There is nothing here. Check the address or go back."),
    405: ("Method not allowed", "This page cannot be used that way."),
    410: ("Link no longer valid", "This link can no longer be used."),
    413: ("Too large", "What you sent is too large. Shorten it and try again."),
    429: ("Too many requests", "Too many attempts in a short time. Wait a minute and retry."),
    500: ("Something went wrong", "An unexpected error happened. Nothing you typed was lost "
          "on our side; try again in a moment."),
}


def wants_json() -> bool:
    """Return True when the caller is a script (JSON body or JSON preferred)."""
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def render_error(code: int, message: str | None = None) -> tuple[Response | str, int]:
    """Render the error page (or JSON) for ``code``."""
    title, default = PAGES.get(code, PAGES[500] if code >= 500 else PAGES[400])
    text = message or default
    if wants_json():
        return jsonify({"error": text, "status": code}), code
    return render_template("errors/error.html", code=code, title=title, message=text), code


def register_error_handlers(app: Flask) -> None:
    """Install handlers for HTTP errors, CSRF failures and service exceptions."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[Response | str, int]:
        return render_error(
            400, "Your form expired or was sent from elsewhere (missing security token). "
            "Reload the page and submit again."
        )

    @app.errorhandler(ServiceError)
    def _service(error: ServiceError) -> tuple[Response | str, int]:
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
        code = error.code or 500
        if code < 400:
            return error
        description = None
        if code in (400, 403, 404, 410, 429) and error.description != type(error).description:
            description = error.description
        response, status = render_error(code, description)
        if code == 405 and hasattr(error, "valid_methods") and not isinstance(response, str):
            response.headers["Allow"] = ", ".join(error.valid_methods or [])
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Response | str, int]:
        if isinstance(error, HTTPException):
            return _http(error)  # type: ignore[return-value]
        log.exception("Unhandled error", exc_info=error)
        _rollback()
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError) -> tuple[Response | str, int]:
        _rollback()
        return render_error(500)


def _rollback() -> None:
    """Roll the failed transaction back so the error page itself can query."""
    try:
        db.session.rollback()
    except Exception:  # the page must render even when the database is gone
        log.warning("rollback failed while rendering an error page", exc_info=True)
