"""Review forms: override, note, decision, results filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from simulator.services.review import MAX_NOTE, MAX_REASON, MIN_REASON
from simulator.store.review_models import DECISIONS


def _choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    """Return select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class OverrideForm(FlaskForm):
    """A new level for one criterion, with the reason for it."""

    criterion = HiddenField(validators=[DataRequired(), Length(max=120)])
    level = RadioField("New level", choices=[], validate_choice=True,
                       validators=[DataRequired("Choose a level.")])
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Give a reason for the change."),
            Length(min=MIN_REASON, max=MAX_REASON,
                   message=f"Write {MIN_REASON} to {MAX_REASON} characters."),
        ],
    )
    blind = HiddenField(default="0")


class NoteForm(FlaskForm):
    """A free-text note on a candidate or an attempt."""

    text = TextAreaField(
        "Note",
        validators=[DataRequired("Write the note first."),
                    Length(max=MAX_NOTE, message=f"Keep the note under {MAX_NOTE} characters.")],
    )


class DecisionForm(FlaskForm):
    """Advance, hold or reject a candidate."""

    decision = RadioField(
        "Decision",
        choices=[SelectChoice(d, d.capitalize()) for d in DECISIONS],
        validators=[DataRequired("Choose advance, hold or reject.")],
    )
    note = TextAreaField(
        "Why (optional)",
        validators=[Optional(), Length(max=MAX_NOTE,
                                       message=f"Keep the note under {MAX_NOTE} characters.")],
    )


class ResultsFilterForm(FlaskForm):
    """The GET filters of the results page (no CSRF: nothing changes)."""

    class Meta:
        csrf = False

    q = SearchField("Candidate name", validators=[Optional(), Length(max=120)])
    status = SelectField("Status", choices=_choices(
        ("", "Any status"), ("invited", "Invited"), ("started", "Started"),
        ("finished", "Finished"), ("expired", "Expired"), ("revoked", "Revoked")),
        validators=[Optional()])
    verdict = SelectField("Verdict", choices=_choices(
        ("", "Any verdict"), ("pass", "Pass"), ("discuss", "Discuss"), ("below", "Below"),
        ("none", "No verdict yet")), validators=[Optional()])
    flagged = BooleanField("Only with critical flags")
    sort = SelectField("Sort by", choices=_choices(
        ("overall", "Overall score"), ("name", "Name"), ("verdict", "Verdict"),
        ("flags", "Critical flags"), ("signals", "Integrity signals"),
        ("finished", "Finished")), validators=[Optional()])
    order = SelectField("Order", choices=_choices(
        ("desc", "High to low / Z-A"), ("asc", "Low to high / A-Z")), validators=[Optional()])
    page = IntegerField("Page", default=1,
                        validators=[Optional(), NumberRange(min=1, max=1_000_000)])
