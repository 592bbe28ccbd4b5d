"""The glossary A to Z, and coordinators adding, changing and removing terms."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import db, permissions
from ..communities.models import Community
from ..i18n import LANGUAGE_NAMES
from ..pagination import paginate
from . import glossary
from .forms import GlossaryFilterForm, GlossaryTermForm
from .views import language_options

GLOSSARY_PER_PAGE = 50
SITE_WIDE = "site"


def glossary_index():
    form = GlossaryFilterForm(request.args)
    form.language.choices = [("", _("All languages"))] + language_options()
    language = form.language.data if form.language.data in LANGUAGE_NAMES else ""
    letter = request.args.get("letter", "")[:1].upper()
    return render_template(
        "briefings/glossary.html",
        form=form,
        letter=letter,
        initials=glossary.initials(language),
        page=paginate(glossary.listing_query(letter=letter, language=language), GLOSSARY_PER_PAGE),
        may_manage=permissions.can_manage_glossary(current_user),
        managed_ids=_managed_ids(),
        title=_("Glossary: words explained"),
    )


def _managed_ids():
    if not current_user.is_authenticated:
        return set()
    return {row.id for row in glossary.managed_communities(current_user)}


def _scope_choices():
    choices = []
    if permissions.can_manage_glossary(current_user):
        choices.append((SITE_WIDE, _("Every community (site-wide)")))
    for row in glossary.managed_communities(current_user):
        choices.append((str(row.id), row.name))
    return choices


def _term_form(term=None):
    form = GlossaryTermForm(obj=None)
    if request.method == "GET" and term is not None:
        form.word.data = term.term
        form.explanation.data = term.explanation
        form.say_instead.data = term.say_instead
        form.language.data = term.language
        form.scope.data = str(term.community_id) if term.community_id else SITE_WIDE
    form.language.choices = language_options()
    form.scope.choices = _scope_choices()
    return form


def _chosen_community(form):
    if form.scope.data == SITE_WIDE:
        return None
    return db.session.get(Community, int(form.scope.data))


@login_required
def glossary_new():
    if not permissions.can_manage_glossary(current_user):
        abort(403)
    return _save_term(None, _("Add a term to the glossary"))


@login_required
def glossary_edit(term_id):
    term, community = glossary.get(term_id)
    if term is None:
        abort(404)
    if not permissions.can_manage_glossary(current_user, community):
        abort(403)
    return _save_term(term, _("Change a glossary term"), community)


def _save_term(term, title, community=None):
    form = _term_form(term)
    if form.validate_on_submit():
        try:
            glossary.save(
                current_user,
                _chosen_community(form),
                term=term,
                language=form.language.data,
                word=form.word.data,
                explanation=form.explanation.data,
                say_instead=form.say_instead.data,
            )
        except glossary.Refused as refusal:
            form.word.errors = [str(refusal.message)]
        except glossary.NotAllowed:
            abort(403)
        else:
            flash(_("The glossary is updated."), "success")
            letter = glossary.initial_of(form.word.data)
            return redirect(url_for("briefings.glossary_index", letter=letter))
    return render_template(
        "briefings/glossary_form.html",
        form=form,
        term=term,
        title=title,
    )


@login_required
def glossary_delete(term_id):
    term, community = glossary.get(term_id)
    if term is None:
        abort(404)
    if not permissions.can_manage_glossary(current_user, community):
        abort(403)
    glossary.delete(current_user, term, community)
    flash(_("“%(term)s” is no longer in the glossary.", term=term.term), "success")
    return redirect(url_for("briefings.glossary_index"))
