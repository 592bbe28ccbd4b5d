"""influence_views"""

from .views import bp  # noqa: F401
