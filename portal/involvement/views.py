"""Involvement pages: activities, payments, expenses, and each lay partner's own record."""

from .labels import LABELS


def involvement_labels():
    return LABELS
