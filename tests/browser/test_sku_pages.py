"""A manager's journey through the SKU pages in a real browser: add a SKU, read one
with disposals, its three charts drawn under the Content-Security-Policy, on a
desktop and on a phone without sideways scrolling."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from articles import services
from inventory_site.roles import MANAGER
from skus.models import SKU
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-123"


@pytest.fixture
def manager():
    return user_with_role(MANAGER, username="mia", password=PASSWORD)


@pytest.fixture
def tents(manager):
    """TENT-3P: six tents bought 300 days ago, two sold and one retired since."""
    sku = SKUFactory.create(code="TENT-3P", name="Trekking tent, 3 persons")
    store = StoreFactory.create(name="Seefeld")
    bought_on = dt.date.today() - dt.timedelta(days=300)
    tents = [
        services.article_create(
            sku=sku, store=store, purchased_on=bought_on, purchase_price="400", acting_user=manager
        )
        for _ in range(6)
    ]
    now = dt.datetime.now(dt.UTC)
    services.article_sell(article=tents[0], price="150", occurred_at=now - dt.timedelta(days=200))
    services.article_sell(article=tents[1], price="120", occurred_at=now - dt.timedelta(days=50))
    services.article_retire(article=tents[2], occurred_at=now - dt.timedelta(days=10))
    return sku


def log_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "mia")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_manager_adds_a_sku_and_reads_the_charts_of_another(page, live_server, tents, screenshot):
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    log_in(page, live_server)

    page.goto(f"{live_server.url}/skus/")
    page.click("text=Add a SKU")
    page.fill("#id_code", "KAYAK-2")
    page.fill("#id_name", "Kayak for two")
    page.fill("#id_specs-0-key", "seats")
    page.fill("#id_specs-0-value", "2")
    page.click("button.primary")
    expect(page.locator(".messages")).to_have_text("Saved KAYAK-2.")
    assert SKU.objects.get(code="KAYAK-2").specifications == {"seats": "2"}

    page.goto(f"{live_server.url}/skus/tent-3p/")
    page.wait_for_load_state("networkidle")
    for chart in ("survival-chart", "lifetimes-chart", "uses-chart"):
        drawn = page.evaluate(f"Chart.getChart(document.getElementById('{chart}')) !== undefined")
        assert drawn, f"{chart} was not drawn"
    screenshot("sku-page-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("sku-page-phone")
    # The browser asks for /favicon.ico, which the back office does not serve.
    assert [problem for problem in problems if "404" not in problem] == []
