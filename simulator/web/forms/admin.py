"""Admin forms: create a user, reset a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from simulator.web.forms.fields import EmailAddress

ROLE_CHOICES = [
    SelectChoice("interviewer", "Interviewer"),
    SelectChoice("trainee", "Trainee"),
    SelectChoice("admin", "Admin (author)"),
]
PASSWORD_HINT = "At least 10 characters. Leave empty to generate one (shown once)."


class CreateUserForm(FlaskForm):
    """Name, e-mail, role and an optional initial password."""

    name = StringField(
        "Name", validators=[DataRequired("Enter a name."), Length(max=120, message=(
            "Use at most 120 characters."))]
    )
    email = EmailField(
        "E-mail",
        validators=[
            DataRequired("Enter an e-mail address."),
            Length(max=254, message="Use at most 254 characters."),
            EmailAddress(),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired("Choose a role.")])
    password = PasswordField(
        "Initial password",
        validators=[Optional(), Length(min=10, max=128, message="Use 10 to 128 characters.")],
    )
    submit = SubmitField("Create user")


class ResetPasswordForm(FlaskForm):
    """An optional new password (empty = generate)."""

    password = PasswordField(
        "New password",
        validators=[Optional(), Length(min=10, max=128, message="Use 10 to 128 characters.")],
    )
    submit = SubmitField("Reset password")
