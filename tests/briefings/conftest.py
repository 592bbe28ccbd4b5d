"""Briefing tests call services directly as well as through pages."""

import pytest


@pytest.fixture(autouse=True)
def _request_context(app, _transaction):
    """Messages from services are translated, which needs a request's language."""
    with app.test_request_context():
        yield
