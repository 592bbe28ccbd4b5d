"""The directory's kept pages are renewed by every change to what it lists."""

from portal import db
from portal.communities import services
from tests import factories


def test_creating_changing_archiving_and_restoring_a_community_renew_the_directory(app):
    admin = factories.make_user(is_site_admin=True)
    db.session.flush()
    with app.test_request_context():
        community = services.create_community(
            admin, name="Hearing loss", purpose="Better hearing services", service_area="ENT"
        )
        assert services.DIRECTORY in db.session.info.pop("renewed_stamps")
        for change in (
            lambda: services.update_community(admin, community, purpose="Hearing care"),
            lambda: services.archive_community(admin, community),
            lambda: services.restore_community(admin, community),
        ):
            change()
            assert services.DIRECTORY in db.session.info.pop("renewed_stamps")
