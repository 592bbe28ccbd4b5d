"""What lay input changed: "my impact", proposal traceability, the "you said, we did" board,
the community timeline and open data."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import login_required

from . import influence  # noqa: F401 - keeps outcomes in step with themes
from .labels import LABELS

bp = Blueprint("impact", __name__)


@bp.app_context_processor
def impact_labels():
    return LABELS


@bp.get("/my/impact")
@login_required
def mine():
    return render_template("impact/mine.html", title=_("My impact"))
