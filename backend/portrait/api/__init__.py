"""The API's blueprints, registered in this order by `create_app` (each carries its full
url_prefix: /api/v1/<resource>, or the root for health and /media).

To add a resource: write `portrait/api/<resource>.py` with a flask-smorest `Blueprint` named
`bp` and add the module here.
"""

from portrait.api import (
    account_mail,
    admin,
    appeals,
    auth,
    avatar,
    health,
    me,
    media,
    models,
    moderation,
    profiles,
    reports,
    sessions,
    totp,
    webhooks,
)

BLUEPRINTS = [
    health.bp,
    auth.bp,
    account_mail.bp,
    me.bp,
    sessions.bp,
    totp.bp,
    profiles.bp,
    reports.bp,
    avatar.bp,
    models.bp,
    appeals.bp,
    media.bp,
    moderation.bp,
    admin.bp,
    webhooks.bp,
]
