"""The staff back office as each role uses it, in a real browser: the lookup, a rental
from start to end, a repair with downtime, the list's filters, sorting and download,
what a Viewer may not see or do, and the phone width."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles import services
from articles.models import Article, EventKind, Status
from inventory_site.roles import MANAGER, STAFF, VIEWER
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-123"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people():
    made = {}
    for role, username in ((VIEWER, "vera"), (STAFF, "sam"), (MANAGER, "mia")):
        user = user_with_role(role, username=username)
        user.set_password(PASSWORD)
        user.save()
        made[role] = user
    return made


@pytest.fixture
def fleet(people):
    """24 city bikes and skis in two stores, bought at 690 and 549 EUR, each rented once."""
    manager = people[MANAGER]
    centre = StoreFactory.create(name="Innsbruck Centre")
    seefeld = StoreFactory.create(name="Seefeld")
    city = SKUFactory.create(code="CITY-M", name="City bike, frame M")
    ski = SKUFactory.create(code="SKI-170", name="All-mountain ski, 170 cm")
    articles = []
    today = dt.date.today()
    for index in range(24):
        bike = index % 2 == 1
        article = services.article_create(
            sku=city if bike else ski,
            store=centre if bike else seefeld,
            purchased_on=today - dt.timedelta(days=200),
            purchase_price="690" if bike else "549",
            manufacturer="KTM" if bike else "Atomic",
            acting_user=manager,
        )
        start = dt.datetime.combine(
            today - dt.timedelta(days=100 - index), dt.time(9), tzinfo=dt.UTC
        )
        services.usage_start(
            article=article,
            started_at=start,
            ended_at=start + dt.timedelta(days=2),
            revenue="50",
            reference=f"R-{index:03d}",
            acting_user=manager,
        )
        articles.append(article)
    return articles


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("header.topbar nav")).to_be_visible()


def no_sideways_scrolling(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_scanned_number_in_any_case_opens_the_article(page: Page, live_server, fleet, screenshot):
    number = fleet[5].number
    log_in(page, live_server, "sam")

    page.fill("#lookup-q", f"  {number.lower()} ")
    page.press("#lookup-q", "Enter")

    expect(page).to_have_url(f"{live_server.url}/articles/{number}/")
    expect(page.locator("h1")).to_contain_text(number)
    screenshot("journey-lookup-article")


def test_staff_starts_a_rental_ends_it_and_sees_history_and_figures_change(
    page: Page, live_server, fleet, screenshot
):
    article = fleet[1]
    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/articles/{article.number}/")
    history_before = page.locator("table.history tbody tr").count()

    page.click("text=Start rental")
    page.fill("input[name=revenue]", "75")
    page.fill("input[name=reference]", "R-COUNTER-1")
    page.click("form button.primary")
    expect(page.locator(".messages")).to_contain_text("Rental started")
    expect(page.locator("text=End rental")).to_be_visible()
    assert Article.objects.on_order().filter(pk=article.pk).exists()

    page.click("text=End rental")
    page.select_option("select[name=condition]", label="Fair")
    page.click("form button.primary")
    expect(page.locator(".messages")).to_contain_text("ended")
    expect(page.locator("text=Start rental")).to_be_visible()
    history_after = page.locator("table.history tbody tr").count()
    assert history_after == history_before + 1
    expect(page.locator("table.history")).to_contain_text("R-COUNTER-1")
    article.refresh_from_db()
    assert article.condition == "fair"
    assert article.total_revenue == Decimal("125.00")
    screenshot("journey-rental-ended")

    # The manager reads the figures it made: two rentals, 125 EUR of revenue.
    page.click("header .logout button")
    log_in(page, live_server, "mia")
    page.goto(f"{live_server.url}/articles/{article.number}/")
    expect(page.locator("main")).to_contain_text("125.00")


def test_a_repair_with_downtime_takes_the_article_out_of_use(
    page: Page, live_server, fleet, screenshot
):
    article = fleet[2]
    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/articles/{article.number}/")

    page.click("text=Record repair")
    page.check("input[name=downtime]")
    page.fill("textarea[name=notes]", "Binding cracked")
    page.click("form button.primary")

    expect(page.locator("main")).to_contain_text("Out of use")
    expect(page.locator("text=End repair")).to_be_visible()
    article.refresh_from_db()
    assert article.status == Status.OUT_OF_USE
    screenshot("journey-repair-out-of-use")


def test_the_list_filters_sorts_and_downloads(page: Page, live_server, fleet, screenshot):
    log_in(page, live_server, "mia")
    page.goto(f"{live_server.url}/articles/")
    expect(page.locator("h1")).to_contain_text("24 found")

    page.select_option("select[name=sku]", label="CITY-M · City bike, frame M")
    page.click("form.article-filters button.primary")
    expect(page.locator("h1")).to_contain_text("12 found")
    assert "sku=" in page.url

    page.click("table thead th a:has-text('Number')")
    first = page.locator("table tbody tr td a").first.inner_text()
    page.click("table thead th a:has-text('Number')")
    assert page.locator("table tbody tr td a").first.inner_text() != first
    assert "sku=" in page.url  # the filter stays while sorting

    with page.expect_download() as download:
        page.click("text=Download CSV")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 12
    screenshot("journey-list-filtered")


def test_a_viewer_sees_no_money_no_actions_and_is_refused_a_direct_post(
    page: Page, live_server, fleet, screenshot
):
    article = fleet[3]
    log_in(page, live_server, "vera")
    page.goto(f"{live_server.url}/articles/{article.number}/")

    main = page.locator("main")
    expect(main).not_to_contain_text("EUR")
    expect(main).not_to_contain_text("690")
    expect(page.locator("text=Start rental")).to_have_count(0)
    expect(page.locator("text=Edit details")).to_have_count(0)
    page.goto(f"{live_server.url}/articles/")
    expect(page.locator("#bulk-actions")).to_have_count(0)
    expect(page.locator("header nav")).not_to_contain_text("Reports")
    screenshot("journey-viewer-article-list")

    # A POST made by hand, with a valid CSRF token, is refused.
    url = reverse("articles:event_new", args=[article.number]) + f"?kind={EventKind.RENTAL}"
    status = page.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken='));
            const body = new URLSearchParams({csrfmiddlewaretoken: token.split('=')[1]});
            const response = await fetch(url, {method: 'POST', body, credentials: 'same-origin'});
            return response.status;
        }""",
        f"{live_server.url}{url}",
    )
    assert status == 403
    assert not Article.objects.on_order().filter(pk=article.pk).exists()


@pytest.mark.parametrize("role", ["vera", "sam", "mia"])
def test_the_article_page_and_the_list_fit_a_phone(chromium, live_server, fleet, role):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server, role)
        for path in (f"/articles/{fleet[7].number}/", "/articles/", "/"):
            page.goto(f"{live_server.url}{path}")
            assert no_sideways_scrolling(page), f"{path} scrolls sideways at 390 px for {role}"
        page.screenshot(path=f"/tmp/screens/phone-start-{role}.png", full_page=True)
    finally:
        context.close()
