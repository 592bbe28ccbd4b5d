"""A proposal's trace drawn as an inline SVG diagram, built on the server.

Four tiers, read from the top: the contributions (by outcome), the themes they
were grouped under with what each did, the decision, and the service changes,
with an arrow from each tier to the next. A line for every single link would
cross the boxes and be hard to follow; `rows()` gives every link, for the
table shown under the diagram. The tiers stack downwards rather than sideways
so that the text stays readable on a 320 px screen; in a right-to-left
language the boxes run from the right. `role="img"` with a title and a text
description gives screen readers a summary. Counts only: the diagram never
holds a name.
"""

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from .. import caching
from ..i18n import dateformat
from .labels import CHANGE_STATUS_LABELS, EFFECT_LABELS, OUTCOME_LABELS

WIDTH = 340
MARGIN = 10
GAP = 8
FONT = 13
LINE = 17
HEADING = 24  # a tier's heading, above its boxes
TIER_SPACE = 30  # between tiers, where the arrows run

TEXT = "#212b32"
LINE_COLOUR = "#4c6272"
BORDERS = {"shaped": "#007f3b", "not_adopted": "#d5281b", "awaiting": "#4c6272"}
BORDER = "#005eb8"


def _wrap(text, width, most):
    """Lines of at most `width` characters, at most `most` of them (the last cut with …)."""
    lines, current = [], ""
    for word in str(text).split():
        if len(word) > width:
            word = word[: width - 1] + "…"
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines or [""]


def _contributions(count):
    return ngettext("%(num)d contribution", "%(num)d contributions", count)


def name_of(node):
    """What a box is called, in words, for the table and the description."""
    if node.kind == "outcome":
        return _("Contributions: %(outcome)s", outcome=OUTCOME_LABELS[node.key])
    if node.kind == "theme":
        return _("Theme: %(name)s", name=node.label)
    if node.kind == "decision":
        return _("Decision on: %(title)s", title=node.label)
    return _("Change: %(title)s", title=node.label)


def _lines(node, width, effects=""):
    """The text inside a box: (text, bold) pairs. `effects`: what a theme's links did."""
    chars = max(8, int((width - 12) / (FONT * 0.56)))
    if node.kind == "outcome":
        return [(str(node.count), True)] + [
            (line, False) for line in _wrap(OUTCOME_LABELS[node.key], chars, 2)
        ]
    if node.kind == "theme":
        did = [(line, False) for line in _wrap(effects, chars, 4)] if effects else []
        return (
            [(line, True) for line in _wrap(node.label, chars, 2)]
            + [(_contributions(node.count), False)]
            + did
        )
    if node.kind == "decision":
        return [(line, True) for line in _wrap(node.label, chars, 2)] + [
            (_("Decided %(date)s", date=dateformat(node.decided_on)), False)
        ]
    status = _(
        "%(status)s, %(progress)d%% done",
        status=CHANGE_STATUS_LABELS[node.status],
        progress=node.progress,
    )
    return [(line, True) for line in _wrap(node.label, chars, 2)] + [(status, False)]


