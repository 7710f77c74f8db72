"""Generated default avatars: initials on a colour from the handle."""

from __future__ import annotations

import pytest

from portrait.services.media import default_avatar_svg, hue, initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", "AL"),
        ("ada", "A"),
        ("  Zoë   Ünal  Third ", "ZÜ"),
        ("李 小龙", "李小"),
        ("ﬃ ligature", "FF"),
        ("!!! ???", "?"),
        ("", "?"),
    ],
)
def test_default_avatar_initials_are_one_or_two_drawable_letters(name, expected):
    assert initials(name) == expected
    svg = default_avatar_svg(hue_value=hue("some_handle"), text=expected)
    assert svg.startswith("<svg") and f">{expected}</text>" in svg


def test_default_avatar_colour_follows_the_handle_in_any_case():
    assert hue("Ada_L") == hue("ada_l")
    assert 0 <= hue("ada_l") < 360
