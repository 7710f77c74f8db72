"""The password rule: refuse what people commonly pick (zxcvbn's offline dictionaries of
common and leaked passwords, names, words, keyboard walks, dates), and say why."""

from __future__ import annotations

from flask import current_app
from zxcvbn import zxcvbn

# zxcvbn refuses longer input; a prefix this long that is hard to guess already makes the
# whole password hard to guess.
CHECKED_CHARACTERS = 72


def weakness(password: str) -> str | None:
    """Why `password` is too easy to guess, or None when it scores PASSWORD_MIN_SCORE+."""
    if not password:
        return None  # the length rule answers (and zxcvbn fails on an empty string)
    result = zxcvbn(password[:CHECKED_CHARACTERS])
    if result["score"] >= current_app.config["PASSWORD_MIN_SCORE"]:
        return None
    feedback = result["feedback"]
    reasons = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    why = " ".join(reason for reason in reasons if reason)
    return f"This password is too easy to guess. {why or 'Use a longer, less common one.'}"
