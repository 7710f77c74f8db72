"""The API with crop moderation skipped, for bench_avatar's same-run reference only.

Only the extra views (the published square, the tiles) are skipped: the whole-picture check
still runs. Never a way to run the product: the switch exists in this benchmark alone.
"""

from portrait import create_app as _create_app
from portrait.services import screening


def create_app():
    screening.check_views = lambda **_: []
    return _create_app()
