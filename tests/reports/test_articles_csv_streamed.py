"""The articles CSV streamed from PostgreSQL (``reports.figures.articles_csv``) is, byte
for byte, the CSV that ``render_csv`` writes of ``article_figures``: on the hand-worked
scenarios, generated fleets in several time zones, and the cells that need care (empty
payback cells, disposed articles, formula-like text, a negative ratio that rounds to
zero, commas and quotes); the reference fleets are in ``test_against_reference``."""

import datetime as dt
import inspect
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse

from articles import services
from articles.models import Article, Store
from demo.generated import fleet_generate
from reports.figures import ARTICLE_FIGURES, article_figures
from reports.figures import articles_csv as articles_csv_module
from reports.figures.articles_csv import article_csv
from reports.formatting import render_csv
from tests.factories import StoreFactory
from tests.helpers import moment
from tests.reports import test_handworked_articles as handworked
from tests.reports.handworked import AS_OF, article, expense, income, rental, sku

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database writes the CSV on PostgreSQL only"
)
pytestmark = [pytest.mark.django_db, postgresql_only]


def python_csv(**arguments) -> str:
    """The CSV of the Python path: ``article_figures`` written by ``render_csv``."""
    return render_csv(ARTICLE_FIGURES, article_figures(**arguments))


def streamed_csv(**arguments) -> str:
    chunks = list(article_csv(**arguments))
    return b"".join(chunks).decode()


def assert_streamed_is_python(**arguments) -> str:
    expected = python_csv(**arguments)
    streamed = streamed_csv(**arguments)
    # Line by line first, so that a difference shows where it is.
    assert streamed.split("\n") == expected.split("\n"), arguments
    assert streamed == expected
    return streamed


def assert_same_in_every_scope(as_of_dates) -> None:
    """Streamed and Python CSV agree for the whole fleet and for each store, as of each
    date (None: today)."""
    stores = list(Store.objects.order_by("pk"))
    for as_of in as_of_dates:
        assert_streamed_is_python(as_of=as_of)
        for store in stores:
            assert_streamed_is_python(as_of=as_of, store=store)


# (a) The hand-worked scenarios: each builds its articles and checks its figures through
# the command (streamed on PostgreSQL), then both paths must agree on its data.
HANDWORKED = [
    function
    for name, function in sorted(vars(handworked).items())
    if name.startswith("test_") and callable(function)
]


@pytest.mark.parametrize("scenario", HANDWORKED, ids=lambda function: function.__name__)
def test_every_hand_worked_scenario_streams_the_python_bytes(scenario, settings):
    parameters = inspect.signature(scenario).parameters
    scenario(**({"settings": settings} if "settings" in parameters else {}))
    assert_same_in_every_scope([dt.date.fromisoformat(AS_OF), dt.date(2024, 12, 31), None])


# (b) Fleets of ``demo.generated``, read in zones with and without summer time.
@pytest.mark.parametrize("zone", ["UTC", "Europe/Vienna", "America/New_York", "Asia/Kolkata"])
def test_a_generated_fleet_streams_the_python_bytes_in_every_zone(settings, zone):
    settings.TIME_ZONE = zone
    fleet_generate(articles=60, events_per_article=12, seed=5)
    # Around the changes of summer time, a past date and today (the current state).
    as_of_dates = [dt.date(2024, 3, 30), dt.date(2024, 10, 27), dt.date(2025, 6, 30), None]
    assert_same_in_every_scope(as_of_dates)


def test_a_page_of_articles_streams_the_python_bytes(settings):
    settings.TIME_ZONE = "Europe/Vienna"
    fleet_generate(articles=30, events_per_article=8, seed=6)
    page = Article.objects.order_by("number")[10:20]
    assert_streamed_is_python(as_of=dt.date(2025, 6, 30), articles=page)
    assert_streamed_is_python(as_of=None, articles=Article.objects.none())


# (c) The cells that need care.
@pytest.fixture
def awkward_fleet():
    """Formula-like and quoted text, price 0, every way out of the fleet, a tiny
    negative ratio, grades and a SKU's own rate."""
    odd_store = StoreFactory.create(name='=North, "Annex"')
    bikes = sku("-BIKES")
    skis = sku("@SKIS", depreciation_rate=Decimal("0.35"))
    numbers = ["=1+2", "+49", "-7", "@home", "'=quoted", "a,b", 'say "hi"', "Ä-1", "b-2", "B-3"]
    for index, number in enumerate(numbers):
        item = article(
            bikes if index % 2 else skis,
            number,
            f"2024-0{index % 9 + 1}-1{index % 10}",
            price=["0", "10000.00", "333.33", "999.99", "12.10"][index % 5],
            store=odd_store if index % 3 == 0 else None,
        )
        rental(item, moment("2025-01-05"), moment("2025-01-08", 13, 37, 12, 345), revenue="45.55")
    # Net -0.40 on a price of 10,000: a payback ratio of -0.00004, written -0.0000.
    tiny = Article.objects.get(number="+49")
    expense(tiny, moment("2025-02-01"), "45.95")
    grade = Article.objects.get(number="a,b")
    services.inspection_record(article=grade, condition="fair", occurred_at=moment("2025-03-01"))
    services.article_sell(
        article=Article.objects.get(number="-7"), price="250", occurred_at=moment("2025-04-01")
    )
    services.article_retire(
        article=Article.objects.get(number="@home"), occurred_at=moment("2025-04-02")
    )
    services.article_report_lost(
        article=Article.objects.get(number="'=quoted"), occurred_at=moment("2025-05-03")
    )
    paid = Article.objects.get(number="B-3")  # price 12.10: paid back by its rental
    income(paid, moment("2025-06-29", 23, 30), "1.00")
    return odd_store


