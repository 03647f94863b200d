"""The report pages speak a manager's words: on a seeded fleet no page shows a code
name (``payback_ratio``, ``earns_less_than_value_loss``, ``out_of_use``) or the spec
file, in its text or its hover texts, and every figure's header says what it means."""

from html.parser import HTMLParser

from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from articles.models import Condition, Status
from inventory_site.roles import MANAGER
from reports.figures import FIGURES, REASONS_IN_ORDER, REPORT_COLUMNS, selloff_candidates
from reports.tables import COLUMN_SETS, OWN_COLUMNS, column_set
from tests.helpers import user_with_role

CODE_NAMES = sorted(
    {name for name in FIGURES if "_" in name}
    | {reason.code for reason in REASONS_IN_ORDER}
    | {value for value in (*Status.values, *Condition.values) if "_" in value}
)
SPEC_WORDS = ["SPEC", ".md", ".py"]


class ReadableText(HTMLParser):
    """What a reader sees of a page: its text and its hover texts (``title``), and
    the column headers of its report tables as (text, title)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.headers: list[tuple[str, str | None]] = []
        self._header: list[str] | None = None
        self._title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("title"):
            self.parts.append(attributes["title"] or "")
        if tag == "th" and attributes.get("scope") == "col":
            self._header, self._title = [], attributes.get("title")

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self._header is not None:
            self.headers.append(("".join(self._header).strip(), self._title))
            self._header = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._header is not None:
            self._header.append(data)


def read(html: str) -> ReadableText:
    reader = ReadableText()
    reader.feed(html)
    return reader


class SeededReportPages(TestCase):
    """Every report page in every column choice, for a Manager, over a demo fleet
    seeded once for the class."""

    pages: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--articles", "40", verbosity=0)
        client = Client()
        client.force_login(user_with_role(MANAGER, username="mia-manager"))
        urls = {"index": reverse("reports:index")}
        for report, sets in COLUMN_SETS.items():
            for choice in sets:
                url = reverse(f"reports:{report}")
                urls[f"{report}-{choice.key}"] = f"{url}?columns={choice.key}"
        answers = {name: client.get(url) for name, url in urls.items()}
        assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
            urls, 200
        )
        cls.pages = {name: answer.content.decode() for name, answer in answers.items()}

    def test_no_report_page_shows_a_code_name_or_the_spec_file(self) -> None:
        for name, html in self.pages.items():
            text = " ".join(read(html).parts)
            shown = [word for word in CODE_NAMES + SPEC_WORDS if word in text]
            assert shown == [], f"{name} shows {shown}"

    def test_every_figure_header_has_its_definition_as_title(self) -> None:
        for name, html in self.pages.items():
            for header, title in read(html).headers:
                if header in ("Choose", "Sale"):
                    continue
                assert title, f"{name}: the header {header!r} has no title"

    def test_the_sell_off_shows_reasons_in_plain_words(self) -> None:
        text = " ".join(read(self.pages["selloff-overview"]).parts)
        found = {code for row in selloff_candidates() for code in row["reasons"]}
        assert found, "the demo fleet has sell-off candidates"
        for reason in REASONS_IN_ORDER:
            if reason.code in found:
                assert reason.label in text

    def test_headers_are_the_figures_labels(self) -> None:
        headers = [header for header, _ in read(self.pages["articles-all"]).headers]
        assert headers == [FIGURES[name].label for name in REPORT_COLUMNS["articles"]]

    def test_the_index_links_to_the_three_reports(self) -> None:
        for name in ("articles", "skus", "selloff"):
            assert f'href="{reverse(f"reports:{name}")}"' in self.pages["index"]


def test_every_figure_of_a_report_is_in_its_all_columns():
    for report, columns in REPORT_COLUMNS.items():
        everything = column_set(report, "all")
        assert everything is not None
        shown = [name for name in everything.columns if name not in OWN_COLUMNS]
        assert set(columns) <= set(shown), report
