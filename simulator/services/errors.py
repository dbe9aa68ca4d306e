"""Service-level exceptions; the web layer maps them to 404/403/form errors."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: ``message`` is safe to show to the user."""

    status_code = 400

    def __init__(self, message: str = "") -> None:
        """Keep a user-facing message."""
        super().__init__(message)
        self.message = message or self.default_message()

    def default_message(self) -> str:
        """Return the message used when none is given."""
        return "The request could not be completed."


class NotFound(ServiceError):
    """The object does not exist, or the user may not know it exists."""

    status_code = 404

    def default_message(self) -> str:
        """Return the generic not-found message."""
        return "Not found."


class Forbidden(ServiceError):
    """The user is known but may not do this."""

    status_code = 403

    def default_message(self) -> str:
        """Return the generic forbidden message."""
        return "You are not allowed to do that."


class InvalidInput(ServiceError):
    """The input is wrong; ``field`` names the form field to attach the message to."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        """Keep the message and the optional field name."""
        super().__init__(message)
        self.field = field


class Conflict(ServiceError):
    """The object is in a state that does not allow this (e.g. already finished)."""

    status_code = 409

    def default_message(self) -> str:
        """Return the generic conflict message."""
        return "That is no longer possible."


class InvitationError(ServiceError):
    """An invitation link cannot be used; ``reason`` is expired|revoked|used|unknown|closed."""

    status_code = 410

    def __init__(self, reason: str, message: str) -> None:
        """Keep the machine-readable reason and the user-facing message."""
        super().__init__(message)
        self.reason = reason