def test_awkward_cells_stream_the_python_bytes(awkward_fleet, settings):
    for zone in ("UTC", "Europe/Vienna", "Pacific/Auckland"):
        settings.TIME_ZONE = zone
        assert_same_in_every_scope([dt.date(2025, 6, 30), dt.date(2025, 4, 1), None])
    text = assert_streamed_is_python(as_of=dt.date(2025, 6, 30))
    lines = {line.split(",")[0]: line for line in text.splitlines()}
    assert lines["'=1+2"].startswith('\'=1+2,\'@SKIS,"\'=North, ""Annex""",')
    assert "'+49,'-BIKES" in text and "\n'-7," in text and "\n'@home," in text
    assert "\n''=quoted," in text and '\n"a,b",' in text and '\n"say ""hi""",' in text
    assert ",-0.40,-0.0000," in lines["'+49"]  # net, then the payback ratio
    # Price 0: net, no payback ratio nor date, no proceeds, lifetime profit, no dollar
    # utilization, no value.
    assert lines["'=1+2"].endswith(",45.55,,,0.00,45.55,,0.00")
    # Sold for 250: 45.55 + 250 - 333.33; 45.55 / 333.33 = 0.136651...; no value.
    assert lines["'-7"].endswith(",45.55,0.1367,,250.00,-37.78,0.1367,0.00")


def test_text_edited_outside_the_services_streams_the_python_bytes(awkward_fleet):
    """Values no form lets in, written straight to the table: a tab, a carriage return
    (which ``csv`` leaves unquoted), a line feed, a backslash and an empty name."""
    for name in ["\tTabbed", "\rReturn", "Car\riage", "Line\nfeed", "back\\slash", "\\.", ""]:
        Store.objects.filter(pk=awkward_fleet.pk).update(name=name)
        assert_streamed_is_python(as_of=dt.date(2025, 6, 30))
    Article.objects.filter(number="b-2").update(number="\\N")
    assert_streamed_is_python(as_of=dt.date(2025, 6, 30))


# The command and the page stream.
def run_command(*args: str) -> tuple[str, int]:
    """``manage.py report articles --format csv`` and the number of writes it made."""

    class Counting(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            Counting.writes += 1
            return super().write(text)

    out = Counting()
    call_command("report", "articles", "--format", "csv", *args, stdout=out)
    return out.getvalue(), Counting.writes


def test_the_command_streams_without_the_python_figures(monkeypatch, settings):
    settings.TIME_ZONE = "Europe/Vienna"
    fleet_generate(articles=25, events_per_article=8, seed=7)
    store = Store.objects.order_by("pk")[0]
    expected = python_csv(as_of=dt.date(2025, 6, 30))
    expected_in_store = python_csv(as_of=dt.date(2025, 6, 30), store=store)

    def refused(**arguments):
        raise AssertionError("the streamed CSV computes no figure in Python")

    monkeypatch.setattr("reports.management.commands.report.article_figures", refused)
    monkeypatch.setattr("reports.figures.articles_csv.article_figures", refused)
    # A chunk for every line: the command writes as the database sends.
    monkeypatch.setattr(articles_csv_module, "CHUNK_BYTES", 1)
    text, writes = run_command("--as-of", "2025-06-30")
    assert text == expected
    assert writes == 1 + Article.objects.count()  # the header, then each line
    text, _ = run_command("--as-of", "2025-06-30", "--store", store.name)
    assert text == expected_in_store


def test_the_page_streams_the_filtered_articles(client, manager):
    fleet_generate(articles=25, events_per_article=8, seed=8)
    client.force_login(manager)
    response = client.get(
        reverse("reports:articles"), {"download": "csv", "as_of": "2025-03-31", "status": "active"}
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="articles-2025-03-31.csv"'
    active = Article.objects.filter(status="active", purchased_on__lte=dt.date(2025, 3, 31))
    expected = python_csv(as_of=dt.date(2025, 3, 31), articles=active)
    assert response.getvalue().decode() == expected
    assert expected.count("\n") == 1 + active.count() > 1


def test_no_article_is_the_header_alone():
    assert streamed_csv(as_of=dt.date(2025, 6, 30)) == ",".join(ARTICLE_FIGURES) + "\n"
    assert streamed_csv(articles=Article.objects.none()) == ",".join(ARTICLE_FIGURES) + "\n"


def test_a_bad_date_or_window_is_refused_before_any_byte():
    with pytest.raises(ValueError):
        article_csv(as_of=dt.date(9999, 1, 1))
    with pytest.raises(ValueError):
        article_csv(window_days=0)
