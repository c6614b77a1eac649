"""The web chat at /ui in headless Chromium (Playwright driving Debian's system browser).

One server and one browser for the module. Without a Chromium binary the tests skip with the
reason locally and fail in CI (`.ci/run` installs Debian's `chromium`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bench.server_process import ServerProcess
from tests.helpers import app_engine, server_on_seeded_copy

KEYS = {"USER123": "web-key-123", "USER456": "web-key-456"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(os.environ.get("SWITCHBOARD_SCREENSHOT_DIR", "/tmp"))
WAIT_MS = 30_000
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def chromium_path() -> str:
    found = (
        os.environ.get("SWITCHBOARD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI must provide Chromium (apt-get install chromium; see .ci/run)")
    pytest.skip(
        "no Chromium found: install Debian's chromium (make browser-deps) or set SWITCHBOARD_CHROMIUM"
    )


@pytest.fixture(scope="module")
def server(seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    chromium_path()  # skip before paying for a server
    workdir = tmp_path_factory.mktemp("server-web")
    with server_on_seeded_copy(seeded_sqlite, workdir, KEYS) as process:
        yield process


@pytest.fixture(scope="module")
def db(server: ServerProcess) -> Iterator[Any]:
    with app_engine(server) as engine:
        yield engine


@pytest.fixture(scope="module")
def browser(server: ServerProcess) -> Iterator[Any]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            # launch() gives every run a fresh, temporary user-data-dir.
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as exc:
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"Chromium did not start: {exc}")
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 860}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def sign_in(page: Any, server: ServerProcess, user: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/ui/#key={KEYS[user]}")
    expect(page.locator("#status")).to_have_text(re.compile("Ready"), timeout=WAIT_MS)
    assert page.url == f"{server.url}/ui/"  # the key left the address bar...
    assert page.evaluate("localStorage.getItem('switchboard.apiKey')") == KEYS[user]  # ...for storage


def send(page: Any, message: str) -> Any:
    """Type and send a message; the assistant's bubble for it once the run has finished."""

    before = page.locator("li.msg.assistant").count()
    page.fill("#message", message)
    page.press("#message", "Enter")
    return finished_reply(page, before)


def finished_reply(page: Any, before: int) -> Any:
    from playwright.sync_api import expect

    expect(page.locator("li.msg.assistant")).to_have_count(before + 1, timeout=WAIT_MS)
    reply = page.locator("li.msg.assistant").last
    expect(reply).not_to_have_attribute("aria-busy", "true", timeout=WAIT_MS)
    expect(page.locator("#send")).to_be_enabled(timeout=WAIT_MS)
    return reply


def click_answer(page: Any, button: str) -> Any:
    before = page.locator("li.msg.assistant").count()
    page.click(button)
    return finished_reply(page, before)


def free_seat(db: Any, flight: str, taken_too: str) -> str:
    sql = text(
        "select seat from aircraft_seats where aircraft = (select aircraft from flights where flight_number = :f) "
        "and cabin = 'economy' and seat != :t and seat not in "
        "(select seat from bookings where flight_number = :f and status = 'confirmed') order by seat limit 1"
    )
    with db.connect() as conn:
        return conn.execute(sql, {"f": flight, "t": taken_too}).scalar_one()


def test_a_booking_and_a_seat_change_confirmed_with_the_yes_button(page, server, db) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sign_in(page, server, "USER456")
    reply = send(page, "为 FL456 预订座位 15B")
    expect(reply.locator(".badge.agent")).to_have_attribute("data-agent", "seat_agent")
    expect(reply.locator(".badge.status")).to_have_attribute("data-status", "completed")
    expect(reply.locator(".tool.ok").last).to_have_attribute("data-tool", "book_seat")
    expect(reply.locator(".text")).to_contain_text("15B")

    seat = free_seat(db, "FL456", "15B")
    reply = send(page, f"为 FL456 预订座位 {seat}")
    expect(reply.locator(".badge.status")).to_have_attribute("data-status", "awaiting_confirmation")
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-question")).to_contain_text(seat)
    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-confirm.png"))

    reply = click_answer(page, "#confirm-yes")
    expect(page.locator("#confirm")).to_be_hidden()
    expect(reply.locator(".tool.ok")).to_have_attribute("data-tool", "change_seat")
    expect(reply.locator(".badge.status")).to_have_attribute("data-status", "completed")
    assert CHINESE.search(reply.locator(".text").inner_text())  # a button answer keeps the language
    with db.connect() as conn:
        seats = conn.execute(
            text(
                "select seat from bookings where user_id='USER456' and flight_number='FL456' and status='confirmed'"
            )
        ).scalars()
        assert list(seats) == [seat]
    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-booking.png"))


