"""A rental manager's main journeys through the admin, in a real browser."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from articles import services
from articles.models import EventKind
from tests.factories import SKUFactory, StoreFactory, UserFactory
from tests.helpers import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-123"


@pytest.fixture
def manager():
    return UserFactory.create(
        username="manager",
        is_superuser=True,
        password=PASSWORD,
    )


@pytest.fixture
def fleet(manager):
    """22 articles: city bikes in Innsbruck, skis in Seefeld; one ski out of use."""
    centre, seefeld = (
        StoreFactory.create(name="Innsbruck Centre"),
        StoreFactory.create(name="Seefeld"),
    )
    city = SKUFactory.create(
        code="CITY-M", name="City bike, frame M", specifications={"frame": "M"}
    )
    ski = SKUFactory.create(code="SKI-170", name="All-mountain ski, 170 cm")
    articles = []
    for index in range(22):
        article = services.article_create(
            sku=city if index % 2 else ski,
            store=centre if index % 2 else seefeld,
            purchased_on=dt.date(2025, 3, 1),
            purchase_price="690" if index % 2 else "549",
            manufacturer="KTM" if index % 2 else "Atomic",
            acting_user=manager,
        )
        start = at(3 + index % 5, 9)
        services.usage_start(
            article=article,
            started_at=start,
            ended_at=start + dt.timedelta(days=2),
            revenue="50",
            reference=f"R-25{index:03d}",
            acting_user=manager,
        )
        articles.append(article)
    services.article_status_change(
        article=articles[0], status="out_of_use", notes="Binding check", acting_user=manager
    )
    return articles


def log_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()


def record_event(page: Page, *, kind: str, occurred_at: tuple[str, str], **fields: str) -> None:
    page.click("text=Record an event")
    page.select_option("#id_kind", kind)
    date, time = occurred_at
    page.fill("#id_occurred_at_0", date)
    page.fill("#id_occurred_at_1", time)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.click("input[type=submit][value=Record]")


def test_manager_filters_the_article_list_by_status(page, live_server, fleet, screenshot):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/")
    expect(page.locator("#result_list tbody tr")).to_have_count(22)
    screenshot("article-list")
    page.locator("#changelist-filter").get_by_role("link", name="Out of use").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(fleet[0].number)
    screenshot("article-list-out-of-use")


def test_manager_rents_an_article_is_refused_a_second_rental_and_ends_it(
    page, live_server, fleet, screenshot
):
    article = fleet[1]
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.get_by_role("link", name=article.number, exact=True).click()
    ledger = page.locator("#events-group")
    expect(ledger).to_contain_text("Acquisition")
    expect(ledger).to_contain_text("R-25001")
    screenshot("article-with-ledger")

    record_event(
        page,
        kind="rental",
        occurred_at=("2025-06-10", "09:30"),
        revenue="75.00",
        reference="R-25900",
    )
    expect(page.locator(".messagelist")).to_contain_text(
        f"The event was recorded in the ledger of {article.number}."
    )
    expect(page.locator("#events-group")).to_contain_text("R-25900")

    record_event(page, kind="rental", occurred_at=("2025-06-11", "10:00"), reference="R-25901")
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".errorlist")).to_contain_text(
        f"{article.number} is on order since 10 Jun 2025 09:30 (R-25900)"
    )
    screenshot("record-event-refused")
    assert not article.events.filter(reference="R-25901").exists()

    page.click("text=Cancel")
    page.click("text=End open rental")
    page.fill("#id_ended_at_0", "2025-06-12")
    page.fill("#id_ended_at_1", "18:00")
    page.select_option("#id_condition", "good")
    page.click("input[type=submit][value='End it']")
    expect(page.locator(".messagelist")).to_contain_text(
        f"The rental of {article.number} has ended."
    )
    expect(page.get_by_text("End open rental")).to_have_count(0)
    screenshot("article-after-return")
    rental = article.events.get(kind=EventKind.RENTAL, reference="R-25900")
    assert rental.ended_at == at(12, 18, month=6)


def test_manager_transfers_articles_with_a_changelist_action(page, live_server, fleet, screenshot):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/?store__id__exact={fleet[0].store_id}")
    for article in fleet[2:6:2]:
        page.locator(f"input.action-select[value='{article.pk}']").check()
    page.select_option("select[name=action]", "transfer_action")
    page.click("button[name=index]")
    expect(page.locator("#content-main")).to_contain_text("2 articles selected")
    page.select_option("#id_store", label="Innsbruck Centre")
    screenshot("transfer-action")
    page.click("input[type=submit][value=Transfer]")
    expect(page.locator(".messagelist")).to_contain_text("Transferred: 2 article(s).")
    assert re.search(r"/admin/articles/article/", page.url)
    for article in fleet[2:6:2]:
        article.refresh_from_db()
        assert article.store.name == "Innsbruck Centre"
