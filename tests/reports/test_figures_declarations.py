"""Each figure is declared once, and the reports, the formatting and the pages are made
from the declarations."""

from decimal import Decimal

import pytest

from reports.figures import (
    ARTICLE_FIGURES,
    FIGURES,
    MONTHLY_FIGURES,
    REASONS_IN_ORDER,
    REPORT_COLUMNS,
    SELLOFF_FIGURES,
    SKU_FIGURES,
    Kind,
    figure_of,
)
from reports.formatting import format_value, render_csv
from reports.tables import FigureColumn


def test_every_report_column_is_declared_once():
    for columns in (*REPORT_COLUMNS.values(), MONTHLY_FIGURES):
        assert len(set(columns)) == len(columns)
        assert all(name in FIGURES for name in columns)
    assert REPORT_COLUMNS == {
        "articles": ARTICLE_FIGURES,
        "skus": SKU_FIGURES,
        "selloff": SELLOFF_FIGURES,
    }


def test_money_is_rounded_to_the_cent_and_other_fractions_to_four_decimals():
    assert figure_of("revenue").quantum == Decimal("0.01")
    assert figure_of("utilization").quantum == Decimal("0.0001")
    assert figure_of("usage_count").quantum is None
    assert format_value("keep_margin", Decimal("-0.005")) == "-0.01"
    assert format_value("usage_days", Decimal("1.23456")) == "1.2346"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("number", Kind.TEXT),
        ("paid_back_on", Kind.DATE),
        ("surplus", Kind.INTEGER),
        ("median_uses_at_disposal", Kind.FRACTION),
        ("renewal_hurdle", Kind.MONEY),
        ("reasons", Kind.REASONS),
    ],
)
def test_figures_have_the_kind_of_value_spec_gives_them(name, kind):
    assert FIGURES[name].kind is kind


def test_a_column_that_is_not_a_figure_is_written_as_text():
    assert figure_of("store").kind is Kind.TEXT
    assert format_value("store", 12) == "12"


def test_the_csv_header_is_the_figure_names():
    header = render_csv(SELLOFF_FIGURES, []).strip()
    assert header == ",".join(SELLOFF_FIGURES)


def test_page_columns_show_the_label_with_the_definition_as_title_and_align_numbers():
    money = FigureColumn("keep_margin")
    assert money.verbose_name == "Gain from keeping"
    assert money.attrs["th"] == {"class": "num", "title": FIGURES["keep_margin"].definition}
    text = FigureColumn("sku_code")
    assert text.verbose_name == "SKU"
    assert text.attrs["th"] == {"title": FIGURES["sku_code"].definition}
    assert "td" not in text.attrs


def test_every_figure_has_a_label_and_a_definition_in_plain_words():
    for figure in FIGURES.values():
        assert figure.label and figure.definition, figure.name
        assert "_" not in figure.label + figure.definition, figure.name
        assert "SPEC" not in figure.label + figure.definition, figure.name


def test_every_reason_has_a_label_and_a_definition_in_plain_words():
    for reason in REASONS_IN_ORDER:
        assert reason.label and reason.definition, reason.code
        assert "_" not in reason.label + reason.definition, reason.code


def test_reasons_are_listed_in_spec_order_and_say_sell_or_renew():
    assert [reason.code for reason in REASONS_IN_ORDER] == [
        "earns_less_than_value_loss",
        "surplus_sku",
        "new_one_earns_more",
        "idle",
        "poor_condition",
        "past_expected_lifetime",
        "paid_back",
    ]
    assert [reason.advice for reason in REASONS_IN_ORDER[:3]] == ["sell", "sell", "renew"]
    assert not any(reason.advice for reason in REASONS_IN_ORDER[3:])
