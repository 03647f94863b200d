"""A counter clerk adds a batch of five bikes and prints their labels, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from articles.models import Article
from inventory_site.roles import STAFF
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-123"


@pytest.fixture
def clerk():
    user = user_with_role(STAFF, username="clerk")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_staff_adds_a_batch_of_five_and_prints_their_labels(
    page: Page, live_server, clerk, screenshot
):
    SKUFactory.create(code="CITY-M", name="City bike, frame M", specifications={"frame": "M"})
    StoreFactory.create(name="Innsbruck Centre")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/articles/new/batch/?sku=CITY-M")
    page.fill("input[name=count]", "5")
    page.select_option("select[name=store]", label="Innsbruck Centre")
    page.fill("input[name=specs-0-key]", "colour")
    page.fill("input[name=specs-0-value]", "orange")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text("Added 5 articles to City bike, frame M")
    page.click("text=Print their labels")

    expect(page.locator(".article-label")).to_have_count(5)
    expect(page.locator(".article-label svg.qr")).to_have_count(5)
    expect(page.locator("[data-print]")).to_be_visible()  # print.js ran
    screenshot("labels-of-a-batch")
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator(".label-sheet")).to_be_visible()
    assert Article.objects.filter(sku__code="CITY-M").count() == 5