def test_a_cancellation_declined_then_confirmed(page, server, db) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    def status() -> str:
        with db.connect() as conn:
            return conn.execute(
                text("select status from bookings where confirmation_number='ABC123'")
            ).scalar_one()

    sign_in(page, server, "USER123")
    send(page, "取消 FL789，确认号 ABC123")
    expect(page.locator("#confirm")).to_be_visible()
    reply = click_answer(page, "#confirm-no")
    expect(reply.locator(".text")).to_contain_text("没有取消")
    assert status() == "confirmed"

    reply = send(page, "取消 FL789，确认号 ABC123")
    expect(reply.locator(".badge.agent")).to_have_attribute("data-agent", "cancellation_agent")
    expect(reply.locator(".tool.ok")).to_have_attribute("data-tool", "quote_refund")
    reply = click_answer(page, "#confirm-yes")
    expect(reply.locator(".tool.ok")).to_have_attribute("data-tool", "cancel_booking")
    expect(reply.locator(".text")).to_contain_text("已取消")
    assert status() == "cancelled"
    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-cancel.png"))


def test_search_results_and_stock_answers_are_real_tables(page, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sign_in(page, server, "USER456")
    page.click("#new-thread")
    reply = send(page, "flights from Beijing to Shanghai tomorrow morning")
    table = reply.locator(".text table")
    expect(table).to_have_count(1)
    expect(table.locator("thead th").first).to_have_text("#")
    rows = table.locator("tbody tr")
    assert 1 <= rows.count() <= 5
    expect(rows.first.locator("td").nth(5)).to_contain_text("→")
    # The aligned text the terminal shows is not repeated around the table.
    assert "-+-" not in reply.locator(".text").inner_text()
    expect(reply.locator(".text .prose").first).to_contain_text("Flights from Beijing to Shanghai")

    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-search.png"))

    picked = send(page, "the second one")
    expect(picked.locator(".badge.agent")).to_have_attribute("data-agent", "seat_agent")
    expect(picked.locator(".text")).to_contain_text("You chose flight")

    page.click("#new-thread")
    stock = send(page, "top 5 by guide price")
    expect(stock.locator(".badge.agent")).to_have_attribute("data-agent", "inventory_agent")
    expect(stock.locator(".text table tbody tr")).to_have_count(5)
    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-tables.png"))

    page.reload()  # a reopened thread draws its tables too
    page.locator("button.thread", has_text="flights from Beijing to Shanghai").click()
    expect(page.locator("li.msg.assistant .text table")).to_have_count(1, timeout=WAIT_MS)


def test_my_bookings_are_a_real_table(page, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sign_in(page, server, "USER123")
    page.click("#new-thread")
    mine = send(page, "show my bookings")
    expect(mine.locator(".text table thead th").last).to_have_text("Confirmation")
    expect(mine.locator(".text table tbody")).to_contain_text("ABC123")
    assert "-+-" not in mine.locator(".text").inner_text()


def test_a_refusal_and_reopening_an_earlier_thread(page, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sign_in(page, server, "USER456")
    page.click("#new-thread")
    reply = send(page, "FL123 的状态怎么样")
    expect(reply.locator(".badge.agent")).to_have_attribute("data-agent", "flight_status_agent")
    page.click("#new-thread")
    reply = send(page, "写一首诗")
    expect(reply.locator(".badge.agent")).to_have_attribute("data-agent", "refusal_agent")
    expect(reply.locator(".badge.status")).to_have_attribute("data-status", "refused")
    expect(reply.locator(".tool")).to_have_count(0)

    page.reload()  # the key stays in this browser; the threads come back from the server
    thread = page.locator("button.thread", has_text="FL123 的状态怎么样")
    expect(thread).to_have_count(1, timeout=WAIT_MS)
    expect(page.locator("button.thread", has_text="写一首诗")).to_have_count(1)
    thread.click()
    expect(page.locator("li.msg.user")).to_have_text([re.compile("FL123 的状态怎么样")], timeout=WAIT_MS)
    reopened = page.locator("li.msg.assistant")
    expect(reopened).to_have_count(1)
    expect(reopened.locator(".badge.agent")).to_have_attribute("data-agent", "flight_status_agent")
    expect(thread).to_have_attribute("aria-current", "true")
    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-threads.png"))


def test_an_unknown_key_is_reported(page, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(f"{server.url}/ui/#key=not-a-key")
    expect(page.locator("#status")).to_have_text(re.compile("API key not accepted"), timeout=WAIT_MS)
    expect(page.locator("#status")).to_have_attribute("role", "alert")
    expect(page.locator("button.thread")).to_have_count(0)


def test_a_thread_is_renamed_and_deleted(page, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sign_in(page, server, "USER456")
    page.click("#new-thread")
    send(page, "FL456 经济舱票价是多少")
    item = page.locator("li.thread-item", has_text="FL456 经济舱票价是多少")  # titled by its first request
    expect(item).to_have_count(1, timeout=WAIT_MS)
    item.locator("button.rename").click()
    page.locator("li.thread-item .rename-form input").fill("我的票价问题")
    page.keyboard.press("Enter")
    renamed = page.locator("li.thread-item", has_text="我的票价问题")
    expect(renamed).to_have_count(1, timeout=WAIT_MS)
    page.reload()  # the title is the server's, not the page's
    expect(renamed).to_have_count(1, timeout=WAIT_MS)

    renamed.locator("button.delete").click()
    expect(renamed.locator("button.delete")).to_have_class(re.compile("armed"))  # asks first
    renamed.locator("button.delete").click()
    expect(page.locator("#status")).to_have_text(re.compile("deleted"), timeout=WAIT_MS)
    page.reload()
    expect(page.locator("#status")).to_have_text(re.compile("Ready"), timeout=WAIT_MS)
    expect(page.locator("li.thread-item", has_text="我的票价问题")).to_have_count(0)


def test_a_declined_request_is_information_not_an_error(page, server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sign_in(page, server, "USER456")
    page.click("#new-thread")
    reply = send(page, "FL999 的状态怎么样")  # no such flight: the service says no, the reply says so
    chip = reply.locator(".tool[data-tool='flight_status']")
    expect(chip).to_have_class(re.compile("declined"))
    expect(reply.locator(".tool.failed")).to_have_count(0)
    assert "✗" not in chip.inner_text()
    badge = reply.locator(".badge.status")
    red = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bad').trim()")
    assert red and badge.evaluate("e => getComputedStyle(e).color") != page.evaluate(
        "c => { const d = document.createElement('i'); d.style.color = c; document.body.append(d);"
        " const v = getComputedStyle(d).color; d.remove(); return v; }",
        red,
    )
    expect(page.locator("#status")).not_to_have_attribute("role", "alert")


def test_the_chat_fits_a_phone_screen(browser, server) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image
    from playwright.sync_api import expect

    width, height = 390, 844  # a common phone, in CSS pixels
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, server, "USER456")
        expect(page.locator("#thread-list")).to_be_hidden()  # behind the menu button on a phone
        reply = send(page, "FL123 的状态怎么样")
        expect(reply.locator(".badge.agent")).to_have_attribute("data-agent", "flight_status_agent")
        for selector in ("#message", "#send", "li.msg.assistant >> nth=-1"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
            assert box["y"] + box["height"] <= height, selector  # on the first screen, no scrolling
        shot = SCREENSHOTS / "switchboard-web-phone.png"
        page.screenshot(path=str(shot), full_page=True)
        with Image.open(shot) as image:
            assert image.size == (width, height)  # nothing wider or taller than the screen
        page.click("#menu")
        expect(page.locator("#thread-list")).to_be_visible()
        expect(page.locator("#api-key")).to_be_visible()
        page.locator("button.thread").first.click()
        expect(page.locator("#thread-list")).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / "switchboard-web-phone-reopened.png"))
    finally:
        context.close()


def test_edit_and_resend_makes_a_branch_and_the_arrows_switch(page, server, db) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sign_in(page, server, "USER456")
    page.click("#new-thread")
    expect(send(page, "economy fare on FL123?").locator(".text")).to_contain_text("500.00")
    expect(send(page, "and business?").locator(".text")).to_contain_text("1200.00")
    assert page.locator("li.msg.assistant .steps").first.inner_text().startswith("ingest → router")

    # Edit the second message: the conversation goes back to the first turn and goes on anew.
    second = page.locator("li.msg.user").nth(1)
    second.locator("button.edit").click()
    second.locator("form.edit textarea").fill("what about FL456?")
    before = page.locator("li.msg.assistant").count()
    second.locator("form.edit button[type=submit]").click()
    page.wait_for_timeout(200)
    reply = finished_reply(page, before - 1)  # the old second turn left the screen
    expect(reply.locator(".text")).to_contain_text("600.00")
    expect(reply.locator(".text")).to_contain_text("not rewound")
    expect(page.locator("li.msg.user")).to_have_count(2, timeout=WAIT_MS)
    expect(page.locator("li.msg.user").nth(1).locator(".branch-position")).to_have_text("2 / 2")
    page.screenshot(path=str(SCREENSHOTS / "switchboard-web-branches.png"))

    # The arrows switch back to the first branch, where "and business?" was answered.
    page.locator("li.msg.user").nth(1).get_by_title(re.compile("Previous branch")).click()
    expect(page.locator("li.msg.user").nth(1).locator(".text")).to_have_text("and business?")
    expect(page.locator("li.msg.assistant").nth(1).locator(".text")).to_contain_text("1200.00")
    expect(page.locator("#status")).to_contain_text("earlier branch")
    # A message there goes on from that branch (a fork from its last turn).
    expect(send(page, "and economy?").locator(".text")).to_contain_text("500.00")
    expect(page.locator("li.msg.user")).to_have_count(3)
    expect(page.locator("li.msg.user").nth(1).locator(".text")).to_have_text("and business?")


def test_a_confirmed_write_is_not_repeated_when_its_yes_is_resent(page, server, db) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    def applied() -> int:
        with db.connect() as conn:
            return int(conn.execute(text("select count(*) from applied_requests")).scalar_one())

    sign_in(page, server, "USER456")
    page.click("#new-thread")
    first = free_seat(db, "FL123", "12A")
    send(page, f"为 FL123 预订座位 {first}")
    other = free_seat(db, "FL123", first)
    send(page, f"把座位改为 {other}")
    expect(page.locator("#confirm")).to_be_visible()
    page.reload()  # reopened, the thread still waits for the answer (read from its history)
    page.locator("button.thread", has_text=f"为 FL123 预订座位 {first}").click()
    expect(page.locator("#confirm")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("li.msg.assistant")).to_have_count(2)
    click_answer(page, "#confirm-yes")
    with db.connect() as conn:
        sql = "select seat from bookings where user_id='USER456' and flight_number='FL123' and status='confirmed'"
        assert list(conn.execute(text(sql)).scalars()) == [other]
    done = applied()

    # Edit the "yes" and send it again: the proposal was carried out on the first branch.
    answer = page.locator("li.msg.user").last
    answer.locator("button.edit").click()
    before = page.locator("li.msg.assistant").count()
    answer.locator("form.edit button[type=submit]").click()
    page.wait_for_timeout(200)
    reply = finished_reply(page, before - 1)
    expect(reply.locator(".text")).to_contain_text("不会再做一次")
    expect(reply.locator(".tool")).to_have_count(0)
    assert applied() == done
