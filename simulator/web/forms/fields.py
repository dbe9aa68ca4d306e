"""Shared form validators."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

#: deliberately simple: one @, no spaces, a dot in the domain; internal domains
#: (corp.local, example.test) are fine for a self-hosted tool
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,252}\.[^@\s.]{1,63}$")


class EmailAddress:
    """Validate an e-mail address without DNS or special-use domain checks."""

    def __init__(self, message: str = "Enter a valid e-mail address.") -> None:
        """Keep the message shown on failure."""
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Raise ValidationError unless the field holds an address-shaped value."""
        value = (field.data or "").strip()
        if not EMAIL_RE.match(value) or any(ord(c) < 32 for c in value):
            raise ValidationError(self.message)