class _Canvas:
    def __init__(self, rtl):
        self.rtl = rtl
        self.parts = []

    def x(self, x, width=0):
        """Mirror a left-to-right position for a right-to-left language."""
        return WIDTH - x - width if self.rtl else x

    def tier(self, y, heading, nodes, columns, start, empty, effects=None):
        """Draw a tier's heading and boxes from `y`; return the y below it."""
        self.parts.append(
            Markup(
                '<text x="{x:.1f}" y="{y}" font-size="14" font-weight="bold" fill="{fill}" '
                'text-anchor="start">{text}</text>'
            ).format(x=self.x(start), y=y + 14, fill=TEXT, text=heading)
        )
        y += HEADING
        room = WIDTH - MARGIN - start
        width = (room - GAP * (columns - 1)) / columns
        if not nodes:
            self.parts.append(
                Markup(
                    '<rect x="{x:.1f}" y="{y}" width="{width}" height="{height}" rx="4" '
                    'fill="#ffffff" stroke="{stroke}" stroke-dasharray="4 3"/>'
                ).format(
                    x=self.x(start, room), y=y, width=room, height=LINE + 14, stroke=LINE_COLOUR
                )
            )
            self._text(start + room / 2, y + 7, [(empty, False)])
            return y + LINE + 14
        for row_start in range(0, len(nodes), columns):
            row = nodes[row_start : row_start + columns]
            contents = [_lines(node, width, (effects or {}).get(node.key, "")) for node in row]
            height = max(len(lines) for lines in contents) * LINE + 14
            for index, (node, lines) in enumerate(zip(row, contents, strict=True)):
                left = start + index * (width + GAP)
                border = BORDERS.get(node.key, BORDER) if node.kind == "outcome" else BORDER
                self.parts.append(
                    Markup(
                        '<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{height}" rx="4" '
                        'fill="#ffffff" stroke="{stroke}" stroke-width="2"/>'
                    ).format(x=self.x(left, width), y=y, width=width, height=height, stroke=border)
                )
                self._text(left + width / 2, y + 7, lines)
            y += height + GAP
        return y - GAP

    def _text(self, centre, top, lines):
        for number, (line, bold) in enumerate(lines):
            self.parts.append(
                Markup(
                    '<text x="{x:.1f}" y="{y}" font-size="{size}" font-weight="{weight}" '
                    'fill="{fill}" text-anchor="middle">{text}</text>'
                ).format(
                    x=self.x(centre),
                    y=top + (number + 1) * LINE - 4,
                    size=FONT,
                    weight="bold" if bold else "normal",
                    fill=TEXT,
                    text=line,
                )
            )

    def arrow(self, top, bottom):
        """An arrow down the middle, from one tier to the next."""
        centre = self.x(WIDTH / 2)
        self.parts.append(
            Markup(
                '<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}" '
                'stroke-width="2" marker-end="url(#trace-arrow)"/>'
            ).format(x=centre, top=top + 3, bottom=bottom - 5, stroke=LINE_COLOUR)
        )


def theme_effects(trace):
    """{theme key: what its links did and where they lead, in words}, e.g.
    "Adopted in Evening clinics; Not adopted in Decision on: Parking"."""
    found = {}
    for source, target, effect, _count in trace.edges:
        if source.kind == "theme" and effect:
            said = _("%(effect)s in %(target)s", effect=EFFECT_LABELS[effect], target=target.label)
            if said not in found.setdefault(source.key, []):
                found[source.key].append(said)
    return {key: "; ".join(lines) for key, lines in found.items()}


def trace_svg(trace, *, title, rtl=False):
    """The diagram as inline SVG markup: every text in it is escaped."""
    canvas = _Canvas(rtl)
    tiers = [
        (_("Contributions"), trace.outcomes, 3, ""),
        (_("Themes"), trace.themes, 2, _("No themes yet")),
        (_("Decision"), trace.decisions, 1, _("No decision yet")),
        (_("Changes"), trace.changes, 1, _("No service changes yet")),
    ]
    effects = theme_effects(trace)
    y = MARGIN
    for number, (heading, nodes, columns, empty) in enumerate(tiers):
        if number:
            canvas.arrow(y, y + TIER_SPACE)
            y += TIER_SPACE
        y = canvas.tier(y, heading, nodes, columns, MARGIN, empty, effects)
    height = y + MARGIN
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="trace-title" '
        'aria-describedby="trace-desc" viewBox="0 0 {width} {height}" width="100%" '
        'direction="{direction}" font-family="Frutiger W01, Arial, sans-serif" '
        'focusable="false"><title id="trace-title">{title}</title>'
        '<desc id="trace-desc">{desc}</desc>'
        '<defs><marker id="trace-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{fill}"/>'
        "</marker></defs>"
    ).format(
        width=WIDTH,
        height=round(height),
        direction="rtl" if rtl else "ltr",
        title=title,
        desc=describe(trace),
        fill=LINE_COLOUR,
    )
    return head + Markup("").join(canvas.parts) + Markup("</svg>")


