"""Addresses of a list's rows, built once per list instead of once per row.

`url_for` costs about as much as the rest of a row of a long list. A list asks for
the pattern once (`url_pattern("consultations.show", "proposal_id")`) and each row
fills in its id (`pattern % proposal.id`).
"""

from typing import Any

from flask import url_for

_MARKER = 987654321  # a number, so that integer converters accept it


def url_pattern(endpoint: str, key: str, **values: Any) -> str:
    """The address of `endpoint` with the value of `key` left as `%s`."""
    address = url_for(endpoint, **{key: _MARKER, **values})
    return address.replace("%", "%%").replace(str(_MARKER), "%s", 1)
