"""Generated input for the property-based tests: the values that once crashed a page
or an import, mixed with any text at all (bar lone surrogates, which no request or
file can carry)."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

AWKWARD = [
    "",
    "   ",
    "²",
    "٢٠٢٠",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "abc",
    "1e999",
    "NaN",
    "99999999999999999999",
    "=1+1",
    "'=1+1",
    "2025-02-30",
    "9999-12-31",
    "0001-01-01",
    "0001-01-01T00:00+01:00",
    "9999-12-31T23:59-12:00",
    "2025-05-01T10:00",
]

awkward_text = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
)

# Few examples each, no deadline (the first example of a test warms up the database).
# Derandomized: every run tries the same examples, so a run that passed here passes in
# CI; widen the search by raising max_examples, not by chance.
generated = settings(
    derandomize=True,
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