def describe(trace):
    """The diagram in words, for its `<desc>`."""
    counts = trace.counts
    sentences = [
        ngettext("%(num)d contribution counts.", "%(num)d contributions count.", counts["total"]),
        _(
            "Shaped a change: %(shaped)d. Not adopted: %(not_adopted)d. "
            "Waiting for an outcome: %(awaiting)d.",
            shaped=counts["shaped"],
            not_adopted=counts["not_adopted"],
            awaiting=counts["awaiting"],
        ),
    ]
    if trace.themes:
        themes = [
            ngettext(
                "%(name)s, %(num)d contribution",
                "%(name)s, %(num)d contributions",
                node.count,
                name=node.label,
            )
            for node in trace.themes
        ]
        sentences.append(_("Themes: %(themes)s.", themes="; ".join(themes)))
        for node in trace.themes:
            if led := theme_effects(trace).get(node.key):
                sentences.append(_("%(theme)s leads to: %(led)s.", theme=node.label, led=led))
    else:
        sentences.append(_("No themes yet."))
    if trace.decision is not None:
        sentences.append(
            _("Decision recorded %(date)s.", date=dateformat(trace.decision.decided_on))
        )
    else:
        sentences.append(_("No decision yet."))
    if trace.changes:
        changes = [
            _(
                "%(title)s (%(status)s, %(progress)d%% done)",
                title=node.label,
                status=CHANGE_STATUS_LABELS[node.status],
                progress=node.progress,
            )
            for node in trace.changes
        ]
        sentences.append(_("Service changes: %(changes)s.", changes="; ".join(changes)))
    else:
        sentences.append(_("No service changes yet."))
    sentences.append(_("Every link is in the table below the diagram."))
    return " ".join(sentences)


def what_it_did(source, target, effect):
    """What one line of the trace did, in words."""
    if source.kind == "outcome" and target.kind == "theme":
        return _("Grouped under this theme")
    if source.kind == "decision":
        return _("Carried out by this change")
    if source.kind == "theme":
        return _("Linked through the theme: %(effect)s", effect=EFFECT_LABELS[effect])
    return _("Linked directly: %(effect)s", effect=EFFECT_LABELS[effect])


def rows(trace):
    """One row for each line in the diagram: from, to, what it did, and how many."""
    return [
        {
            "source": name_of(source),
            "target": name_of(target),
            "effect": what_it_did(source, target, effect),
            "count": count,
        }
        for source, target, effect, count in trace.edges
    ]


def both_ways(trace):
    """Sentences for the contributions linked directly and through a theme to one target."""
    return [
        ngettext(
            "%(num)d contribution was linked directly to “%(target)s”, and through the theme "
            "“%(theme)s”: it counts once, with the direct link's effect.",
            "%(num)d contributions were linked directly to “%(target)s”, and through the theme "
            "“%(theme)s”: each counts once, with the direct link's effect.",
            count,
            target=target.label,
            theme=theme.label,
        )
        for theme, target, count in trace.both
    ]


def drawn(trace, *, title, rtl=False):
    """(the SVG, its rows, its "both ways" sentences) of a trace, kept (caching.remember)
    under everything they are drawn from: the same counts, boxes and words give the
    same drawing, so a kept one is never out of date, and a busy proposal's trace is
    drawn once for all its readers instead of on every page."""
    decided_on = trace.decision.decided_on if trace.decision is not None else None
    content = (
        "trace-drawing",
        str(get_locale()),
        rtl,
        str(title),
        sorted(trace.counts.items()),
        trace.outcomes,
        trace.themes,
        trace.decisions,
        trace.changes,
        trace.edges,
        sorted(trace.theme_effects.items()),
        trace.both,
        decided_on,
    )

    return caching.remember(
        content,
        lambda: (trace_svg(trace, title=title, rtl=rtl), rows(trace), both_ways(trace)),
    )
