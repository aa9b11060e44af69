from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class OpenCallForm(FlaskForm):
    name = StringField(
        _l("Name of the call"), validators=[DataRequired(message=_l("Please give the call a name."))]
    )
    name_en = StringField(
        _l("English name of the call (optional)"),
        validators=[Optional(), Length(max=128, message=_l("At most %(max)d characters, please."))],
    )
    year = IntegerField(
        _l("Year"),
        validators=[
            DataRequired(message=_l("Please give the year.")),
            NumberRange(2019, 2100, message=_l("Please give a valid year.")),
        ],
    )
    deadline = DateTimeLocalField(
        _l("Deadline for the electronic plan (Beijing time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(message=_l("Please give the deadline."))],
    )
