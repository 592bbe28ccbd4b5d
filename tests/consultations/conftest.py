"""Consultation tests call services directly as well as through pages."""

import pytest


@pytest.fixture(autouse=True)
def _request_context(app, _transaction):
    """Messages are translated and notifications carry links: both need a request."""
    with app.test_request_context():
        yield
