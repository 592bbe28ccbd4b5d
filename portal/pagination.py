"""Pagination without counting: fetch one row more than a page to know if there is a next."""

from dataclasses import dataclass

from flask import abort, request

from . import db


@dataclass
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1


def paginate(query, per_page=20):
    """Run `query` for the page named by `?page=`; a page past the end is a 404.

    A query of one entity gives objects; a query of several gives rows.
    """
    number = request.args.get("page", 1, type=int)
    if number < 1:
        abort(404)
    query = query.limit(per_page + 1).offset((number - 1) * per_page)
    if len(query.column_descriptions) > 1:
        rows = db.session.execute(query).all()
    else:
        rows = list(db.session.scalars(query))
    if number > 1 and not rows:
        abort(404)
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)
