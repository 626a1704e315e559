from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.model import fields
from generator.model.fields import Env, FieldError

PARIS = ZoneInfo("Europe/Paris")
ENV = Env(PARIS, frozenset({"images/ana.jpg", "files/plan.pdf"}))


@pytest.mark.parametrize("raw, minutes", [
    ("90m", 90), ("1h30", 90), ("2h", 120), ("2d", 2880), ("1h30m", 90), ("45min", 45),
    ("PT1H30M", 90), ("P1D", 1440), ("pt45m", 45),
])
def test_duration(raw: str, minutes: int) -> None:
    assert fields.duration(raw, ENV) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("raw", ["90", 90, "an hour", "", "0m", "PT", "1x", True])
def test_bad_duration(raw: object) -> None:
    with pytest.raises(FieldError):
        fields.duration(raw, ENV)


def test_naive_datetime_is_local_to_the_zone() -> None:
    value = fields.datetime("2026-03-29T18:30:00", ENV)
    assert value.utcoffset() == dt.timedelta(hours=2)
    assert fields.datetime(dt.date(2026, 1, 2), ENV) == dt.datetime(2026, 1, 2, tzinfo=PARIS)


def test_datetime_with_offset_keeps_it() -> None:
    value = fields.datetime("2026-03-14T09:30:00+05:30", ENV)
    assert value.utcoffset() == dt.timedelta(hours=5, minutes=30)


@pytest.mark.parametrize("raw", ["yesterday", "2025-13-01", "14/03/2026", 12])
def test_bad_datetime(raw: object) -> None:
    with pytest.raises(FieldError):
        fields.datetime(raw, ENV)


def test_rrule_normalised() -> None:
    assert fields.rrule("rrule:freq=weekly;byday=th", ENV) == "FREQ=WEEKLY;BYDAY=TH"


@pytest.mark.parametrize("raw", ["WEEKLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=SOMETIMES",
                                 "DTSTART:20250101T000000\nFREQ=DAILY", ""])
def test_bad_rrule(raw: str) -> None:
    with pytest.raises(FieldError):
        fields.rrule(raw, ENV)


def test_timezone_did_you_mean() -> None:
    with pytest.raises(FieldError) as error:
        fields.timezone("Europe/Pariss", ENV)
    assert "Europe/Paris" in error.value.hint


@pytest.mark.parametrize("raw, expected", [
    ("/images/ana.jpg", "/images/ana.jpg"), ("images/ana.jpg", "/images/ana.jpg"),
    ("static/images/ana.jpg", "/images/ana.jpg"), ("https://x.example/a.png", "https://x.example/a.png"),
])
def test_image(raw: str, expected: str) -> None:
    assert fields.image(raw, ENV) == expected


@pytest.mark.parametrize("raw", ["../etc/passwd", "/images/../../x", "images/missing.jpg",
                                 "javascript:alert(1)", "//evil.example/x.png"])
def test_bad_image(raw: str) -> None:
    with pytest.raises(FieldError):
        fields.image(raw, ENV)


@pytest.mark.parametrize("name, slug", [
    ("Logiciel Libre", "logiciel-libre"), ("logiciel-libre", "logiciel-libre"),
    ("Accessibilité", "accessibilite"), ("Software Peer Review", "software-peer-review"),
    ("  C++ / Rust ", "c-rust"), ("Œuvres", "uvres"),
])
def test_tag_slug(name: str, slug: str) -> None:
    assert fields.tag_slug(name) == slug


def test_tags_accept_a_comma_string_and_dedupe() -> None:
    assert fields.tags("a, b, a", ENV) == ("a", "b")


def test_slugs_single_value_is_a_list() -> None:
    assert fields.slugs("ana", ENV) == ("ana",)
    assert fields.slugs(["ana.md", "members/bob"], ENV) == ("ana", "bob")


def test_refs_strip_date_prefix_and_extension() -> None:
    assert fields.refs(["stories/2025-01-02-hello.md", "resources/guide"], ENV) == (
        "stories/hello", "resources/guide")
    with pytest.raises(FieldError):
        fields.refs(["members/ana"], ENV)


@pytest.mark.parametrize("raw, expected", [("fr", "fr"), ("en-ca", "en-CA"), ("FR", "fr")])
def test_lang(raw: str, expected: str) -> None:
    assert fields.lang(raw, ENV) == expected


def test_integer_refuses_booleans() -> None:
    with pytest.raises(FieldError):
        fields.integer(True, ENV)
    assert fields.integer("7", ENV) == 7


def test_choice_did_you_mean() -> None:
    with pytest.raises(FieldError) as error:
        fields.choice("asks", ENV, ("give", "ask"))
    assert error.value.hint == "did you mean 'ask'?"
