"""Adding and editing articles, inspections, transfers, money, notes and the stored totals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from articles import services
from articles.models import Allocation, Article, Condition, Event, EventKind, Status
from skus.models import SKU
from tests.factories import ArticleFactory, SKUFactory, StoreFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sku():
    return SKUFactory.create(code="CITYB")


@pytest.fixture
def store():
    return StoreFactory.create(name="Harbour")


def create(sku, store, **fields):
    return services.article_create(
        sku=sku, store=store, purchased_on=dt.date(2025, 1, 15), **fields
    )


# --- adding one article ----------------------------------------------------------------


def test_article_create_generates_the_first_number_of_the_sku(sku, store):
    article = create(sku, store)

    assert article.number == "CITYB-0001"
    assert create(sku, store).number == "CITYB-0002"


def test_article_create_grows_the_sequence_past_four_digits(sku, store):
    SKU.objects.filter(pk=sku.pk).update(next_article_sequence=9999)

    assert [create(sku, store).number for _ in range(2)] == ["CITYB-9999", "CITYB-10000"]


def test_article_create_records_the_acquisition_at_the_start_of_the_purchase_day(sku, store, user):
    article = create(sku, store, purchase_price="499.90", condition="like_new", acting_user=user)

    acquisition = Event.objects.get(article=article)
    assert acquisition.kind == EventKind.ACQUISITION
    assert acquisition.occurred_at == timezone.make_aware(dt.datetime(2025, 1, 15))
    assert (acquisition.condition, acquisition.store, acquisition.recorded_by) == (
        Condition.LIKE_NEW,
        store,
        user,
    )
    assert (acquisition.revenue, acquisition.cost) == (0, 0)
    article.refresh_from_db()
    assert article.purchase_price == Decimal("499.90")
    assert (article.status, article.condition, article.allocation) == (
        Status.ACTIVE,
        Condition.LIKE_NEW,
        Allocation.RENTAL,
    )


def test_article_create_keeps_a_given_number_without_surrounding_spaces(sku, store):
    article = create(sku, store, number="  4006381333931 ")

    assert article.number == "4006381333931"
    sku.refresh_from_db()
    assert sku.next_article_sequence == 1


def test_article_create_skips_generated_numbers_already_taken(sku, store):
    create(sku, store, number="cityb-0001")

    assert create(sku, store).number == "CITYB-0002"


def test_article_create_refuses_a_number_taken_in_another_case(sku, store, assert_refused):
    create(sku, store, number="Bike-7")

    assert_refused(
        services.article_create,
        "An article with this number already exists",
        sku=sku,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        number="BIKE-7",
    )


@pytest.mark.parametrize("status", [Status.LOST, Status.SOLD, Status.RETIRED])
def test_article_create_refuses_a_disposed_status(status, sku, store, assert_refused):
    assert_refused(
        services.article_create,
        "A new article is active or out of use; disposals are recorded as events",
        sku=sku,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        status=status,
    )


def test_article_create_accepts_an_article_out_of_use(sku, store):
    assert create(sku, store, status=Status.OUT_OF_USE).status == Status.OUT_OF_USE


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"purchase_price": "-0.01"}, "purchase_price"),
        ({"production_year": 1899}, "production_year"),
        ({"production_year": 2101}, "production_year"),
        ({"condition": "mint"}, "condition"),
        ({"allocation": "lease"}, "allocation"),
    ],
)
def test_article_create_refuses_an_invalid_field(fields, field, sku, store, assert_refused):
    error = assert_refused(
        services.article_create,
        ".",
        sku=sku,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        **fields,
    )
    assert field in error.message_dict


def test_article_create_refuses_text_that_is_not_money(sku, store, assert_refused):
    assert_refused(
        services.article_create,
        "^'12,50' is not an amount of money\\.$",
        sku=sku,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        purchase_price="12,50",
    )


@pytest.mark.parametrize("year", [1900, 2100])
def test_article_create_accepts_the_bounds_of_the_production_year(year, sku, store):
    assert create(sku, store, production_year=year).production_year == year


# --- adding a batch ----------------------------------------------------------------------


def test_articles_create_batch_generates_numbers(sku, store, user):
    articles = services.articles_create_batch(
        sku=sku,
        count=3,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        purchase_price="300",
        acting_user=user,
    )

    assert [a.number for a in articles] == ["CITYB-0001", "CITYB-0002", "CITYB-0003"]
    assert Event.objects.filter(kind=EventKind.ACQUISITION, recorded_by=user).count() == 3
    assert set(Article.objects.values_list("purchase_price", flat=True)) == {Decimal("300")}


def test_articles_create_batch_takes_a_list_of_numbers(sku, store):
    articles = services.articles_create_batch(
        sku=sku, numbers=["A-1", " A-2 ", ""], store=store, purchased_on=dt.date(2025, 1, 15)
    )

    assert [a.number for a in articles] == ["A-1", "A-2"]


def test_articles_create_batch_is_all_or_nothing(sku, store, assert_refused):
    create(sku, store, number="A-2")

    assert_refused(
        services.articles_create_batch,
        "^a-2: An article with this number already exists\\.$",
        sku=sku,
        numbers=["A-1", "a-2", "A-3"],
        store=store,
        purchased_on=dt.date(2025, 1, 15),
    )


def test_articles_create_batch_with_generated_numbers_is_all_or_nothing(sku, store, assert_refused):
    assert_refused(
        services.articles_create_batch,
        "greater than or equal to 1900",
        sku=sku,
        count=2,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        production_year=1800,
    )
    assert SKU.objects.get(pk=sku.pk).next_article_sequence == 1


def test_articles_create_batch_refuses_a_list_repeating_a_number(sku, store, assert_refused):
    assert_refused(
        services.articles_create_batch,
        "^The list repeats a-1\\.$",
        sku=sku,
        numbers=["A-1", "B-1", "a-1"],
        store=store,
        purchased_on=dt.date(2025, 1, 15),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 2, "numbers": ["A-1"]}, "Give either a count of articles or a list of numbers"),
        ({}, "Give either a count of articles or a list of numbers"),
        ({"count": 0}, "Add at least one article"),
        ({"numbers": [" ", ""]}, "The list of numbers is empty"),
    ],
)
def test_articles_create_batch_refuses_a_bad_request(kwargs, message, sku, store, assert_refused):
    assert_refused(
        services.articles_create_batch,
        message,
        sku=sku,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        **kwargs,
    )


# --- editing -----------------------------------------------------------------------------


def test_article_update_changes_descriptive_fields_and_notes_the_change(user):
    article = ArticleFactory.create(number="BIKE-1", manufacturer="Gazelle", production_year=2020)

    updated = services.article_update(
        article=article,
        data={"manufacturer": "Batavus", "production_year": 2021, "model": ""},
        acting_user=user,
    )

    article.refresh_from_db()
    assert (article.manufacturer, article.production_year) == ("Batavus", 2021)
    assert updated.manufacturer == "Batavus"
    note = Event.objects.get(article=article)
    assert note.kind == EventKind.NOTE
    assert note.notes == "Edited. manufacturer: Gazelle → Batavus; production_year: 2020 → 2021"
    assert note.recorded_by == user


def test_article_update_without_a_change_writes_nothing():
    article = ArticleFactory.create(number="BIKE-1", manufacturer="Gazelle")

    services.article_update(article=article, data={"manufacturer": "Gazelle"})

    assert not Event.objects.exists()


def test_article_update_with_equal_values_in_other_types_writes_nothing(assert_refused):
    article = ArticleFactory.create(
        number="BIKE-1", purchase_price=Decimal("1000.00"), production_year=2020
    )

    services.article_update(
        article=article, data={"purchase_price": "1000", "production_year": "2020"}
    )

    assert not Event.objects.exists()


def test_article_update_notes_a_change_given_as_text(user):
    article = ArticleFactory.create(number="BIKE-1", purchase_price=Decimal("1000.00"))

    services.article_update(article=article, data={"purchase_price": "1200.50"})

    article.refresh_from_db()
    assert article.purchase_price == Decimal("1200.50")
    assert Event.objects.get().notes == "Edited. purchase_price: 1000.00 → 1200.50"


@pytest.mark.parametrize("field", ["status", "store", "condition", "disposed_at", "total_revenue"])
def test_article_update_refuses_fields_that_change_through_events(field, assert_refused):
    article = ArticleFactory.create(number="BIKE-1")

    assert_refused(
        services.article_update,
        f"^{field} cannot be edited here; status, store and condition change through their "
        "events\\.$",
        article=article,
        data={field: "x", "notes": "changed"},
    )


def test_article_update_refuses_a_number_taken_in_another_case(assert_refused):
    ArticleFactory.create(number="BIKE-1")
    article = ArticleFactory.create(number="BIKE-2")

    assert_refused(
        services.article_update,
        "An article with this number already exists",
        article=article,
        data={"number": "bike-1"},
    )


def test_article_update_accepts_its_own_number_in_another_case():
    article = ArticleFactory.create(number="BIKE-1")

    services.article_update(article=article, data={"number": "bike-1"})

    assert Article.objects.get(pk=article.pk).number == "bike-1"


def test_article_update_refuses_a_negative_price(assert_refused):
    article = ArticleFactory.create(number="BIKE-1")

    error = assert_refused(
        services.article_update,
        ".",
        article=article,
        data={"purchase_price": Decimal("-1")},
    )
    assert list(error.message_dict) == ["purchase_price"]


def test_article_update_refuses_allocating_an_article_on_order_to_sales(assert_refused):
    article = ArticleFactory.create(number="BIKE-1")
    services.usage_start(article=article, started_at=at(3))

    assert_refused(
        services.article_update,
        r"^BIKE-1 is on order since 3 May 2025 10:00; end that rental before allocating it "
        r"to sales\.$",
        article=article,
        data={"allocation": Allocation.SALES},
    )


# --- stores --------------------------------------------------------------------------------


def test_store_get_or_create_finds_a_store_case_insensitively():
    store = StoreFactory.create(name="Harbour")

    assert services.store_get_or_create(name=" harbour ") == store
    assert services.store_get_or_create(name="Old Town").name == "Old Town"


def test_store_get_or_create_returns_a_store_created_meanwhile(monkeypatch):
    harbour = StoreFactory.create(name="Harbour")
    # Another session creates "Harbour" between the look-up and the insert.
    monkeypatch.setattr(QuerySet, "first", lambda queryset: None)
    assert services.store_get_or_create(name="HARBOUR") == harbour


def test_store_get_or_create_refuses_an_empty_name(assert_refused):
    assert_refused(services.store_get_or_create, "A store name is required", name="  ")


# --- inspection, transfer -------------------------------------------------------------------


def test_inspection_sets_the_condition(user):
    article = ArticleFactory.create(condition=Condition.NEW)

    event = services.inspection_record(
        article=article, condition=Condition.FAIR, occurred_at=at(3), cost="5", acting_user=user
    )

    article.refresh_from_db()
    assert (event.kind, event.condition, event.cost) == (EventKind.INSPECTION, "fair", 5)
    assert article.condition == Condition.FAIR
    assert article.total_expenses == Decimal("5.00")


@pytest.mark.parametrize(
    ("condition", "message"),
    [("", "An inspection needs the grade it found"), ("mint", "not a valid choice")],
)
def test_inspection_refuses_a_missing_or_unknown_grade(condition, message, assert_refused):
    article = ArticleFactory.create()

    assert_refused(services.inspection_record, message, article=article, condition=condition)


def test_transfer_sets_the_store():
    article = ArticleFactory.create()
    destination = StoreFactory.create(name="Old Town")

    event = services.article_transfer(
        article=article, store=destination, occurred_at=at(3), cost="12"
    )

    article.refresh_from_db()
    assert (event.kind, event.store, event.cost) == (EventKind.TRANSFER, destination, 12)
    assert article.store == destination


def test_transfer_of_a_lost_article_is_accepted():
    """A lost article that turns up in another store is recorded where it is."""
    article = ArticleFactory.create(status=Status.LOST, disposed_at=at(1))
    destination = StoreFactory.create()

    services.article_transfer(article=article, store=destination, occurred_at=at(3))

    assert Article.objects.get(pk=article.pk).store == destination


@pytest.mark.parametrize(("status", "label"), [(Status.SOLD, "sold"), (Status.RETIRED, "retired")])
def test_transfer_refuses_a_sold_or_retired_article(status, label, assert_refused):
    article = ArticleFactory.create(number="BIKE-1", status=status, disposed_at=at(1))

    assert_refused(
        services.article_transfer,
        f"^BIKE-1 is {label}; it can no longer move\\.$",
        article=article,
        store=StoreFactory.create(),
    )


def test_transfer_refuses_the_store_the_article_is_in(assert_refused):
    store = StoreFactory.create(name="Harbour")
    article = ArticleFactory.create(number="BIKE-1", store=store)

    assert_refused(
        services.article_transfer, "^BIKE-1 is already in Harbour\\.$", article=article, store=store
    )


# --- money and notes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "revenue", "cost"),
    [
        (EventKind.INCOME, "15.00", "0"),
        (EventKind.EXPENSE, "0", "7.50"),
        (EventKind.ADJUSTMENT, "2.00", "1.00"),
    ],
)
def test_money_record_writes_the_amounts(kind, revenue, cost, user):
    article = ArticleFactory.create()

    event = services.money_record(
        article=article,
        kind=kind,
        revenue=revenue,
        cost=cost,
        occurred_at=at(3),
        reference="INV-7",
        acting_user=user,
    )

    article.refresh_from_db()
    assert (event.kind, event.revenue, event.cost) == (kind, Decimal(revenue), Decimal(cost))
    assert (article.total_revenue, article.total_expenses) == (Decimal(revenue), Decimal(cost))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": EventKind.INCOME}, "An income needs an amount"),
        ({"kind": EventKind.EXPENSE}, "An expense needs an amount"),
        ({"kind": EventKind.NOTE, "revenue": "1"}, "note is not income, expense or adjustment"),
        ({"kind": EventKind.INCOME, "revenue": "-1"}, "An income cannot carry a negative revenue"),
        ({"kind": EventKind.EXPENSE, "cost": "abc"}, "'abc' is not an amount of money"),
        ({"kind": EventKind.INCOME, "revenue": "1.005"}, "no more than 2 decimal places"),
    ],
)
def test_money_record_refuses_bad_amounts(kwargs, message, assert_refused):
    article = ArticleFactory.create()

    assert_refused(services.money_record, message, article=article, **kwargs)


def test_note_record_writes_a_remark(user):
    article = ArticleFactory.create()

    event = services.note_record(article=article, notes="Bell missing.", acting_user=user)

    assert (event.kind, event.notes, event.recorded_by) == (EventKind.NOTE, "Bell missing.", user)
    assert (event.revenue, event.cost) == (0, 0)


def test_note_record_refuses_an_empty_note(assert_refused):
    assert_refused(
        services.note_record, "A note needs some text", article=ArticleFactory.create(), notes="  "
    )


# --- stored totals ---------------------------------------------------------------------------


def totals(article):
    article.refresh_from_db()
    return (
        article.total_usage_count,
        article.total_revenue,
        article.total_expenses,
        article.total_sale_proceeds,
    )


def test_stored_totals_follow_every_money_event(sku, store):
    article = create(sku, store, purchase_price="1000")
    assert totals(article) == (0, 0, 0, 0)

    services.usage_start(article=article, started_at=at(1), ended_at=at(2), revenue="30")
    assert totals(article) == (1, Decimal("30"), 0, 0)

    services.usage_start(article=article, kind=EventKind.SUBSCRIPTION, started_at=at(3))
    services.usage_end(article=article, ended_at=at(4), revenue="45.50", cost="2")
    assert totals(article) == (2, Decimal("75.50"), Decimal("2"), 0)

    services.money_record(article=article, kind=EventKind.INCOME, revenue="15", occurred_at=at(5))
    services.money_record(article=article, kind=EventKind.EXPENSE, cost="7.50", occurred_at=at(5))
    assert totals(article) == (2, Decimal("90.50"), Decimal("9.50"), 0)

    services.money_record(
        article=article, kind=EventKind.ADJUSTMENT, revenue="2", cost="1", occurred_at=at(6)
    )
    assert totals(article) == (2, Decimal("92.50"), Decimal("10.50"), 0)

    services.service_record(article=article, kind=EventKind.REPAIR, occurred_at=at(7), cost="40")
    services.inspection_record(article=article, condition="good", occurred_at=at(7), cost="5")
    services.article_transfer(
        article=article, store=StoreFactory.create(), occurred_at=at(8), cost="12"
    )
    assert totals(article) == (2, Decimal("92.50"), Decimal("67.50"), 0)

    event = services.service_record(
        article=article, kind=EventKind.CLEANING, occurred_at=at(9), downtime=True
    )
    services.service_end(event=event, ended_at=at(10), cost="8")
    assert totals(article) == (2, Decimal("92.50"), Decimal("75.50"), 0)

    services.article_sell(article=article, price="300", cost="10", occurred_at=at(11))
    assert totals(article) == (2, Decimal("92.50"), Decimal("85.50"), Decimal("300"))


def test_stored_totals_count_a_loss_payout_as_revenue():
    article = ArticleFactory.create()

    services.article_report_lost(article=article, occurred_at=at(3), revenue="250", cost="20")

    assert totals(article) == (0, Decimal("250"), Decimal("20"), 0)


def test_article_totals_refresh_rebuilds_totals_from_the_ledger():
    article = ArticleFactory.create(total_revenue=Decimal("999"), total_usage_count=9)
    other = ArticleFactory.create(total_revenue=Decimal("5"))
    Event.objects.create(article=article, kind=EventKind.RENTAL, occurred_at=at(1), revenue=20)
    Event.objects.create(article=article, kind=EventKind.SALE, occurred_at=at(2), revenue=100)

    updated = services.article_totals_refresh(articles=Article.objects.filter(pk=article.pk))

    assert updated == 1
    assert totals(article) == (1, Decimal("20"), 0, Decimal("100"))
    assert totals(other) == (0, Decimal("5"), 0, 0)


@pytest.fixture
def number_check_misses(monkeypatch):
    """Make full_clean's uniqueness check miss, as it does when another session
    commits the same number between the check and the insert."""
    monkeypatch.setattr(Article, "validate_constraints", lambda self, exclude=None: None)


def test_a_duplicate_number_caught_by_the_database_is_refused_clearly(
    number_check_misses, sku, store, assert_refused
):
    ArticleFactory.create(number="BIKE-7")

    error = assert_refused(
        services.article_create,
        "^An article with this number already exists\\.$",
        sku=sku,
        store=store,
        purchased_on=dt.date(2025, 1, 15),
        number="bike-7",
    )
    assert list(error.message_dict) == ["number"]


def test_a_duplicate_number_edit_caught_by_the_database_is_refused_clearly(
    number_check_misses, assert_refused
):
    ArticleFactory.create(number="BIKE-7")
    article = ArticleFactory.create(number="BIKE-8")

    assert_refused(
        services.article_update,
        "^An article with this number already exists\\.$",
        article=article,
        data={"number": "Bike-7"},
    )
