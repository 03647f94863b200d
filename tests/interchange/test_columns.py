"""The one declaration of the files' columns: required names, lengths, the description."""

from interchange.columns import ARTICLES, EVENTS


def test_required_columns_are_those_a_header_must_name():
    assert ARTICLES.required == ("number", "sku_code", "store", "purchased_on")
    assert EVENTS.required == ("article_number", "kind", "occurred_at")


def test_lengths_are_read_from_the_fields_the_values_are_stored_in(db):
    assert ARTICLES.max_lengths() == {
        "number": 64,
        "sku_code": 64,
        "sku_name": 200,
        "manufacturer": 100,
        "model": 100,
        "serial_number": 100,
        "store": 100,
    }
    assert EVENTS.max_lengths() == {"reference": 100, "store": 100}


def test_description_names_the_columns_and_what_further_ones_are():
    assert ARTICLES.describe().endswith("purchase_price; any further column is a specification.")
    assert EVENTS.describe() == (
        "Columns: article_number, kind, occurred_at, ended_at, revenue, cost, reference, "
        "condition, store, status, notes, due_at."
    )
    assert EVENTS.describe(separator=",").startswith("Columns: article_number,kind,")
