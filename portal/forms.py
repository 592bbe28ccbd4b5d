"""Form rendering: WTForms fields as NHS.UK components, and the error summary.

Templates call `field(form.name)` from `templates/macros/forms.html`; this
module gives them the error summary's list of links.
"""

from flask_babel import lazy_gettext as _l
from wtforms.validators import Length


def strip(value):
    """A field filter: typed text without spaces at either end."""
    return value.strip() if isinstance(value, str) else value


def max_length(length):
    """A length limit with a plain message."""
    return Length(max=length, message=_l("Must be %(max)d characters or fewer", max=length))


def error_list(form):
    """One entry per field in error, linking to the input the summary names."""
    return [
        {"text": field.errors[0], "href": f"#{field.id}"}
        for field in form
        if field.errors and field.type != "CSRFTokenField"
    ]


def init_app(app):
    app.jinja_env.globals.update(error_list=error_list)
