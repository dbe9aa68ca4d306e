"""Interviewer forms: new assessment, window, invitation, extra time."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from simulator.web.forms.fields import EmailAddress

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
MAX_EXTRA = 24 * 60


class MultiCheckboxField(SelectMultipleField):
    """A multiple select shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AssessmentForm(FlaskForm):
    """Title, scenario source (a role profile or a custom set), time limit and window."""

    title = StringField(
        "Title",
        validators=[DataRequired("Enter a title."), Length(max=200, message=(
            "Use at most 200 characters."))],
    )
    role_profile_id = SelectField("Role profile", choices=[], default="", validate_choice=True)
    scenario_ids = MultiCheckboxField("Custom scenario set", choices=[], validate_choice=True)
    time_limit_minutes = IntegerField(
        "Time limit per scenario (minutes)",
        validators=[Optional(), NumberRange(1, 480, "Use 1 to 480 minutes, or leave empty.")],
    )
    opens_at = DateTimeLocalField(
        "Opens at (UTC)", format=DATETIME_FORMATS, validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        "Closes at (UTC)", format=DATETIME_FORMATS, validators=[Optional()]
    )
    submit = SubmitField("Create assessment")


class WindowForm(FlaskForm):
    """When the assessment is open."""

    opens_at = DateTimeLocalField(
        "Opens at (UTC)", format=DATETIME_FORMATS,
        validators=[DataRequired("Enter when the assessment opens.")],
    )
    closes_at = DateTimeLocalField(
        "Closes at (UTC)", format=DATETIME_FORMATS, validators=[Optional()]
    )
    submit = SubmitField("Save window")


class InvitationForm(FlaskForm):
    """A candidate's name and e-mail, with optional extra time."""

    candidate_name = StringField(
        "Candidate name",
        validators=[DataRequired("Enter the candidate's name."),
                    Length(max=120, message="Use at most 120 characters.")],
    )
    candidate_email = EmailField(
        "Candidate e-mail",
        validators=[
            DataRequired("Enter the candidate's e-mail address."),
            Length(max=254, message="Use at most 254 characters."),
            EmailAddress(),
        ],
    )
    extra_minutes = IntegerField(
        "Extra time per scenario (minutes)", default=0,
        validators=[Optional(), NumberRange(0, MAX_EXTRA, f"Use 0 to {MAX_EXTRA} minutes.")],
    )
    submit = SubmitField("Create invitation")


class ExtraTimeForm(FlaskForm):
    """Accommodation: extra minutes per scenario for one candidate."""

    extra_minutes = IntegerField(
        "Extra minutes",
        validators=[InputRequired("Enter the extra minutes (0 for none)."),
                    NumberRange(0, MAX_EXTRA, f"Use 0 to {MAX_EXTRA} minutes.")],
    )
    submit = SubmitField("Save")
