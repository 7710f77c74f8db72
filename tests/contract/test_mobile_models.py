"""The Kotlin and Swift clients openapi-generator makes from the document, read (not
compiled): a user without a picture decodes (avatar is optional), conditional headers are
arguments, the upload takes a file and a refusal's `labels` survive in `Problem`."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.contract

KOTLIN = "src/main/kotlin/org/openapitools/client"
SWIFT = "OpenAPIClient/Classes/OpenAPIs"


def _read(generated, language: str, path: str) -> str:
    return (generated[language] / path).read_text()


@pytest.mark.parametrize(("model", "avatar"), [("Me", "Avatar"), ("PublicProfile", "PublicAvatar")])
def test_kotlin_avatar_is_nullable(generated, model, avatar):
    source = _read(generated, "kotlin", f"{KOTLIN}/models/{model}.kt")
    # Moshi throws "Non-null value 'avatar' was null" on a non-null type.
    assert re.search(rf"\bval avatar: {avatar}\?,", source), source


@pytest.mark.parametrize(("model", "avatar"), [("Me", "Avatar"), ("PublicProfile", "PublicAvatar")])
def test_swift_avatar_is_optional(generated, model, avatar):
    source = _read(generated, "swift5", f"{SWIFT}/Models/{model}.swift")
    assert re.search(rf"\bpublic var avatar: {avatar}\?\n", source), source
    assert re.search(rf"\bavatar: {avatar}\?[,)]", source), "init must accept nil"


def test_kotlin_operations_take_the_conditional_headers_and_a_file(generated):
    me = _read(generated, "kotlin", f"{KOTLIN}/apis/MeApi.kt")
    assert "fun readMe(ifNoneMatch: kotlin.String? = null) : Me" in me
    assert "fun updateMe(profileUpdate: ProfileUpdate, ifMatch: kotlin.String? = null) : Me" in me
    avatar = _read(generated, "kotlin", f"{KOTLIN}/apis/AvatarApi.kt")
    assert "fun uploadAvatar(file: java.io.File) : Avatar" in avatar


def test_swift_upload_takes_a_file(generated):
    avatar = _read(generated, "swift5", f"{SWIFT}/APIs/AvatarAPI.swift")
    assert re.search(r"class func uploadAvatar\(file: URL,", avatar)


def test_problem_keeps_the_refusal_labels(generated):
    kotlin = _read(generated, "kotlin", f"{KOTLIN}/models/Problem.kt")
    assert "val type: kotlin.String," in kotlin and "val status: kotlin.Int," in kotlin
    assert "val labels: kotlin.collections.List<kotlin.String>? = null" in kotlin
    swift = _read(generated, "swift5", f"{SWIFT}/Models/Problem.swift")
    assert "public var labels: [String]?" in swift
    assert "public var additionalProperties: [String: AnyCodable]" in swift  # unknown members
