"""Pagination without counting: fetch one row more than a page to know if there is a next.

A list that names its sort order as `key` turns its pages by keyset ("seek"), so that a
deep page costs what the first costs. The key is a tuple of ordering expressions, the
last of them unique, for example::

    paginate(query, key=(Contribution.submitted_at.desc(), Contribution.id.desc()))

The query is then ordered by the key (any order it had is replaced), and the link to the
next page carries `?after=<cursor>`, the key values of the last row shown; the link to
the previous page carries `?before=<cursor>`, those of the first. A page reached by a
cursor is read with "rows after these values" instead of OFFSET, straight from the index
that backs the order. The page number is carried along for display only; a plain
`?page=N` (a typed or an old link) is still read by OFFSET.

Key columns must be NOT NULL (or wrapped in `coalesce`). A key on a mapped attribute is
read from the instance of its class in each row (the row itself for a query of one
entity); any other key expression must be a labelled column of the row, read by its
label. A cursor is the key values as JSON in URL-safe base64; one that does not decode to
values of the key's column types is a 400, a page past the end a 404.

Two lists on one page turn their pages separately: give one a different `argument`
("claims_page"), and its cursors are `?claims_after=` and `?claims_before=`.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import abort, request
from sqlalchemy.sql import operators

from . import db

CURSOR_MAX_LENGTH = 1000
BIGGEST_INTEGER = 2**63 - 1


@dataclass
class Page:
    items: list
    number: int
    has_next: bool
    argument: str = "page"
    after: str | None = None  # the cursor of the next page, when the list has a key
    before: str | None = None  # the cursor of the previous page

    @property
    def has_previous(self):
        return self.number > 1

    def next_arguments(self):
        """The query arguments of the link to the next page: the others kept."""
        return self._arguments(self.number + 1, cursor_name(self.argument, "after"), self.after)

    def previous_arguments(self):
        """The query arguments of the link to the previous page; page 1 needs no cursor."""
        if self.number - 1 == 1 and self.before is not None:
            return self._arguments(None, None, None)
        return self._arguments(self.number - 1, cursor_name(self.argument, "before"), self.before)

    def _arguments(self, number, name, cursor):
        own = {
            self.argument,
            cursor_name(self.argument, "after"),
            cursor_name(self.argument, "before"),
        }
        arguments = {
            other: values
            for other, values in request.args.to_dict(flat=False).items()
            if other not in own
        }
        if number is not None:
            arguments[self.argument] = number
        if cursor is not None:
            arguments[name] = cursor
        return arguments


def cursor_name(argument, direction):
    """`after` for the list on `?page=`, `claims_after` for the one on `?claims_page=`."""
    prefix = argument.removesuffix("page")
    return prefix + direction


def paginate(query, per_page=20, key=None, argument="page"):
    """Run `query` for the page named by `?<argument>=` (or by a cursor, see above).

    A query of one entity gives objects; a query of several gives rows.
    """
    number = request.args.get(argument, 1, type=int)
    if number < 1:
        abort(404)
    if key is None:
        return _by_offset(query, per_page, number, argument)
    query = query.order_by(None).order_by(*key)
    after = request.args.get(cursor_name(argument, "after"))
    before = request.args.get(cursor_name(argument, "before"))
    if after is not None and before is not None:
        abort(400)
    if after is not None:
        rows = _rows(query.where(_beyond(key, decode_cursor(key, after))).limit(per_page + 1))
        page = Page(rows[:per_page], max(number, 2), len(rows) > per_page, argument)
    elif before is not None:
        backwards = [_reversed(expression) for expression in key]
        rows = _rows(
            query.order_by(None)
            .order_by(*backwards)
            .where(_beyond(backwards, decode_cursor(key, before)))
            .limit(per_page + 1)
        )
        # With nothing before these rows, this is the first page; otherwise it is not.
        number = max(number, 2) if len(rows) > per_page else 1
        page = Page(rows[:per_page][::-1], number, True, argument)
    else:
        page = _by_offset(query, per_page, number, argument)
    if not page.items and (after or before):
        abort(404)
    if page.items:
        page.after = encode_cursor(key_values(key, page.items[-1], query))
        page.before = encode_cursor(key_values(key, page.items[0], query))
    return page


def _by_offset(query, per_page, number, argument):
    rows = _rows(query.limit(per_page + 1).offset((number - 1) * per_page))
    if number > 1 and not rows:
        abort(404)
    return Page(rows[:per_page], number, len(rows) > per_page, argument)


def _rows(query):
    if len(query.column_descriptions) > 1:
        return db.session.execute(query).all()
    return list(db.session.scalars(query))


# The key and its cursor -----------------------------------------------------------------


def _column(expression):
    """The column (or labelled expression) an ordering expression sorts by."""
    return expression.element if isinstance(expression, sa.UnaryExpression) else expression


def _descending(expression):
    return isinstance(expression, sa.UnaryExpression) and expression.modifier is operators.desc_op


def _reversed(expression):
    column = _column(expression)
    return column.asc() if _descending(expression) else column.desc()


def _beyond(key, values):
    """Rows that come after `values` in the order of `key`.

    When every column runs the same way this is one row-value comparison, which both
    PostgreSQL and SQLite read from an index on the key; otherwise it is spelled out.
    """
    columns = [_column(expression) for expression in key]
    bound = [sa.literal(value, column.type) for column, value in zip(columns, values, strict=True)]
    directions = {_descending(expression) for expression in key}
    if len(directions) == 1:
        if directions == {True}:
            return sa.tuple_(*columns) < sa.tuple_(*bound)
        return sa.tuple_(*columns) > sa.tuple_(*bound)
    conditions = []
    for position, expression in enumerate(key):
        column, value = columns[position], bound[position]
        further = column < value if _descending(expression) else column > value
        equal = [columns[before] == bound[before] for before in range(position)]
        conditions.append(sa.and_(*equal, further))
    return sa.or_(*conditions)


def key_values(key, row, query):
    """The values of the key's columns in one row of the page."""
    single = len(query.column_descriptions) == 1
    values = []
    for expression in key:
        column = _column(expression)
        entity = column._annotations.get("parententity")
        if entity is not None and single and isinstance(row, entity.class_):
            value = getattr(row, column._annotations["proxy_key"])
        elif entity is not None and entity.entity in row._mapping:
            value = getattr(row._mapping[entity.entity], column._annotations["proxy_key"])
        elif not single and column.name in row._mapping:
            value = row._mapping[column.name]
        else:
            raise ValueError(f"the pagination key {column} is not in the rows of the query")
        if value is None:
            raise ValueError(f"the pagination key {column} is NULL; use coalesce")
        values.append(value)
    return values


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(values):
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(key, cursor):
    """The key values in `cursor`, each of its column's type; anything else is a 400."""
    if len(cursor) > CURSOR_MAX_LENGTH:
        abort(400)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        values = json.loads(text)
        if not isinstance(values, list) or len(values) != len(key):
            abort(400)
        return [
            _typed(_column(expression).type, value)
            for expression, value in zip(key, values, strict=True)
        ]
    except (binascii.Error, ValueError, TypeError, OverflowError, InvalidOperation):
        abort(400)


def _typed(column_type, value):
    """`value` read from JSON as the Python type of `column_type`, or a ValueError."""
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    wanted = column_type.python_type
    if wanted is bool and isinstance(value, bool):
        return value
    if wanted is int and isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > BIGGEST_INTEGER:
            raise ValueError("integer out of range")
        return value
    if wanted is str and isinstance(value, str) and "\x00" not in value:
        return value
    if wanted is Decimal and isinstance(value, str):
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError("not a finite number")
        return number
    if wanted is datetime and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if (moment.tzinfo is not None) != bool(getattr(column_type, "timezone", False)):
            raise ValueError("wrong kind of datetime")
        if moment.tzinfo is not None:
            moment.astimezone(UTC)  # raises OverflowError at the ends of time
        return moment
    if wanted is date and isinstance(value, str):
        return date.fromisoformat(value)
    raise ValueError(f"not a {wanted.__name__}")
