"""The admin of stores, articles and the ledger: pages render with a bounded number of
queries, every write goes through the services, refusals come back as form errors
or messages, the ledger cannot be edited, and permissions are enforced."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import services
from articles.admin import ARTICLE_ACTIONS
from articles.models import Allocation, Article, Event, EventKind, Status
from tests.factories import SKUFactory, StoreFactory, UserFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def stores():
    return StoreFactory.create(name="Innsbruck Centre"), StoreFactory.create(name="Seefeld")


@pytest.fixture
def article(stores, user):
    return services.article_create(
        sku=SKUFactory.create(code="CITY-M", name="City bike M"),
        store=stores[0],
        purchased_on=dt.date(2025, 1, 1),
        purchase_price="690",
        manufacturer="KTM",
        acting_user=user,
    )


@pytest.fixture
def on_rental(article, user):
    services.usage_start(article=article, started_at=at(3), reference="R-118", acting_user=user)
    return article


@pytest.fixture
def fleet(stores, user):
    """22 articles of two SKUs in two stores, each with a few ledger entries."""
    skus = [SKUFactory.create(code="CITY-M"), SKUFactory.create(code="SKI-170")]
    articles = []
    for index in range(22):
        article = services.article_create(
            sku=skus[index % 2],
            store=stores[index % 2],
            purchased_on=dt.date(2025, 1, 1),
            purchase_price="500",
            acting_user=user,
        )
        services.usage_start(
            article=article,
            started_at=at(3),
            ended_at=at(5),
            revenue="50",
            reference=f"R-{index}",
            acting_user=user,
        )
        services.inspection_record(
            article=article, condition="good", occurred_at=at(6), acting_user=user
        )
        articles.append(article)
    return articles


def change_data(article: Article, **overrides) -> dict:
    """The POST of the article's change page, as the browser sends it."""
    data = {
        "number": article.number,
        "sku": article.sku_id,
        "allocation": article.allocation,
        "manufacturer": article.manufacturer,
        "model": article.model,
        "production_year": article.production_year or "",
        "serial_number": article.serial_number,
        "specifications": "{}",
        "notes": article.notes,
        "purchased_on": article.purchased_on.isoformat(),
        "purchase_price": str(article.purchase_price),
        "events-TOTAL_FORMS": article.events.count(),
        "events-INITIAL_FORMS": article.events.count(),
        "events-MIN_NUM_FORMS": 0,
        "events-MAX_NUM_FORMS": 1000,
    }
    return {**data, **overrides}


def event_data(**fields) -> dict:
    data = {
        "kind": "rental",
        "occurred_at_0": "2025-05-10",
        "occurred_at_1": "10:00",
        "ended_at_0": "",
        "ended_at_1": "",
        "revenue": "",
        "cost": "",
        "reference": "",
        "condition": "",
        "store": "",
        "status": "",
        "notes": "",
    }
    return {**data, **fields}


def action(name: str, articles, **fields) -> dict:
    return {"action": name, "_selected_action": [a.pk for a in articles], **fields}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- pages render ----------------------------------------------------------------------


