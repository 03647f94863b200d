"""The admin's lists at fleet scale: searches that an index can serve, a count that
stops counting, a year filter that reads no more than two moments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin import lists
from articles.admin.lists import LimitedCountPaginator, article_search, event_search
from articles.models import Article, Event
from demo.generated import fleet_generate
from tests.helpers import article_page_statement

pytestmark = pytest.mark.django_db

ARTICLES = reverse("admin:articles_article_changelist")
EVENTS = reverse("admin:articles_event_changelist")


@pytest.fixture
def fleet(db):
    fleet_generate(articles=40, events_per_article=8, seed=3)
    return Article.objects.order_by("pk")


def test_the_article_search_finds_a_part_of_a_serial_number(fleet):
    article = fleet[5]
    found = article_search(Article.objects.all(), article.serial_number[-5:])
    assert article in found


def test_the_article_search_finds_articles_by_their_skus_name_without_a_join(fleet):
    article = fleet[7]
    with CaptureQueriesContext(connection) as queries:
        found = list(article_search(Article.objects.all(), article.sku.name.lower()))
    assert article in found
    assert {a.sku_id for a in found} == {article.sku_id}
    assert all(" JOIN " not in query["sql"] for query in queries.captured_queries)


def test_the_admin_lists_a_searchs_matches_by_number_sorted_not_read_in_index_order(
    admin_client, fleet
):
    """As the staff list does (``articles.selectors.by_number``)."""
    term = fleet[0].number[:4]
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(ARTICLES, {"q": term})
    shown = [article.number for article in response.context["cl"].result_list]
    assert shown == sorted(a.number for a in article_search(Article.objects.all(), term))
    assert 'ORDER BY "articles_article"."number"' not in article_page_statement(queries)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(ARTICLES)
    assert 'ORDER BY "articles_article"."number"' in article_page_statement(queries)


def test_the_event_search_finds_the_events_of_an_article_by_part_of_its_number(fleet):
    article = fleet[3]
    found = event_search(Event.objects.all(), article.number[2:].lower())
    assert set(found) == set(article.events.all())


def test_the_event_search_finds_a_reference_by_its_start_not_its_middle(fleet):
    event = Event.objects.exclude(reference="").order_by("pk")[0]
    assert event in event_search(Event.objects.all(), event.reference.lower())
    assert event not in event_search(Event.objects.all(), event.reference[2:])


def test_the_event_search_of_a_whole_sku_still_finds_its_events(fleet, monkeypatch):
    monkeypatch.setattr(lists, "MAX_SEARCH_ARTICLES", 2)
    code = fleet[0].sku.code
    found = event_search(Event.objects.all(), code)
    assert set(found) == set(Event.objects.filter(article__sku__code=code))


def test_the_count_is_exact_up_to_the_limit(fleet):
    assert LimitedCountPaginator(Event.objects.all(), 100).count == Event.objects.count()


def test_past_the_limit_the_count_is_an_estimate_beyond_it(fleet, monkeypatch):
    monkeypatch.setattr(lists, "EXACT_COUNT_LIMIT", 10)
    count = LimitedCountPaginator(Event.objects.all(), 100).count
    assert count > 10
    if connection.vendor != "postgresql":
        assert count == Event.objects.count()


def test_the_year_filter_lists_the_events_of_that_year(admin_client, fleet):
    response = admin_client.get(EVENTS, {"year": "2024"})
    years = {timezone.localtime(e.occurred_at).year for e in response.context["cl"].result_list}
    assert years == {2024}


def test_the_year_filter_offers_the_years_from_the_first_to_the_last_event(admin_client, fleet):
    response = admin_client.get(EVENTS)
    first = timezone.localtime(Event.objects.earliest("occurred_at").occurred_at).year
    assert f"?year={first}" in response.text
    assert "?year=2025" in response.text


def test_the_event_list_needs_no_more_queries_for_a_larger_fleet(
    admin_client, fleet, django_assert_max_num_queries
):
    assert Event.objects.count() > 100
    with django_assert_max_num_queries(9):
        response = admin_client.get(EVENTS, {"q": fleet[0].sku.code})
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        assert admin_client.get(ARTICLES, {"q": "a"}).status_code == 200


def test_the_event_list_shows_the_newest_events_first(admin_client, fleet):
    listed = list(admin_client.get(EVENTS).context["cl"].result_list)
    assert len(listed) == 100
    assert listed == sorted(listed, key=lambda e: (e.occurred_at, e.pk), reverse=True)
    assert listed[0].occurred_at <= dt.datetime(2025, 6, 30, 18, tzinfo=dt.UTC)


def test_the_purchase_year_filter_lists_the_articles_bought_that_year(admin_client, fleet):
    year = fleet[0].purchased_on.year
    response = admin_client.get(ARTICLES, {"purchased": str(year)})
    listed = list(response.context["cl"].result_list)
    assert listed
    assert {article.purchased_on.year for article in listed} == {year}
    assert f"?purchased={year}" in admin_client.get(ARTICLES).text
