"""Reading briefings: the list, a briefing, its versions and differences, and feedback."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db, loaders, permissions
from ..communities import services as communities
from ..communities.models import Community
from ..i18n import LANGUAGE_NAMES, Labels, direction_of
from ..pagination import paginate
from . import diffs, glossary, services
from .forms import (
    PART_LABELS,
    VISIBILITY_LABELS,
    BriefingSearchForm,
    CompareForm,
    FeedbackForm,
)
from .rendering import mark_terms

PER_PAGE = 20


LABELS = {
    "part_labels": Labels(PART_LABELS),
    "briefing_visibility_labels": Labels(VISIBILITY_LABELS),
}


def labels():
    return LABELS


def language_options():
    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["SUPPORTED_LOCALES"]]


def glossary_help(body_html, community_id, language):
    """The body with glossary terms linked, and the terms it explains, in order of use."""
    terms = glossary.terms_for(community_id, language)
    anchors = {f"term-{term.id}": term for term in terms}
    marked, used = mark_terms(body_html, tuple((anchor, t.term) for anchor, t in anchors.items()))
    return marked, [(anchor, anchors[anchor]) for anchor in used]


def document_context(title, summary, body_html, easy_read_html, language, community_id):
    """What `briefings/_document.html` needs to show a briefing's words."""
    marked, explained = glossary_help(body_html, community_id, language)
    return {
        "title": title,
        "summary": summary,
        "body_html": marked,
        "easy_read_html": easy_read_html,
        "language": language,
        "direction": direction_of(language),
        "explained": explained,
    }


def community_briefings(community, limit=5):
    """The newest briefings of a community the user may read.

    No count: counting every briefing a reader may see grows with the data.
    """
    query = services.listing_query(current_user, community_id=community.id).limit(limit)
    return db.session.execute(query).all()


def index():
    form = BriefingSearchForm(request.args)
    all_communities = communities.directory_query(current_user).with_only_columns(
        Community.slug, Community.name
    )
    choices = {row.slug: row.name for row in db.session.execute(all_communities)}
    form.community.choices = [("", _("All communities"))] + list(choices.items())
    form.language.choices = [("", _("All languages"))] + language_options()
    community = communities.get_by_slug(form.community.data) if form.community.data else None
    language = form.language.data if form.language.data in LANGUAGE_NAMES else ""
    query = services.listing_query(
        current_user,
        search=form.q.data or "",
        community_id=community.id if community else None,
        language=language,
    )
    return render_template(
        "briefings/index.html",
        form=form,
        page=paginate(query, PER_PAGE),
        community=community,
        title=_("Briefings"),
    )


def show(briefing_id):
    briefing = loaders.readable_briefing(briefing_id)
    if not briefing.is_published:
        return redirect(url_for("briefings.preview", briefing_id=briefing.id))
    return render_show(briefing, FeedbackForm(formdata=None))


def render_show(briefing, feedback_form, status=200, count_view=True):
    """The latest version, in the reader's language when it has been translated."""
    community = briefing.community
    wanted = request.args.get("language") or str(get_locale())
    if "language" not in request.args and briefing.original_id is not None:
        wanted = briefing.language  # a translation's own address shows that translation
    shown = briefing
    if wanted in LANGUAGE_NAMES and briefing.language != wanted:
        translated = services.in_language(briefing, wanted)
        if translated is not None and permissions.can_read_briefing(current_user, translated):
            shown = translated
    version = services.latest_version(shown)
    if count_view:
        services.record_view(shown, current_user)
    answer = services.feedback_of(current_user, shown)
    if answer is not None and not feedback_form.is_submitted():
        feedback_form.useful.data = "yes" if answer.useful else "no"
        feedback_form.comment.data = answer.comment
    return (
        render_template(
            "briefings/show.html",
            briefing=shown,
            community=community,
            version=version,
            translations=services.translations(shown),
            wanted=wanted,
            related=services.related(shown, current_user),
            answer=answer,
            form=feedback_form,
            title=version.title,
        ),
        status,
    )


@login_required
def feedback(briefing_id):
    briefing = loaders.readable_briefing(briefing_id)
    if not briefing.is_published:
        abort(404)
    form = FeedbackForm()
    if not form.validate_on_submit():
        return render_show(briefing, form, status=400, count_view=False)
    services.save_feedback(
        current_user,
        briefing,
        useful=form.useful.data == "yes",
        comment=form.comment.data,
    )
    flash(_("Thank you. Your answer helps us write clearer briefings."), "success")
    return redirect(url_for("briefings.show", briefing_id=briefing.id, language=briefing.language))


def versions(briefing_id):
    briefing = loaders.readable_briefing(briefing_id)
    community = briefing.community
    page = paginate(services.versions_query(briefing), PER_PAGE)
    form = CompareForm(request.args)
    numbers = range(briefing.version_number, 0, -1)
    form.old.choices = form.new.choices = [(n, _("Version %(number)d", number=n)) for n in numbers]
    form.new.data = form.new.data or briefing.version_number
    form.old.data = form.old.data or max(1, briefing.version_number - 1)
    return render_template(
        "briefings/versions.html",
        briefing=briefing,
        community=community,
        page=page,
        form=form,
        title=_("Versions of this briefing"),
    )


def _version_or_404(briefing, number):
    version = services.get_version(briefing, number)
    if version is None:
        abort(404)
    return version


def version(briefing_id, number):
    briefing = loaders.readable_briefing(briefing_id)
    community = briefing.community
    shown = _version_or_404(briefing, number)
    return render_template(
        "briefings/version.html",
        briefing=briefing,
        community=community,
        version=shown,
        title=shown.title,
    )


def compare(briefing_id):
    briefing = loaders.readable_briefing(briefing_id)
    community = briefing.community
    old_number = request.args.get("old", max(1, briefing.version_number - 1), type=int)
    new_number = request.args.get("new", briefing.version_number, type=int)
    old, new = _version_or_404(briefing, old_number), _version_or_404(briefing, new_number)
    return render_template(
        "briefings/compare.html",
        briefing=briefing,
        community=community,
        old=old,
        new=new,
        changes=diffs.diff_versions(old, new),
        title=_("Changes from version %(old)d to version %(new)d", old=old.number, new=new.number),
    )


@login_required
def insights(briefing_id):
    briefing = loaders.authored_briefing(briefing_id)
    community = briefing.community
    return render_template(
        "briefings/insights.html",
        briefing=briefing,
        community=community,
        totals=services.insights(briefing),
        translations=services.translations(briefing),
        comments=paginate(services.comments_query(briefing), PER_PAGE),
        title=_("Insights: how this briefing is read"),
    )
