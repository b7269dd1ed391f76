"""The sellers of the load benchmark (bench/load.py), as Locust users.

Each user is one signed-in seller user of the million-order benchmark seller, with a session of
its own, and goes round Manage Orders as a seller does, without pausing: the first page, a status
tab, a search by order id, the next page, and a cancellation (its form, then the POST). The
sessions, the orders each user may cancel and the searched ids come from the file that
bench/load.py writes (LOAD_PLAN)."""

import json
import os
import re
from itertools import count
from pathlib import Path
from typing import Any

from locust import FastHttpUser, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
NEXT_LINK = re.compile(r'<a href="\?([^"]+)" rel="next"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
USERS = count()


class Seller(FastHttpUser):
    def on_start(self) -> None:
        number = next(USERS)
        plan = PLAN["users"][number % len(PLAN["users"])]
        port = PLAN["ports"][number % len(PLAN["ports"])]
        self.client.base_url = f"http://{PLAN['host_name']}:{port}"  # its host behind the proxy
        self.client.cookiejar.set_cookie(_cookie(PLAN["session_cookie"], plan["session"]))
        self.to_cancel: list[str] = list(plan["orders"])
        self.searches = iter(_cycle(PLAN["search"], offset=len(self.to_cancel)))
        self.next_query = ""

    @task
    def first_page(self) -> None:
        with self.client.get("/orders/", name="first page", catch_response=True) as response:
            found = NEXT_LINK.search(response.text or "")
            if response.status_code != 200 or found is None:
                response.failure(f"{response.status_code}, or no next-page link")
                return
            self.next_query = found.group(1).replace("&amp;", "&")

    @task
    def status_tab(self) -> None:
        self.client.get("/orders/?status=Unshipped", name="status tab")

    @task
    def search(self) -> None:
        self.client.get(f"/orders/?q={next(self.searches)}", name="search by order id")

    @task
    def next_page(self) -> None:
        if not self.next_query:
            self.first_page()
            return
        self.client.get(f"/orders/?{self.next_query}", name="next page")

    @task
    def cancel(self) -> None:
        if not self.to_cancel:
            return
        order_id = self.to_cancel.pop()
        url = f"/orders/{order_id}/cancel/"
        with self.client.get(url, name="cancel page", catch_response=True) as form:
            token = CSRF_FIELD.search(form.text or "")
            if form.status_code != 200 or token is None:
                form.failure(f"{form.status_code}, or no CSRF token on the cancel page")
                return
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "reason": "GeneralAdjustment",
                "memo": "Load benchmark",
            },
            name="cancel POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"the cancellation answered {response.status_code}")


def _cycle(values: list[str], *, offset: int) -> Any:
    while True:
        yield from values[offset % len(values) :]
        yield from values[: offset % len(values)]


def _cookie(name: str, value: str) -> Any:
    from http.cookiejar import Cookie

    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=PLAN["host_name"],
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )
