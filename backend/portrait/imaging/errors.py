"""Why an upload could not become an image. Messages are human sentences safe to show users.

Imaging stays free of Flask; the avatar service maps these to the API's domain errors
(415, 413, 422) in one table.
"""


class ImagingError(Exception):
    """Base class: the upload is not something we can turn into an avatar."""


class UnsupportedFormat(ImagingError):
    """The bytes are not JPEG, PNG, WebP, GIF or HEIC/HEIF (whatever the name or type says)."""


class TooLarge(ImagingError):
    """Too many bytes, or a header that declares too many pixels (checked before decoding)."""


class CorruptImage(ImagingError):
    """A supported format whose data is empty, truncated or otherwise undecodable."""


class TooSmall(ImagingError):
    """Decodes fine but is smaller than the smallest crop we allow."""
