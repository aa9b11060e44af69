"""County and city staff on a phone (390×844), in Chromium against gunicorn: every participant page fits
the screen without scrolling sideways, the header folds into a menu whose links work, a task's form can
be submitted, and a county with nothing to do starts its application from the inbox."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.lifecycle import calls
from tests.conftest import DEADLINE, World

from .conftest import open_task, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}

# What makes a page scroll sideways, to say what overflows when it does: elements reaching past the
# screen's right edge, and boxes whose content spills out of them.
_OVERFLOW = """() => {
  const width = window.innerWidth;
  const all = [...document.querySelectorAll('body *')];
  const name = el => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const past = all.filter(el => el.getClientRects().length && el.getBoundingClientRect().right > width + 1)
    .map(el => name(el) + ' ends at ' + Math.round(el.getBoundingClientRect().right));
  const spills = el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible';
  const spill = all.filter(spills)
    .map(el => name(el) + ' holds ' + el.scrollWidth + ' in ' + el.clientWidth);
  // A list that scrolls sideways in its own box must keep its column headings (its sort links).
  const headless = [...document.querySelectorAll('.table-scroll table')]
    .filter(table => { const head = table.querySelector('thead');
      return !head || getComputedStyle(head).display === 'none'; })
    .map(table => name(table) + ' scrolls sideways without its headings');
  return {scroll: document.documentElement.scrollWidth, inner: width, wide: past.concat(spill).slice(0, 10),
          headless};
}"""


def _programme(app) -> dict[str, int]:
    """An open call with an application at each participant's step: a county's draft, one at its city,
    one with a review expert (guided by expert01 like the others) and one waiting for the province."""
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        draft = driver.start("370102", call)
        at_city = driver.start("370103", call)
        driver.declare(at_city)
        in_review = driver.start("370104", call)
        driver.forward(in_review)
        driver.assign(in_review, "expert05")
        to_assign = driver.start("370105", call)
        driver.forward(to_assign)
        return {
            "draft": draft.id,
            "draft_task": driver.task_with_form(draft, "declaration.json").id,
            "at_city": at_city.id,
            "city_task": driver.task_with_form(at_city, "city_review.json").id,
            "in_review": in_review.id,
            "opinion_task": driver.task_with_form(in_review, "expert_opinion.json", "expert05").id,
            "to_assign": to_assign.id,
            "assign_task": driver.task_with_form(to_assign, "assign_experts.json").id,
        }


def _pages(ids: dict[str, int]) -> dict[str, list[str]]:
    """Each demo role that works from a phone, and its participant pages."""
    return {
        "370102": [
            "/inbox",
            f"/tasks/{ids['draft_task']}",
            "/applications",
            f"/applications/{ids['draft']}",
            "/calls",
            "/notifications",
            "/notifications/settings",
        ],
        "370100": [
            "/inbox",
            f"/tasks/{ids['city_task']}",
            "/applications",
            f"/applications/{ids['at_city']}",
            "/calls",
            "/notifications",
        ],
        "expert05": ["/inbox", f"/tasks/{ids['opinion_task']}", f"/applications/{ids['in_review']}"],
        "province": [
            "/inbox",
            f"/tasks/{ids['assign_task']}",
            "/applications",
            f"/applications/{ids['to_assign']}",
            "/calls",
            "/notifications",
        ],
        "expert01": ["/applications", f"/applications/{ids['at_city']}", "/notifications"],
    }


def _page_name(path: str) -> str:
    """/tasks/<uuid> → task, /applications/7 → application, /calls → calls."""
    parts = path.strip("/").split("/")
    if len(parts) > 1 and not parts[1].isalpha():
        return parts[0].rstrip("s")
    return "-".join(parts)


def _overflow(page) -> dict | None:
    measured = page.evaluate(_OVERFLOW)
    return measured if measured["scroll"] > measured["inner"] or measured["headless"] else None


def test_every_participant_page_fits_a_phone(live_server, page):
    base, app = live_server
    ids = _programme(app)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/login")
    too_wide = {"/login": _overflow(page)} if _overflow(page) else {}
    screenshot(page, "phone-login")
    for username, paths in _pages(ids).items():
        sign_in(page, base, username)
        for path in paths:
            response = page.goto(base + path)
            assert response.status == 200, (username, path, response.status)
            if measured := _overflow(page):
                too_wide[f"{username} {path}"] = measured
            screenshot(page, f"phone-{username}-{_page_name(path)}")
        sign_out(page)
    assert not too_wide, too_wide


def test_the_header_folds_into_a_menu_whose_links_work(live_server, page):
    base, app = live_server
    _programme(app)
    page.set_viewport_size(PHONE)
    sign_in(page, base, "370100")
    header = page.locator("header.topbar")
    assert header.bounding_box()["height"] < 80, "the folded header is one line"
    nav_link = page.locator(".mainnav a[href='/applications']")
    assert not nav_link.is_visible()
    toggle = page.locator("[data-testid=menu-toggle]")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav_link.is_visible()
    page.keyboard.press("Escape")
    assert not nav_link.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert "济南市民政局" in page.locator("[data-testid=who]").inner_text()
    assert "市级民政部门" in page.locator("[data-testid=who]").inner_text()
    screenshot(page, "phone-menu-open")
    nav_link.click()
    page.wait_for_url(f"{base}/applications")
    assert page.locator("[data-testid=applications]").is_visible()
    page.locator("[data-testid=menu-toggle]").click()
    page.locator("[data-testid=bell]").click()
    page.wait_for_url(f"{base}/notifications")

    page.locator("[data-testid=menu-toggle]").click()
    page.locator("[data-testid=language-switch]").click()
    page.wait_for_selector("html[lang=en]")
    assert page.locator("[data-testid=menu-toggle]").inner_text().startswith("Menu")
    assert _overflow(page) is None, _overflow(page)
    screenshot(page, "phone-english-notifications")

    page.set_viewport_size(DESKTOP)
    assert not page.locator("[data-testid=menu-toggle]").is_visible()
    assert page.locator(".mainnav a[href='/applications']").is_visible()
    screenshot(page, "desktop-header-english")


def test_the_city_forwards_an_application_from_its_phone(live_server, page):
    base, app = live_server
    ids = _programme(app)
    page.set_viewport_size(PHONE)
    sign_in(page, base, "370100")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="市级审核"))
    page.wait_for_url(f"{base}/tasks/{ids['city_task']}")
    page.check("input[name=city_decision][value=forward]")
    submit = page.locator("button[value=submit]")
    submit.scroll_into_view_if_needed()
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    screenshot(page, "phone-city-task")
    submit.click()
    page.wait_for_url(f"{base}/applications/{ids['at_city']}*")
    assert "已提交" in page.locator(".flash-success").inner_text()
    assert _overflow(page) is None


def test_a_county_with_nothing_to_do_starts_its_application_from_the_inbox(live_server, page):
    base, app = live_server
    _programme(app)
    page.set_viewport_size(PHONE)
    sign_in(page, base, "370124")
    assert page.url == f"{base}/inbox"
    calls_box = page.locator("[data-testid=open-calls]")
    assert "2026年度全省城乡社区治理实验区申报" in calls_box.inner_text()
    assert _overflow(page) is None
    screenshot(page, "phone-county-open-calls")
    calls_box.locator("[data-testid=start-application]").click()
    page.wait_for_url(f"{base}/tasks/*")
    assert page.locator("[data-testid=task-form]").is_visible()
    assert _overflow(page) is None


@pytest.mark.parametrize(("username", "path"), [("owner", "/modeler"), ("auditor", "/audit")])
def test_desktop_only_pages_say_so_on_a_phone(live_server, page, username, path):
    base, app = live_server
    ids = _programme(app)
    page.set_viewport_size(PHONE)
    sign_in(page, base, username)
    target = f"/audit/instances/{ids['at_city']}/replay" if username == "auditor" else path
    page.goto(base + target)
    notice = page.locator("[data-testid=desktop-only]")
    assert notice.is_visible()
    screenshot(page, f"phone-desktop-only-{username}")
    page.set_viewport_size(DESKTOP)
    assert not notice.is_visible()


def test_a_zone_reports_and_requests_a_change_from_its_phone(live_server, page, clock):
    base, app = live_server
    with app.app_context():
        zone = World(app, clock).recognised_zone("370102")
        zone_id = zone.id
    page.set_viewport_size(PHONE)
    sign_in(page, base, "370102")
    for path in ("/inbox", f"/applications/{zone_id}", f"/applications/{zone_id}/form"):
        page.goto(base + path)
        assert _overflow(page) is None, (path, _overflow(page))
    screenshot(page, "phone-zone-application-form")
    page.goto(f"{base}/applications/{zone_id}")
    page.locator("[data-testid=instance-actions] a", has_text="变更").first.click()
    page.wait_for_selector("[data-testid=action-form]")
    assert _overflow(page) is None, _overflow(page)
    page.check("input[name=change_type][value=content]")
    page.fill("textarea[name=change_reason]", "因辖区社区调整，需相应调整实验安排。")
    page.fill("textarea[name=change_content]", "增加小区议事会建设内容。")
    screenshot(page, "phone-zone-change-request")
    page.locator("button.primary[type=submit]").click()
    page.wait_for_url(f"{base}/applications/{zone_id}")
    assert page.locator(".flash-success").is_visible()
    assert _overflow(page) is None, _overflow(page)


def test_the_administrator_lands_on_the_administration_and_opens_its_pages(live_server, page):
    base, _app = live_server
    sign_in(page, base, "admin")
    assert page.url == f"{base}/admin"
    screenshot(page, "desktop-admin-index")
    page.locator("[data-testid=admin-pages] a", has_text="异常事件").click()
    page.wait_for_url(f"{base}/admin/incidents")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/admin")
    assert _overflow(page) is None, _overflow(page)
    screenshot(page, "phone-admin-index")
