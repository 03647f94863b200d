"""The SKU and sell-off reports as of today read from the rows kept per SKU
(``reports.models.KeptSkuReport``) equal what the ledger gives: after they are kept,
after every kind of event, an article's edit, a SKU's change, an import and a new day;
the pages and ``manage.py report`` write the same bytes with and without kept rows.
Rows are kept on PostgreSQL only; on SQLite the same calls compute as before."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Allocation, Article, Event, EventKind, Status, Store
from demo.generated import fleet_generate
from interchange.imports import articles_import, events_import
from interchange.imports.bulk import insert_rows
from reports import views
from reports.figures import (
    REPORT_COLUMNS,
    kept_reports_forget,
    kept_selloff,
    kept_selloff_candidates,
    kept_selloff_listing,
    kept_sku_figures,
    selloff,
    selloff_candidates,
    sku_figures,
)
from reports.figures.kept_encoding import encoded as _encoded
from reports.formatting import render_csv
from reports.models import KeptCandidate, KeptSkuReport
from skus import services as sku_services
from skus.models import SKU
from tests.factories import SKUFactory
from tests.interchange.import_helpers import event_row, write_csv

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reports are kept on PostgreSQL only"
)


@pytest.fixture
def fleet(db):
    """A generated fleet whose ledger ends yesterday, so that today's windows hold use,
    and 20 SKUs without articles beside its own."""
    end = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    fleet_generate(articles=60, events_per_article=8, seed=11, end=end)
    SKUFactory.create_batch(20)


def assert_kept_equals_computed() -> None:
    """Exactly: the same types, digits and exponents (``repr``), in the same order."""
    assert repr(kept_sku_figures()) == repr(sku_figures())
    assert repr(kept_selloff()) == repr(selloff())


def keep_both() -> None:
    kept_sku_figures()
    kept_selloff()


def kept_skus(report: str) -> set[int]:
    return set(KeptSkuReport.objects.filter(report=report).values_list("sku_id", flat=True))


def available_article() -> Article:
    """An active rental article not on order, of a SKU with other articles."""
    return (
        Article.objects.available()
        .filter(allocation=Allocation.RENTAL, status=Status.ACTIVE)
        .order_by("pk")[0]
    )


def assert_forgotten_only(sku_id: int) -> None:
    """The SKU's rows are forgotten, every other SKU's are still kept."""
    if connection.vendor != "postgresql":
        return
    every = set(SKU.objects.values_list("pk", flat=True))
    for report in ("skus", "selloff"):
        assert kept_skus(report) == every - {sku_id}, report
    # The database deleted the forgotten part's candidates with it, and only those.
    candidates = KeptCandidate.objects.values_list("kept__sku_id", flat=True).distinct()
    assert sku_id not in set(candidates)
    assert KeptCandidate.objects.filter(kept__isnull=True).count() == 0
    expected = sum(
        line["line"]["candidates"]
        for line in KeptSkuReport.objects.filter(report="selloff").values_list("rows", flat=True)
    )
    assert KeptCandidate.objects.count() == expected > 0


def test_the_reports_equal_the_ledgers_whether_kept_or_not(fleet):
    assert_kept_equals_computed()
    assert_kept_equals_computed()  # now read from the kept rows on PostgreSQL
    assert selloff().candidates, "the fleet has candidates to compare"


@postgresql_only
def test_every_sku_is_kept_once_for_today(fleet):
    keep_both()
    skus = SKU.objects.count()
    today = timezone.localdate()
    for report in ("skus", "selloff"):
        rows = KeptSkuReport.objects.filter(report=report)
        assert rows.count() == skus
        assert set(rows.values_list("as_of", flat=True)) == {today}


def test_the_kept_candidates_are_sorted_as_the_selloff_sorts_them(fleet):
    keep_both()
    candidates = kept_selloff().candidates
    keys = [(candidate["keep_margin"], candidate["number"]) for candidate in candidates]
    assert keys == sorted(keys)
    # The SKUs' candidates interleave, so the order is made across the kept parts.
    codes = [candidate["sku_code"] for candidate in candidates]
    runs = [code for index, code in enumerate(codes) if index == 0 or codes[index - 1] != code]
    assert len(runs) > len(set(codes))
    assert [c["number"] for c in candidates] == [c["number"] for c in selloff_candidates()]


EVENTS = [
    (EventKind.RENTAL, {"revenue": "25"}),
    (EventKind.SUBSCRIPTION, {"revenue": "60"}),
    (EventKind.MAINTENANCE, {"cost": "30"}),
    (EventKind.REPAIR, {"cost": "45.50", "status": Status.OUT_OF_USE}),
    (EventKind.CLEANING, {"cost": "5"}),
    (EventKind.INSPECTION, {"condition": "poor"}),
    (EventKind.TRANSFER, {"store": "other"}),
    (EventKind.STATUS_CHANGE, {"status": Status.OUT_OF_USE}),
    (EventKind.INCOME, {"revenue": "12.34"}),
    (EventKind.EXPENSE, {"cost": "7.77"}),
    (EventKind.ADJUSTMENT, {"revenue": "3"}),
    (EventKind.SALE, {"revenue": "250"}),
    (EventKind.RETIREMENT, {}),
    (EventKind.LOSS, {}),
    (EventKind.NOTE, {"notes": "Scratched frame"}),
]


@pytest.mark.parametrize(("kind", "fields"), EVENTS, ids=[kind for kind, _ in EVENTS])
def test_recording_an_event_forgets_its_sku_and_the_reports_follow(fleet, kind, fields):
    keep_both()
    article = available_article()
    if fields.get("store") == "other":
        fields = {"store": Store.objects.exclude(pk=article.store_id).order_by("pk")[0]}
    services.event_record(
        article=article,
        kind=kind,
        occurred_at=timezone.now() - dt.timedelta(minutes=5),
        **fields,
    )
    assert_forgotten_only(article.sku_id)
    assert_kept_equals_computed()


def test_ending_a_usage_and_finding_a_lost_article_forget_their_sku(fleet):
    article = available_article()
    services.usage_start(article=article, started_at=timezone.now() - dt.timedelta(hours=3))
    keep_both()
    services.usage_end(article=article, ended_at=timezone.now() - dt.timedelta(hours=1))
    assert_forgotten_only(article.sku_id)
    assert_kept_equals_computed()
    services.article_report_lost(article=article)
    keep_both()
    services.article_found(article=Article.objects.get(pk=article.pk))
    assert_forgotten_only(article.sku_id)
    assert_kept_equals_computed()


def test_allocating_an_article_to_sales_forgets_its_sku(fleet):
    keep_both()
    article = available_article()
    services.article_update(article=article, data={"allocation": Allocation.SALES})
    assert_forgotten_only(article.sku_id)
    assert_kept_equals_computed()


def test_a_new_article_forgets_its_sku(fleet):
    keep_both()
    sku = SKU.objects.filter(articles__isnull=False).order_by("pk")[0]
    services.article_create(
        sku=sku,
        store=Store.objects.order_by("pk")[0],
        purchased_on=timezone.localdate() - dt.timedelta(days=400),
        purchase_price=Decimal("999.99"),
    )
    assert_forgotten_only(sku.pk)
    assert_kept_equals_computed()


def test_changing_a_skus_parameters_forgets_its_rows(fleet):
    keep_both()
    sku = SKU.objects.filter(articles__isnull=False).order_by("pk")[0]
    sku_services.sku_update(
        sku=sku,
        data={
            "selloff_window_days": 30,
            "depreciation_rate": Decimal("0.35"),
            "replacement_price": Decimal("1234.00"),
        },
    )
    assert_forgotten_only(sku.pk)
    assert_kept_equals_computed()


@postgresql_only
def test_renaming_a_store_forgets_the_skus_of_its_articles(fleet):
    keep_both()
    store = Store.objects.order_by("pk")[0]
    Store.objects.filter(pk=store.pk).update(name="Renamed store")
    affected = set(Article.objects.filter(store=store).values_list("sku_id", flat=True))
    assert affected
    assert not kept_skus("selloff") & affected
    assert_kept_equals_computed()


def test_an_events_import_forgets_the_skus_it_reaches(fleet, tmp_path):
    keep_both()
    article = available_article()
    moment = (timezone.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    path = write_csv(
        tmp_path,
        "events.csv",
        [
            event_row(article.number, "income", moment, revenue="44.40"),
            event_row(article.number, "expense", moment, cost="4.40", reference="imp"),
        ],
    )
    events_import(path=path)
    assert_forgotten_only(article.sku_id)
    assert_kept_equals_computed()


def test_an_articles_import_forgets_the_skus_it_adds_to(fleet, tmp_path):
    keep_both()
    sku = SKU.objects.filter(articles__isnull=False).order_by("pk")[0]
    store = Store.objects.order_by("pk")[0]
    row = {
        "number": "IMPORTED-1",
        "sku_code": sku.code,
        "store": store.name,
        "purchased_on": (timezone.localdate() - dt.timedelta(days=200)).isoformat(),
        "purchase_price": "321.00",
    }
    articles_import(path=write_csv(tmp_path, "articles.csv", [row]))
    assert_forgotten_only(sku.pk)
    assert_kept_equals_computed()


@postgresql_only
def test_a_new_day_computes_again_and_forgets_the_older_day(fleet, monkeypatch):
    keep_both()
    before = kept_sku_figures()
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    after = kept_sku_figures()
    assert after != before  # days owned grew by one
    assert repr(after) == repr(sku_figures())
    assert set(KeptSkuReport.objects.values_list("as_of", flat=True)) == {
        timezone.localdate(tomorrow)
    }
    assert repr(kept_selloff()) == repr(selloff())


def test_a_past_date_a_window_or_a_store_compute_and_keep_nothing(fleet):
    store = Store.objects.order_by("pk")[0]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert kept_sku_figures(as_of=yesterday) == sku_figures(as_of=yesterday)
    assert kept_sku_figures(window_days=30) == sku_figures(window_days=30)
    assert kept_selloff(store=store) == selloff(store=store)
    assert not KeptSkuReport.objects.exists()


def test_a_report_narrowed_to_some_skus_equals_the_computed_one(fleet):
    skus = SKU.objects.filter(articles__isnull=False).distinct().order_by("code")[:2]
    narrowed = SKU.objects.filter(pk__in=[sku.pk for sku in skus])
    assert repr(kept_selloff(skus=narrowed)) == repr(selloff(skus=narrowed))
    assert repr(kept_sku_figures(skus=narrowed)) == repr(sku_figures(skus=narrowed))
    if connection.vendor == "postgresql":
        assert kept_skus("selloff") == {sku.pk for sku in skus}
    keep_both()
    assert repr(kept_selloff(skus=narrowed)) == repr(selloff(skus=narrowed))


def test_recompute_figures_forgets_the_kept_rows(fleet):
    keep_both()
    call_command("recompute_figures", verbosity=0, stdout=io.StringIO())
    assert not KeptSkuReport.objects.exists()
    assert kept_reports_forget() == 0
    assert_kept_equals_computed()


def test_a_value_of_another_kind_than_declared_is_not_kept():
    with pytest.raises(TypeError):
        _encoded("revenue", 1.5)
    with pytest.raises(TypeError):
        _encoded("articles", True)
    assert _encoded("revenue", Decimal("1E+2")) == "1E+2"
    with pytest.raises(TypeError):
        _encoded("reasons", ("idle",))  # would come back as a list
    assert _encoded("reasons", ["idle", "paid_back"]) == ["idle", "paid_back"]


def _page_csv(client, name: str) -> bytes:
    response = client.get(reverse(f"reports:{name}"), {"download": "csv"})
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("name", ["skus", "selloff"])
def test_the_page_and_the_command_write_the_same_bytes_with_and_without_kept_rows(
    fleet, client, manager, name
):
    live = sku_figures() if name == "skus" else selloff_candidates()
    expected = render_csv(REPORT_COLUMNS[name], live)
    client.force_login(manager)
    kept_reports_forget()
    computed_page = _page_csv(client, name)  # computes (and keeps on PostgreSQL)
    kept_page = _page_csv(client, name)
    assert computed_page == kept_page == expected.encode()
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        call_command("report", name, "--format", "csv", stdout=out)
        outputs.append(out.getvalue())
        kept_reports_forget()
    assert outputs == [expected, expected]


@postgresql_only
@pytest.mark.parametrize("name", ["skus", "selloff"])
def test_a_page_read_from_kept_rows_runs_few_statements(
    fleet, client, manager, name, django_assert_max_num_queries
):
    client.force_login(manager)
    assert client.get(reverse(f"reports:{name}")).status_code == 200
    rows = kept_sku_figures() if name == "skus" else kept_selloff_candidates()
    assert len(rows) >= 20
    # The sell-off counts its kept candidates and reads one page of them.
    with django_assert_max_num_queries(8 if name == "skus" else 9):
        response = client.get(reverse(f"reports:{name}"))
    assert response.status_code == 200


@postgresql_only
def test_a_listing_that_keeps_a_forgotten_sku_pages_every_candidate_from_their_rows(fleet):
    """After a recording forgets one SKU, the sell-off page computes that SKU, keeps it,
    and lists from the kept rows (a page read by the database), not from every SKU's
    candidates decoded and sorted in Python."""
    keep_both()
    article = available_article()
    services.event_record(
        article=article,
        kind=EventKind.NOTE,
        occurred_at=timezone.now() - dt.timedelta(minutes=5),
        notes="Checked.",
    )
    assert_forgotten_only(article.sku_id)
    listing = kept_selloff_listing()
    assert isinstance(listing.candidates, QuerySet)
    assert kept_skus("selloff") == set(SKU.objects.values_list("pk", flat=True))
    listed = [row["number"] for row in listing.candidates]
    assert listed == [candidate["number"] for candidate in selloff_candidates()]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_report_that_cannot_lock_the_ledger_in_time_computes_and_keeps_nothing():
    fleet_generate(articles=12, events_per_article=6, seed=3)
    writer = connection.get_new_connection(connection.get_connection_params())
    try:
        with writer.cursor() as cursor:  # a write under way: ROW EXCLUSIVE until it ends
            cursor.execute("LOCK TABLE articles_event IN ROW EXCLUSIVE MODE")
        assert repr(kept_sku_figures()) == repr(sku_figures())
        assert not KeptSkuReport.objects.exists()
    finally:
        writer.rollback()
        writer.close()
    assert repr(kept_sku_figures()) == repr(sku_figures())
    assert KeptSkuReport.objects.count() == SKU.objects.count()


def _listed(client, url: str, sort: str) -> list[dict]:
    """The candidates of every page of the sell-off page at ``url``, sorted by ``sort``,
    as the table shows them: every figure, the article's condition now and what may be
    done with it."""
    keys = (*REPORT_COLUMNS["selloff"], "condition", "sellable", "choosable")
    listed: list[dict] = []
    page = 1
    while True:
        response = client.get(url, {"page": page, "columns": "all", "sort": sort})
        assert response.status_code == 200
        table = response.context["table"]
        listed += [{key: row.record[key] for key in keys} for row in table.page.object_list]
        if page >= table.paginator.num_pages:
            return listed
        page += 1


@pytest.mark.parametrize("sort", ["", "-keep_margin", "trailing_net", "-store", "renewal_gain"])
def test_the_selloff_page_lists_alike_whether_kept_or_computed(
    fleet, client, manager, monkeypatch, sort
):
    """Page after page, in the sell-off's order or one the user chose: computed now,
    read from the kept rows (PostgreSQL), and computed with every article's state read
    in one scan."""
    client.force_login(manager)
    url = reverse("reports:selloff")
    monkeypatch.setattr(views, "ARTICLES_PER_PAGE", 10)  # pages follow each other
    by_number = _listed(client, url, sort)  # computed now (and kept on PostgreSQL)
    kept = _listed(client, url, sort)  # read from the kept rows on PostgreSQL
    monkeypatch.setattr(views, "MANY_CANDIDATES", 0)
    kept_reports_forget()
    every_article = _listed(client, url, sort)
    assert len(by_number) == len(selloff_candidates()) > 20
    assert repr(by_number) == repr(every_article) == repr(kept)
    assert any(row["condition"] for row in every_article)
    if not sort:
        assert [row["number"] for row in kept] == [c["number"] for c in selloff_candidates()]


@postgresql_only
def test_events_written_by_copy_alone_forget_their_sku(fleet):
    """An import's COPY into the ledger fires the triggers by itself (without the
    update of its articles' stored totals that follows it)."""
    keep_both()
    article = available_article()
    note = Event(
        article=article,
        kind=EventKind.NOTE,
        occurred_at=timezone.now() - dt.timedelta(minutes=30),
        notes="Copied in",
    )
    insert_rows(Event, [note])
    assert_forgotten_only(article.sku_id)
    assert_kept_equals_computed()
