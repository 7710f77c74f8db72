"""The avatar as a user sees it: upload, every size served, re-frame, remove, defaults."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portrait.models.media import Media
from tests.utils import images
from tests.utils.avatar import API, snapshot, upload, upload_raw
from tests.utils.factories import PASSWORD


@pytest.fixture
def app(make_app, model_service_url):
    """The API wired to the real model service."""
    return make_app(MODELS_URL=model_service_url)


SIZES = {"512": 512, "256": 256, "128": 128, "64": 64, "jpeg": 256}


def media_keys() -> set[str]:
    return {doc["_id"] for doc in Media._get_collection().find({}, {"_id": 1})}


def fetch_image(client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200
    return Image.open(io.BytesIO(response.data))


def test_upload_frames_the_face_and_serves_every_size(client, with_avatar):
    account, avatar = with_avatar
    assert set(avatar["urls"]) == set(SIZES)
    for name, url in avatar["urls"].items():
        image = fetch_image(client, url)
        assert image.size == (SIZES[name], SIZES[name])
        assert image.format == ("JPEG" if name == "jpeg" else "WEBP")
    assert avatar["master"]["width"] == avatar["master"]["height"] == 512
    crop = avatar["crop"]
    assert crop["width"] == crop["height"] >= 64
    face_x, face_y, face_w, face_h = images.ASTRONAUT_FACE
    assert crop["x"] <= face_x and face_x + face_w <= crop["x"] + crop["width"]
    assert crop["y"] <= face_y and face_y + face_h <= crop["y"] + crop["height"]
    assert avatar["faces"], "the framing model saw the astronaut's face"
    moderation = avatar["moderation"]
    assert moderation["explicit"] is False and moderation["model"] and moderation["version"]


def test_an_avatar_change_gives_the_profile_a_new_etag(client, account):
    before = client.get(f"{API}/me", headers=account.headers).headers["ETag"]
    response = upload(client, account, images.jpeg())
    after = client.get(f"{API}/me", headers=account.headers).headers["ETag"]
    assert before != after == response.headers["ETag"]
    cached = client.get(f"{API}/me", headers={**account.headers, "If-None-Match": before})
    assert cached.status_code == 200  # the old representation is stale


def test_me_carries_the_full_avatar_and_public_profiles_only_urls(client, with_avatar):
    account, avatar = with_avatar
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["avatar"]["urls"] == avatar["urls"]
    assert me["avatar"]["crop"] == avatar["crop"]
    assert set(me["avatar"]) >= {"urls", "crop", "master", "faces", "moderation"}
    public = client.get(f"{API}/profiles/{account.handle}").get_json()
    assert public["avatar"] == {"urls": avatar["urls"]}


@pytest.mark.parametrize(
    ("data", "how"),
    [
        (images.encode(images.photo((300, 200)), "PNG"), "raw"),
        (images.webp(), "multipart"),
        (images.heic(), "raw"),
        (images.animated_gif(), "multipart"),
        (images.cmyk_jpeg(), "multipart"),
        (images.png_with_alpha(), "raw"),
        (images.grey16_png(), "multipart"),
    ],
)
def test_every_accepted_format_becomes_an_avatar(client, account, data, how):
    # A misleading name and type on purpose: only the bytes decide.
    if how == "raw":
        response = upload_raw(client, account, data, content_type="text/plain")
    else:
        response = upload(client, account, data, filename="x.txt", content_type="text/plain")
    assert response.status_code == 200, response.get_json()
    assert fetch_image(client, response.get_json()["urls"]["128"]).size == (128, 128)


def test_exif_rotated_photo_is_upright_and_carries_no_gps(client, account):
    response = upload(client, account, images.exif_rotated_jpeg_with_gps())
    assert response.status_code == 200
    avatar = response.get_json()
    assert (avatar["master"]["width"], avatar["master"]["height"]) == (100, 200)
    master = client.get(avatar["master"]["url"])
    for body in [master.data] + [client.get(url).data for url in avatar["urls"].values()]:
        for marker in (b"Exif", b"GPS", b"SecretCam", b"xmpmeta", b"taken at home"):
            assert marker not in body


def test_a_new_upload_replaces_the_old_files(client, with_avatar):
    account, first = with_avatar
    response = upload(client, account, images.jpeg((800, 600)))
    assert response.status_code == 200
    second = response.get_json()
    for url in first["urls"].values():
        assert client.get(url).status_code == 404
    expected = {url.rsplit("/", 1)[1] for url in second["urls"].values()}
    expected.add(second["master"]["url"].rsplit("/", 1)[1])
    assert media_keys() == expected


def test_reframe_renders_from_the_master_without_a_new_upload(client, with_avatar):
    account, first = with_avatar
    box = {"x": 0, "y": 0, "width": 200, "height": 201}
    response = client.patch(f"{API}/me/avatar/crop", json=box, headers=account.headers)
    assert response.status_code == 200, response.get_json()
    framed = response.get_json()
    assert framed["crop"] == {"x": 0, "y": 0, "width": 200, "height": 200}
    assert framed["master"] == first["master"]
    assert framed["urls"] != first["urls"]
    assert client.get(first["urls"]["512"]).status_code == 404
    assert client.get(framed["master"]["url"]).status_code == 200
    assert len(media_keys()) == 6  # one master, five variants
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["avatar"]["crop"] == framed["crop"]


@pytest.mark.parametrize(
    ("box", "status"),
    [
        ({"x": 400, "y": 0, "width": 200, "height": 200}, 422),  # outside the 512 px master
        ({"x": 0, "y": 0, "width": 200, "height": 150}, 422),  # not square
        ({"x": 0, "y": 0, "width": 63, "height": 63}, 422),  # too small
        ({"x": -1, "y": 0, "width": 100, "height": 100}, 422),  # negative
        ({"x": 0, "y": 0, "width": 100}, 422),  # missing field
        ({"x": 0, "y": 0, "width": 100, "height": 100, "scale": 2}, 422),  # unknown field
    ],
)
def test_invalid_crops_are_refused_and_change_nothing(client, with_avatar, box, status):
    account, _ = with_avatar
    before = snapshot(account.user["id"])
    response = client.patch(f"{API}/me/avatar/crop", json=box, headers=account.headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert snapshot(account.user["id"]) == before


def test_reframe_without_an_avatar_is_404(client, account):
    box = {"x": 0, "y": 0, "width": 100, "height": 100}
    response = client.patch(f"{API}/me/avatar/crop", json=box, headers=account.headers)
    assert response.status_code == 404


def test_delete_removes_the_avatar_and_its_files(client, with_avatar):
    account, avatar = with_avatar
    assert client.delete(f"{API}/me/avatar", headers=account.headers).status_code == 204
    assert media_keys() == set()
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["avatar"] is None
    assert me["default_avatar"]["default"] is True
    assert client.delete(f"{API}/me/avatar", headers=account.headers).status_code == 204


def test_account_deletion_removes_all_media(client, with_avatar):
    account, _ = with_avatar
    assert media_keys()
    assert (
        client.delete(f"{API}/me", json={"password": PASSWORD}, headers=account.headers).status_code
        == 204
    )
    assert media_keys() == set()


def test_media_are_cached_forever_with_a_strong_etag(client, with_avatar):
    _, avatar = with_avatar
    response = client.get(avatar["urls"]["256"])
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(avatar["urls"]["256"], headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(avatar["urls"]["256"], headers={"If-None-Match": '"other"'})
    assert other.status_code == 200


def test_the_master_is_never_publicly_cached(client, with_avatar):
    _, avatar = with_avatar
    response = client.get(avatar["master"]["url"])
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"].startswith("private")


@pytest.mark.parametrize("key", ["0" * 64 + ".webp", "nope", "0" * 64 + ".svg", "../etc"])
def test_unknown_media_is_404(client, key):
    response = client.get(f"/media/{key}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_profiles_without_a_picture_get_generated_initials(client, auth):
    account = auth.signup(display_name="ada lovelace")
    public = client.get(f"{API}/profiles/{account.handle}").get_json()
    assert public["avatar"] is None
    url = public["default_avatar"]["urls"]["128"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    svg = response.get_data(as_text=True)
    assert ">AL</text>" in svg
    same = client.get(f"{API}/profiles/{account.handle}").get_json()["default_avatar"]
    assert same["urls"]["128"] == url  # a stable colour and text per profile


def test_hostile_display_names_only_give_letters(client, auth):
    account = auth.signup(display_name="<script>alert(1)</script> <img onerror=x>")
    url = client.get(f"{API}/profiles/{account.handle}").get_json()["default_avatar"]["urls"]["64"]
    svg = client.get(url).get_data(as_text=True)
    assert ">SI</text>" in svg and "<script" not in svg and "onerror" not in svg


@pytest.mark.parametrize(
    "path", ["/media/default/400/AB.svg", "/media/default/10/ABC.svg", "/media/default/10/%3C.svg"]
)
def test_default_avatars_only_draw_a_hue_and_two_letters(client, path):
    assert client.get(path).status_code == 404
