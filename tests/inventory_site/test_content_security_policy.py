"""Every page is served with a Content-Security-Policy that forbids inline script and
style, and every page keeps to it: no inline <script>, <style>, style= or on...=.

The pages are fetched through the test client (the policy comes from the middleware of
every environment), and their HTML is read for what the browser would block.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from articles.models import Article
from tests.factories import ArticleFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db

# A <script> of these types holds data (json_script), which a browser never runs.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineFinder(HTMLParser):
    """Collects every inline script, style element, style attribute and event handler."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        runs = attributes.get("type") not in DATA_SCRIPT_TYPES
        if tag == "script" and "src" not in attributes and runs:
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style>")
        self.found.extend(f'<{tag} {name}="...">' for name, _ in attrs if name == "style")
        self.found.extend(f'<{tag} {name}="...">' for name, _ in attrs if name.startswith("on"))


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def assert_kept_to_the_policy(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code == 403:
        pytest.skip(f"{url} is not offered (no one may add there)")
    assert response.status_code == 200, url
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert inline_parts(response.content.decode()) == [], url


def test_the_finder_finds_what_the_policy_blocks():
    html = (
        '<script>alert(1)</script><script src="/a.js"></script>'
        '<script type="application/json">{}</script><style>p{}</style>'
        '<p style="color:red" onclick="x()">'
    )
    assert len(inline_parts(html)) == 4


def test_the_login_page_keeps_to_the_policy(client: Client):
    assert_kept_to_the_policy(client, reverse("login"))


@pytest.fixture
def staff_client(client: Client) -> Client:
    """A superuser's client, with an article and an event for the pages to show."""
    client.force_login(UserFactory.create(is_superuser=True))
    article = ArticleFactory.create(number="BIKE-1")
    EventFactory.create(article=article)
    return client


@pytest.mark.parametrize("name", ["dashboard", "articles", "skus", "selloff"])
def test_the_staff_pages_keep_to_the_policy(staff_client: Client, name: str):
    assert_kept_to_the_policy(staff_client, reverse(f"reports:{name}"))


def admin_pages() -> list[str]:
    """The admin index, and the list, add and import pages of every registered model."""
    names = ["admin:index"]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        names += [f"{info}_changelist", f"{info}_add", f"{info}_import"]
    return [reverse(name) for name in names if _exists(name)]


def _exists(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.parametrize("url", admin_pages())
def test_the_admin_pages_keep_to_the_policy(staff_client: Client, url: str):
    assert_kept_to_the_policy(staff_client, url)


def test_the_admin_change_pages_keep_to_the_policy(staff_client: Client):
    for model in admin.site._registry:
        instance = model._default_manager.first()
        if instance is None:
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert_kept_to_the_policy(staff_client, reverse(f"{info}_change", args=[instance.pk]))


def test_the_admin_tool_pages_keep_to_the_policy(staff_client: Client):
    article = Article.objects.get(number="BIKE-1")
    for name, pk in [
        ("admin:articles_article_record_event", article.pk),
        ("admin:skus_sku_add_articles", article.sku_id),
    ]:
        assert_kept_to_the_policy(staff_client, reverse(name, args=[pk]))
