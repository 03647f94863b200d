"""The numbers behind the SKU page's charts: the Kaplan–Meier steps and the histogram
bins, worked by hand."""

from decimal import Decimal
from fractions import Fraction

from reports.figures.survival import kaplan_meier_curve, kaplan_meier_median
from skus.charts import LIFETIME_BIN_DAYS, USES_BIN_STEPS, Bin, histogram


def test_histogram_of_nothing_has_no_bins():
    assert histogram([], steps=USES_BIN_STEPS) == []


def test_histogram_takes_the_first_width_that_needs_at_most_twelve_bins():
    # Up to 11 uses: bins of 1 (12 bins); 12 uses would need 13, so bins of 2.
    assert len(histogram([0, 11], steps=USES_BIN_STEPS)) == 12
    assert histogram([0, 3, 3, 12], steps=USES_BIN_STEPS) == [
        Bin(0, 2, 1),
        Bin(2, 4, 2),
        Bin(4, 6, 0),
        Bin(6, 8, 0),
        Bin(8, 10, 0),
        Bin(10, 12, 0),
        Bin(12, 14, 1),
    ]


def test_histogram_of_lifetimes_puts_a_bound_in_the_bin_it_starts():
    # 30 days is the first day of the second bin of 30; 29.9 the last of the first.
    bins = histogram([Decimal("29.9"), Decimal(30), Decimal(300)], steps=LIFETIME_BIN_DAYS)
    assert (bins[0], bins[1]) == (Bin(0, 30, 1), Bin(30, 60, 1))
    assert bins[-1] == Bin(300, 330, 1)


def test_histogram_past_the_widest_step_still_needs_at_most_twelve_bins():
    bins = histogram([0, 100_000], steps=USES_BIN_STEPS)
    assert len(bins) <= 12
    assert sum(b.count for b in bins) == 2


def test_kaplan_meier_curve_with_ties_and_a_censored_article_at_a_disposal_time():
    # Times 5, 5 (disposed), 5 (censored: at risk at 5), 8 (disposed).
    lifetimes = [(Decimal(5), True), (Decimal(5), True), (Decimal(5), False), (Decimal(8), True)]
    steps = kaplan_meier_curve(lifetimes)
    # t=5: n=4, d=2, S = 1/2; t=8: n=1, d=1, S = 0.
    assert [(s.time, s.at_risk, s.disposed, s.survival) for s in steps] == [
        (Decimal(5), 4, 2, Fraction(1, 2)),
        (Decimal(8), 1, 1, Fraction(0)),
    ]
    assert kaplan_meier_median(lifetimes) == Decimal(5)
