"""What one back-office user does under load: browse the pages and record events.

Run by ``benchmarks/load_test.py``, which starts the server and hands this file what it
needs through the environment: ``LOAD_SESSIONS`` (the sessions of the users it logged
in before the timed minute, one a line) and
``LOAD_ARTICLE_IDS`` (a file of active articles, which accept notes and inspections:
one a line, its id and its number).

Every user takes one of those sessions, then picks a task by weight after a pause
(``LOAD_PAUSE``, "least,most" in seconds; half a second to two by default). Recording
an event takes the form's own CSRF token and its own "now" (the form's initial moment,
a minute or less ago in the server's time zone), since the ledger refuses moments in
the future; it goes through the staff event form of the article's page, as staff at
the counter do. A form that comes back instead of the redirect to the article page is
a refusal and counts as a failure.
Recording alone is tagged ``record`` (``load_test.py --tags record``).
"""

import itertools
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, tag, task

ARTICLES = [
    (int(pk), number)
    for pk, number in (
        line.split(" ", 1) for line in Path(os.environ["LOAD_ARTICLE_IDS"]).read_text().splitlines()
    )
]
CONDITIONS = ("like_new", "good", "fair")
SESSIONS = itertools.cycle(Path(os.environ["LOAD_SESSIONS"]).read_text().split())
PAUSE = tuple(float(part) for part in os.environ.get("LOAD_PAUSE", "0.5,2").split(","))
INPUT_VALUE = r'name="{name}"[^>]*?value="([^"]*)"'


def _input_value(html: str, name: str) -> str | None:
    """The value of the form input ``name`` (attributes as Django renders them)."""
    match = re.search(INPUT_VALUE.format(name=re.escape(name)), html)
    return match.group(1) if match else None


class BackOfficeUser(HttpUser):
    wait_time = between(PAUSE[0], PAUSE[1])

    def on_start(self) -> None:
        # Logged in before the timed minute by load_test.py: one session a user.
        self.client.cookies.set("sessionid", next(SESSIONS))

    def _article_id(self) -> int:
        return random.choice(ARTICLES)[0]

    def _article_number(self) -> str:
        return random.choice(ARTICLES)[1]

    @task(3)
    def overview(self) -> None:
        self.client.get("/", name="/ (overview)")

    @task(2)
    def article_report(self) -> None:
        self.client.get("/reports/articles/", name="/reports/articles/")

    @task(2)
    def sku_report(self) -> None:
        self.client.get("/reports/skus/", name="/reports/skus/")

    @task(1)
    def selloff_report(self) -> None:
        self.client.get("/reports/selloff/", name="/reports/selloff/")

    @task(2)
    def catalog(self) -> None:
        self.client.get("/catalog/", name="/catalog/")

    @task(3)
    def article_list(self) -> None:
        self.client.get("/articles/", name="/articles/")

    @task(1)
    def article_search(self) -> None:
        self.client.get(f"/articles/?q={self._article_number()[:5]}", name="/articles/?q=")

    @task(3)
    def article_page(self) -> None:
        self.client.get(f"/articles/{self._article_number()}/", name="/articles/[number]/")

    @task(1)
    def sku_list(self) -> None:
        self.client.get("/skus/", name="/skus/")

    @task(1)
    def admin_article_list(self) -> None:
        self.client.get("/admin/articles/article/", name="/admin/articles/article/")

    @task(1)
    def admin_article_page(self) -> None:
        self.client.get(
            f"/admin/articles/article/{self._article_id()}/change/",
            name="/admin/articles/article/[id]/change/",
        )

    @task(1)
    def event_list(self) -> None:
        self.client.get("/admin/articles/event/", name="/admin/articles/event/")

    @tag("record")
    @task(2)
    def record_event(self) -> None:
        kind = "note" if random.random() < 0.5 else "inspection"
        url = f"/articles/{self._article_number()}/events/new/?kind={kind}"
        form = self.client.get(url, name="record an event (GET form)")
        if form.status_code != 200:
            return
        data = {
            # As a browser sends it: the form's token (its cookie came with the form).
            "csrfmiddlewaretoken": _input_value(form.text, "csrfmiddlewaretoken") or "",
            "occurred_at": _input_value(form.text, "occurred_at") or "",
        }
        if kind == "note":
            data |= {"notes": "Checked under load."}
        else:
            data |= {"condition": random.choice(CONDITIONS)}
        with self.client.post(
            url,
            data=data,
            name="record an event (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not recorded (status {response.status_code})")
