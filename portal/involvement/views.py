"""Involvement pages: activities, payments, expenses, and each lay partner's own record."""

from flask import Blueprint

from .labels import LABELS

bp = Blueprint("involvement", __name__)


@bp.app_context_processor
def involvement_labels():
    return LABELS