def test_article_changelist_renders_with_bounded_queries(
    admin_client, fleet, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert fleet[0].number in response.text


def test_article_changelist_filters_by_status_and_searches(admin_client, fleet, user):
    services.article_retire(article=fleet[0], occurred_at=at(20), acting_user=user)
    response = admin_client.get(CHANGELIST, {"status__exact": "retired"})
    assert [a.number for a in response.context["cl"].result_list] == [fleet[0].number]
    response = admin_client.get(CHANGELIST, {"q": fleet[3].number})
    assert [a.number for a in response.context["cl"].result_list] == [fleet[3].number]


def test_article_changelist_filters_on_order(admin_client, fleet, user):
    services.usage_start(article=fleet[4], started_at=at(20), acting_user=user)
    response = admin_client.get(CHANGELIST, {"on_order": "yes"})
    assert [a.number for a in response.context["cl"].result_list] == [fleet[4].number]


def test_article_change_page_shows_ledger_with_bounded_queries(
    admin_client, fleet, django_assert_max_num_queries
):
    article = fleet[0]
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    assert [form.original.kind for form in inline] == ["acquisition", "rental", "inspection"]
    assert "R-0" in response.text
    assert 'name="events-0-kind"' not in response.text  # read-only
    # Each entry's hidden keys once, in its first cell (not in every cell: ids unique).
    for n in range(3):
        assert response.text.count(f'id="id_events-{n}-id"') == 1
        assert response.text.count(f'id="id_events-{n}-article"') == 1
    assert 'name="status"' not in response.text  # status changes through events


def test_article_add_page_renders(admin_client, stores):
    response = admin_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    assert 'name="status"' in response.text


def test_event_changelist_renders_with_bounded_queries(
    admin_client, fleet, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:articles_event_changelist"))
    assert response.status_code == 200
    assert "R-21" in response.text


def test_event_changelist_searches_by_article_number_and_reference(admin_client, fleet):
    url = reverse("admin:articles_event_changelist")
    response = admin_client.get(url, {"q": "R-7"})
    assert [e.reference for e in response.context["cl"].result_list] == ["R-7"]
    response = admin_client.get(url, {"q": fleet[2].number, "kind__exact": "inspection"})
    assert [e.article_id for e in response.context["cl"].result_list] == [fleet[2].pk]


def test_event_change_page_is_read_only(admin_client, fleet):
    event = Event.objects.filter(kind=EventKind.RENTAL)[0]
    response = admin_client.get(reverse("admin:articles_event_change", args=[event.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text


def test_store_changelist_and_change_page_render(
    admin_client, fleet, stores, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = admin_client.get(reverse("admin:articles_store_changelist"))
    assert response.status_code == 200
    assert [store.article_count for store in response.context["cl"].result_list] == [11, 11]
    response = admin_client.get(reverse("admin:articles_store_change", args=[stores[0].pk]))
    assert response.status_code == 200


def test_store_autocomplete_finds_a_store_by_name(admin_client, stores):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "store", "term": "see"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Seefeld"]


# --- adding and editing through the services ----------------------------------------


def test_article_add_creates_it_through_the_service(admin_client, stores, admin_user):
    sku = SKUFactory.create(code="EMTB-M")
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "number": "",
            "sku": sku.pk,
            "allocation": "rental",
            "status": "active",
            "condition": "new",
            "store": stores[1].pk,
            "manufacturer": "KTM",
            "model": "Macina",
            "production_year": "2025",
            "serial_number": "KT123",
            "specifications": '{"colour": "black"}',
            "notes": "",
            "purchased_on": "2025-03-01",
            "purchase_price": "4290.00",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.number == "EMTB-M-0001"  # generated by the service
    assert article.store == stores[1]
    acquisition = article.events.get()
    assert (acquisition.kind, acquisition.recorded_by) == ("acquisition", admin_user)


def test_article_add_offers_only_active_or_out_of_use(admin_client, stores):
    sku = SKUFactory.create()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "sku": sku.pk,
            "allocation": "rental",
            "status": "sold",
            "condition": "new",
            "store": stores[0].pk,
            "specifications": "{}",
            "purchased_on": "2025-03-01",
            "purchase_price": "10",
        },
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_article_add_shows_a_service_refusal_on_the_form_and_saves_nothing(
    admin_client, stores, monkeypatch
):
    """A refusal that only the service can make (here: simulated) comes back onto the
    add form, on the field it names."""

    def refuse(**kwargs):
        raise ValidationError({"store": "Seefeld takes no new articles this week."})

    monkeypatch.setattr(services, "article_create", refuse)
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "sku": SKUFactory.create().pk,
            "allocation": "rental",
            "status": "active",
            "condition": "new",
            "store": stores[1].pk,
            "specifications": "{}",
            "purchased_on": "2025-03-01",
            "purchase_price": "10",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["store"] == ["Seefeld takes no new articles this week."]
    assert not Article.objects.exists()


def test_article_change_edits_descriptive_fields_and_notes_it_in_the_ledger(
    admin_client, article, admin_user
):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client.post(url, change_data(article, manufacturer="Cube", status="sold"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.manufacturer == "Cube"
    assert article.status == Status.ACTIVE  # read-only here: only events change it
    note = article.events.get(kind=EventKind.NOTE)
    assert note.notes == "Edited. manufacturer: KTM → Cube"
    assert note.recorded_by == admin_user


def test_article_change_shows_a_service_refusal_on_the_form(admin_client, on_rental):
    url = reverse("admin:articles_article_change", args=[on_rental.pk])
    response = admin_client.post(url, change_data(on_rental, allocation="sales", model="X"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "CITY-M-0001 is on order since 3 May 2025 10:00 (R-118)" in errors
    on_rental.refresh_from_db()
    assert (on_rental.allocation, on_rental.model) == (Allocation.RENTAL, "")
    assert not on_rental.events.filter(kind=EventKind.NOTE).exists()


def test_article_change_refuses_a_number_taken_by_another_article(admin_client, article, user):
    other = services.article_create(
        sku=article.sku, store=article.store, purchased_on=dt.date(2025, 1, 1), acting_user=user
    )
    url = reverse("admin:articles_article_change", args=[other.pk])
    response = admin_client.post(url, change_data(other, number="city-m-0001"))
    assert response.status_code == 200
    assert "An article with this number already exists." in response.text


# --- one article's tools -------------------------------------------------------------


def test_record_event_view_records_a_rental_through_the_service(admin_client, article, admin_user):
    url = reverse("admin:articles_article_record_event", args=[article.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, event_data(kind="rental", revenue="75.00", reference="R-200"))
    assert response.status_code == 302
    rental = article.events.get(kind=EventKind.RENTAL)
    assert (rental.occurred_at, rental.ended_at, rental.revenue) == (at(10), None, Decimal("75"))
    assert rental.recorded_by == admin_user
    article.refresh_from_db()
    assert article.total_revenue == Decimal("75.00")


def test_record_event_view_shows_a_refusal_as_a_form_error(admin_client, on_rental):
    url = reverse("admin:articles_article_record_event", args=[on_rental.pk])
    before = on_rental.events.count()
    response = admin_client.post(url, event_data(kind="rental", reference="R-300"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "CITY-M-0001 is on order since 3 May 2025 10:00 (R-118)" in errors
    assert on_rental.events.count() == before


def test_record_event_view_puts_a_field_refusal_on_its_field(admin_client, article):
    url = reverse("admin:articles_article_record_event", args=[article.pk])
    response = admin_client.post(url, event_data(kind="transfer"))
    assert response.status_code == 200
    assert response.context["form"].errors["store"] == ["A transfer needs the destination store."]


def test_record_event_view_records_a_transfer(admin_client, article, stores):
    url = reverse("admin:articles_article_record_event", args=[article.pk])
    response = admin_client.post(url, event_data(kind="transfer", store=stores[1].pk, cost="8"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.store == stores[1]


def test_change_page_offers_to_end_the_open_rental(admin_client, on_rental):
    response = admin_client.get(reverse("admin:articles_article_change", args=[on_rental.pk]))
    assert reverse("admin:articles_article_end_usage", args=[on_rental.pk]) in response.text
    assert "End open rental" in response.text


def test_end_usage_view_ends_the_open_rental(admin_client, on_rental):
    url = reverse("admin:articles_article_end_usage", args=[on_rental.pk])
    response = admin_client.post(
        url,
        {
            "ended_at_0": "2025-05-05",
            "ended_at_1": "18:00",
            "revenue": "60",
            "cost": "",
            "condition": "fair",
            "notes": "",
        },
    )
    assert response.status_code == 302
    rental = on_rental.events.get(kind=EventKind.RENTAL)
    assert rental.ended_at == at(5, 18)
    assert rental.revenue + on_rental.events.get(kind=EventKind.INCOME).revenue == Decimal("60")
    on_rental.refresh_from_db()
    assert on_rental.condition == "fair"


def test_end_usage_view_refuses_an_end_before_the_start(admin_client, on_rental):
    url = reverse("admin:articles_article_end_usage", args=[on_rental.pk])
    response = admin_client.post(
        url, {"ended_at_0": "2025-05-01", "ended_at_1": "18:00", "condition": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ended_at"] == [
        "The end (1 May 2025 18:00) is before the start (3 May 2025 10:00)."
    ]
    assert on_rental.events.get(kind=EventKind.RENTAL).ended_at is None


def test_end_usage_view_of_an_article_in_stock_goes_back_with_a_message(admin_client, article):
    response = admin_client.get(
        reverse("admin:articles_article_end_usage", args=[article.pk]), follow=True
    )
    assert messages_of(response) == ["CITY-M-0001 is not on order."]


def test_end_downtime_view_returns_the_article_to_active(admin_client, article, user):
    repair = services.service_record(
        article=article, kind="repair", occurred_at=at(4), downtime=True, acting_user=user
    )
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    url = reverse("admin:articles_article_end_downtime", args=[article.pk, repair.pk])
    assert url in page.text
    response = admin_client.post(
        url, {"ended_at_0": "2025-05-06", "ended_at_1": "12:00", "cost": "80", "condition": ""}
    )
    assert response.status_code == 302
    repair.refresh_from_db()
    article.refresh_from_db()
    assert (repair.ended_at, article.status) == (at(6, 12), "active")
    assert article.total_expenses == Decimal("80")


# --- changelist actions --------------------------------------------------------------


def test_every_declared_action_is_offered_in_its_order(admin_client, fleet):
    response = admin_client.get(CHANGELIST)
    offered = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert offered == ["", *(action.name for action in ARTICLE_ACTIONS)]
    assert "Transfer to a store" in response.text


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("transfer_action", "store"),
        ("status_change_action", "status"),
        ("retire_action", "cost"),
        ("report_lost_action", "revenue"),
    ],
)
def test_actions_that_need_input_ask_for_it_first(admin_client, fleet, name, field):
    response = admin_client.post(CHANGELIST, action(name, fleet[:3]))
    assert response.status_code == 200
    assert field in response.context["form"].fields
    assert "3 articles selected" in response.text
    assert Event.objects.count() == 22 * 3  # nothing recorded yet


def test_transfer_action_moves_every_selected_article(admin_client, fleet, stores):
    selected = [fleet[1], fleet[3]]  # both in Seefeld
    response = admin_client.post(
        CHANGELIST,
        action("transfer_action", selected, apply="Transfer", store=stores[0].pk, notes=""),
        follow=True,
    )
    assert messages_of(response) == ["Transferred: 2 article(s)."]
    for article in selected:
        article.refresh_from_db()
        assert article.store == stores[0]
        assert article.events.filter(kind=EventKind.TRANSFER).count() == 1


def test_transfer_action_changes_nothing_when_one_article_is_refused(admin_client, fleet, stores):
    selected = [fleet[0], fleet[1]]  # the first is already in Innsbruck Centre
    response = admin_client.post(
        CHANGELIST,
        action("transfer_action", selected, apply="Transfer", store=stores[0].pk),
        follow=True,
    )
    assert messages_of(response) == [
        f"Nothing was changed. {fleet[0].number} is already in Innsbruck Centre."
    ]
    assert not Event.objects.filter(kind=EventKind.TRANSFER).exists()
    fleet[1].refresh_from_db()
    assert fleet[1].store == stores[1]


def test_status_change_action_needs_a_reason(admin_client, fleet):
    response = admin_client.post(
        CHANGELIST,
        action("status_change_action", fleet[:1], apply="Change status", status="out_of_use"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == ["This field is required."]
    assert not Event.objects.filter(kind=EventKind.STATUS_CHANGE).exists()


def test_status_change_action_records_the_reason(admin_client, fleet):
    admin_client.post(
        CHANGELIST,
        action(
            "status_change_action",
            fleet[:2],
            apply="Change status",
            status="out_of_use",
            notes="Brake recall",
        ),
    )
    changes = Event.objects.filter(kind=EventKind.STATUS_CHANGE)
    assert [(e.status, e.notes) for e in changes] == [("out_of_use", "Brake recall")] * 2
    assert Article.objects.filter(status=Status.OUT_OF_USE).count() == 2


def test_retire_action_refuses_all_when_one_is_on_order(admin_client, fleet, user):
    services.usage_start(article=fleet[1], started_at=at(20), acting_user=user)
    response = admin_client.post(
        CHANGELIST,
        action("retire_action", fleet[:3], apply="Retire", cost="20", notes="Worn out"),
        follow=True,
    )
    [message] = messages_of(response)
    assert message.startswith(f"Nothing was changed. {fleet[1].number} is on order since")
    assert not Article.objects.filter(status=Status.RETIRED).exists()
    assert not Event.objects.filter(kind=EventKind.RETIREMENT).exists()


def test_retire_action_retires_with_the_disposal_cost(admin_client, fleet):
    admin_client.post(
        CHANGELIST,
        action("retire_action", fleet[:2], apply="Retire", cost="20", notes="Worn out"),
    )
    retirements = Event.objects.filter(kind=EventKind.RETIREMENT)
    assert [(e.cost, e.notes) for e in retirements] == [(Decimal("20.00"), "Worn out")] * 2
    assert Article.objects.filter(status=Status.RETIRED).count() == 2


def test_report_lost_then_mark_found(admin_client, fleet):
    admin_client.post(
        CHANGELIST,
        action("report_lost_action", fleet[:1], apply="Report lost", revenue="300", notes=""),
        follow=True,
    )
    fleet[0].refresh_from_db()
    assert fleet[0].status == Status.LOST
    assert fleet[0].events.get(kind=EventKind.LOSS).revenue == Decimal("300.00")
    response = admin_client.post(CHANGELIST, action("found_action", fleet[:1]), follow=True)
    assert messages_of(response) == ["Found: 1 article(s)."]
    fleet[0].refresh_from_db()
    assert (fleet[0].status, fleet[0].disposed_at) == (Status.ACTIVE, None)


def test_mark_found_refuses_an_article_that_is_not_lost(admin_client, fleet):
    response = admin_client.post(CHANGELIST, action("found_action", fleet[:1]), follow=True)
    assert messages_of(response) == [f"Nothing was changed. {fleet[0].number} is active, not lost."]


def test_end_usages_action_ends_every_open_usage(admin_client, fleet, user):
    for article in fleet[:2]:
        services.usage_start(article=article, started_at=at(20), acting_user=user)
    response = admin_client.post(CHANGELIST, action("end_usages_action", fleet[:2]), follow=True)
    assert messages_of(response) == ["Usages ended: 2 article(s)."]
    assert not Event.objects.usages().open().exists()


def test_end_usages_action_refuses_when_one_is_not_on_order(admin_client, fleet, user):
    services.usage_start(article=fleet[0], started_at=at(20), acting_user=user)
    response = admin_client.post(CHANGELIST, action("end_usages_action", fleet[:2]), follow=True)
    assert messages_of(response) == [
        f"Nothing was changed. {fleet[1].number} is not on order; there is no usage to end."
    ]
    assert Event.objects.usages().open().count() == 1


# --- the ledger is append-only; deleting would lose it ---------------------------------


def test_events_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, fleet):
    event = Event.objects.all()[0]
    assert admin_client.get(reverse("admin:articles_event_add")).status_code == 403
    change_url = reverse("admin:articles_event_change", args=[event.pk])
    assert admin_client.post(change_url, {"kind": "note", "notes": "x"}).status_code == 403
    delete_url = reverse("admin:articles_event_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk, kind=event.kind).exists()


def test_an_article_with_a_ledger_cannot_be_deleted(admin_client, article):
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert 'value="delete_selected"' not in admin_client.get(CHANGELIST).text
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_store_with_articles_cannot_be_deleted_but_an_empty_one_can(admin_client, article):
    url = reverse("admin:articles_store_delete", args=[article.store_id])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    empty = StoreFactory.create(name="Warehouse")
    url = reverse("admin:articles_store_delete", args=[empty.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302


# --- who may do what -----------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client, article):
    for url in [
        CHANGELIST,
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_record_event", args=[article.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_without_permissions_are_refused(client, article):
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    record = reverse("admin:articles_article_record_event", args=[article.pk])
    assert client.post(record, event_data()).status_code == 403
    assert article.events.count() == 1


def test_staff_who_may_only_view_cannot_record_events_or_run_actions(client, fleet):
    viewer = UserFactory.create(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    response = client.get(reverse("admin:articles_article_change", args=[fleet[0].pk]))
    assert response.status_code == 200
    assert "Record an event" not in response.text
    record = reverse("admin:articles_article_record_event", args=[fleet[0].pk])
    assert client.get(record).status_code == 403
    assert "transfer_action" not in response.text
    client.post(CHANGELIST, action("found_action", fleet[:1]))
    assert not Event.objects.filter(kind=EventKind.STATUS_CHANGE).exists()


def test_staff_with_the_add_event_permission_can_record(client, article):
    clerk = UserFactory.create(is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "add_event"])
    )
    client.force_login(clerk)
    url = reverse("admin:articles_article_record_event", args=[article.pk])
    response = client.post(url, event_data(kind="note", notes="Bell squeaks."))
    assert response.status_code == 302
    assert article.events.get(kind=EventKind.NOTE).recorded_by == clerk
