"""The API's blueprints, registered in this order by `create_app` (each carries its full
url_prefix: /api/v1/<resource>, or the root for health and /media).

To add a resource: write `portrait/api/<resource>.py` with a flask-smorest `Blueprint` named
`bp` and add the module here.
"""

from portrait.api import auth, avatar, health, me, media, profiles, webhooks

BLUEPRINTS = [
    health.bp,
    auth.bp,
    me.bp,
    profiles.bp,
    avatar.bp,
    media.bp,
    webhooks.bp,
]
