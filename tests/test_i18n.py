"""Labels shown in lists are translated once per language, and follow the reader's."""

from flask_babel import force_locale

from portal.communities.forms import ROLE_LABELS
from portal.i18n import Labels


def test_labels_follow_the_language_in_use(app):
    labels = Labels(ROLE_LABELS)
    with app.test_request_context():
        with force_locale("cy"):
            welsh = labels["coordinator"]
        with force_locale("en"):
            assert labels["coordinator"] == "Coordinator"
            assert labels.get("nobody") is None and "coordinator" in labels
            assert [key for key, _label in labels.items()] == list(ROLE_LABELS)
        with force_locale("cy"):
            assert labels["coordinator"] == welsh == "Cydlynydd"
