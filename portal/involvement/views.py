"""Involvement pages: activities, payments, expenses, and each lay partner's own record."""

from flask import Blueprint

from .labels import LABELS

bp = Blueprint("involvement", __name__)


@bp.app_context_processor
def involvement_labels():
    return LABELS


@bp.get("/my/involvement")
def mine():
    return "", 404


@bp.get("/expenses/<int:claim_id>")
def claim(claim_id):
    return "", 404


@bp.get("/communities/<slug>/approvals")
def queue(slug):
    return "", 404
