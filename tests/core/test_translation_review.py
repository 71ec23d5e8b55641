"""The trial-translation banner, the catalogue's version, the reviewer's commands and the
藏文译文 page (core.i18n)."""

import io
import json

import polib
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from core.i18n.catalogue import catalogue_read
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db

BANNER = "试译，以中文为准"


def write_po(directory, entries, language="bo"):
    """A small catalogue: entries are (msgid, msgstr) or (msgid, msgstr, flags)."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
    for msgid, msgstr, *flags in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=flags[0] if flags else []))
    path = directory / language / "LC_MESSAGES"
    path.mkdir(parents=True, exist_ok=True)
    po.save(str(path / "django.po"))
    return path / "django.po"


@pytest.fixture
def locale(settings, tmp_path):
    settings.LOCALE_PATHS = [tmp_path]
    settings.TRANSLATION_REVIEWED_VERSIONS = {"bo": ""}
    return tmp_path


def test_the_version_hashes_the_translated_pairs_only(locale):
    write_po(locale, [("投诉", "མི་མོས་ཞུ་གཏུག"), ("查询", "འཚོལ་ཞིབ།"), ("提交", "")])
    first = catalogue_read("bo")
    assert (first.total, len(first.translated), first.untranslated) == (3, 2, ["提交"])
    # Order, comments and untranslated entries do not change the version.
    po = write_po(locale, [("查询", "འཚོལ་ཞིབ།"), ("新条目", ""), ("投诉", "མི་མོས་ཞུ་གཏུག")])
    po.write_text("# a translator's note\n" + po.read_text())
    assert catalogue_read("bo").version == first.version
    # A changed translation does; so does a fuzzy one (not counted as translated).
    write_po(locale, [("投诉", "མི་མོས།"), ("查询", "འཚོལ་ཞིབ།")])
    assert catalogue_read("bo").version != first.version
    write_po(locale, [("投诉", "མི་མོས་ཞུ་གཏུག"), ("查询", "འཚོལ་ཞིབ།", ["fuzzy"])])
    fuzzy = catalogue_read("bo")
    assert fuzzy.fuzzy == ["查询"] and fuzzy.version != first.version


def test_tibetan_pages_carry_the_trial_banner_until_the_reviewed_version_is_set(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    settings.TRANSLATION_REVIEWED_VERSIONS = {"bo": ""}
    for url in (reverse("home"), reverse("complaints:track"), "/no-such-page/"):
        html = client.get(url).content.decode()
        assert 'class="trial-translation"' in html and BANNER in html, url
    assert "ཚོད་ལྟའི་ཡིག་སྒྱུར" in html  # in Tibetan too
    # Chinese pages never carry it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert BANNER not in client.get(reverse("home")).content.decode()
    # The reviewed version recorded: the banner goes.
    settings.TRANSLATION_REVIEWED_VERSIONS = {"bo": catalogue_read("bo").version}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    assert BANNER not in client.get(reverse("home")).content.decode()
    # A stale recorded version (the catalogue changed since): the banner is back.
    settings.TRANSLATION_REVIEWED_VERSIONS = {"bo": "0" * 64}
    assert BANNER in client.get(reverse("home")).content.decode()


def test_the_reviewer_records_a_version_and_sees_what_changed_since(locale, capsys, settings):
    write_po(locale, [("投诉", "མི་མོས་ཞུ་གཏུག"), ("查询", "འཚོལ་ཞིབ།"), ("提交", "")])
    call_command("translation_status", "bo")
    out = capsys.readouterr().out
    version = catalogue_read("bo").version
    assert f"version {version}" in out and "translated 2, untranslated 1" in out
    assert "试译（未审定）" in out

    call_command("translation_review", "bo", "--record")
    out = capsys.readouterr().out
    assert f'TRANSLATION_REVIEWED_VERSIONS = {{"bo": "{version}"}}' in out
    snapshot = json.loads((locale / "bo/reviewed.json").read_text())
    assert snapshot["version"] == version
    assert snapshot["entries"] == {"投诉": "མི་མོས་ཞུ་གཏུག", "查询": "འཚོལ་ཞིབ།"}
    settings.TRANSLATION_REVIEWED_VERSIONS = {"bo": version}
    call_command("translation_status")
    assert "审定版本" in capsys.readouterr().out

    # The translators change one entry, fill another and clear a third.
    write_po(locale, [("投诉", "མི་མོས།"), ("查询", ""), ("提交", "ཕུལ།")])
    call_command("translation_review", "bo")
    out = capsys.readouterr().out
    assert "added 1, changed 1, removed 1, untranslated 1" in out
    assert "changed: '投诉' → 'མི་མོས།'" in out and "added: '提交' → 'ཕུལ།'" in out

    with pytest.raises(Exception, match="未知语言"):
        call_command("translation_status", "xx")


def test_the_admin_page_lists_untranslated_and_changed_strings_for_permitted_staff(
    client, locale, settings
):
    write_po(locale, [("投诉", "མི་མོས་ཞུ་གཏུག"), ("查询", "འཚོལ་ཞིབ།")])
    call_command("translation_review", "bo", "--record", stdout=io.StringIO())
    settings.TRANSLATION_REVIEWED_VERSIONS = {"bo": catalogue_read("bo").version}
    write_po(locale, [("投诉", "མི་མོས།"), ("查询", "འཚོལ་ཞིབ།"), ("未译的话", "")])
    url = reverse("admin:translation_review")

    roles.roles_sync()
    officer = User.objects.create_user("officer", is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.COMPLAINT_OFFICER))
    client.force_login(officer)
    assert client.get(url).status_code == 403

    leader = User.objects.create_user("leader", is_staff=True)
    leader.groups.add(Group.objects.get(name=roles.LEADER))
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "bo：试译（未审定）" in page
    assert "审定后改动的译文（1）" in page and "མི་མོས་ཞུ་གཏུག" in page and "མི་མོས།" in page
    assert "未译的条目（1）" in page and "未译的话" in page
