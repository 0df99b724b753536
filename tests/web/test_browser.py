"""In a real browser (Debian's headless Chromium): an officer logs in, opens a lead from the list,
marks it contacted with a note, sees it in the history — and `lpse-leads leads list` agrees.

With LPSE_LEADS_SCREENSHOTS=DIR the pages are also saved there as PNG; docs/screenshots/ is made
this way: `LPSE_LEADS_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/web/test_browser.py`.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.browser import chromium, click_and_wait, served
from tests.web.conftest import PASSWORD, PEOPLE, World

NOTE = "Telepon PPK Dinas PU, SPK dikirim besok"


def full_page_screenshot(driver, path: Path, width: int) -> None:
    """A PNG of the whole page at ``width`` (the window grows to the page's height, then back)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    original = driver.get_window_size()
    driver.set_window_size(width, min(max(height + 120, 600), 6000))
    driver.save_screenshot(str(path))
    driver.set_window_size(original["width"], original["height"])


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LPSE_LEADS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_officer_marks_a_lead_contacted_in_the_browser(world: World, tmp_path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    shots = _shots(tmp_path)
    with served(world.settings.db_url) as base, chromium(412, 915) as driver:  # a phone's viewport
        driver.get(f"{base}/leads")
        assert driver.current_url.startswith(f"{base}/login?next=")
        full_page_screenshot(driver, shots / "login-phone.png", 412)
        driver.find_element(By.ID, "email").send_keys(PEOPLE["officer_a"][0])
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        submit = driver.find_element(By.CSS_SELECTOR, "form button[type=submit]")
        assert click_and_wait(driver, submit) == f"{base}/leads"
        header = driver.find_element(By.TAG_NAME, "h1").text
        assert header == "Lead Kantor cabang KC-A"
        links = driver.find_elements(By.CSS_SELECTOR, "table.list tbody a")
        assert len(links) == 3
        full_page_screenshot(driver, shots / "leads-phone.png", 412)
        # the phone layout shows cards: the table header is hidden
        assert not driver.find_element(By.CSS_SELECTOR, "table.list thead").is_displayed()
        title = links[0].text
        lead_url = click_and_wait(driver, links[0])
        assert driver.find_element(By.TAG_NAME, "h1").text == title
        lead_id = int(lead_url.rsplit("/", 1)[1])
        Select(driver.find_element(By.CSS_SELECTOR, "form.actions select[name=status]")).select_by_value(
            "contacted"
        )
        driver.find_element(By.CSS_SELECTOR, "form.actions input[name=note]").send_keys(NOTE)
        save = driver.find_element(By.CSS_SELECTOR, "form.actions button[type=submit]")
        assert click_and_wait(driver, save) == f"{lead_url}?saved=1"
        history = driver.find_element(By.ID, "history").text
        assert NOTE in history and "Baru → Dihubungi" in history and PEOPLE["officer_a"][0] in history
        full_page_screenshot(driver, shots / "lead-phone.png", 412)
        driver.set_window_size(1280, 900)
        driver.get(f"{base}/leads?tab=contacted")
        assert title in driver.find_element(By.CSS_SELECTOR, "table.list").text
        assert driver.find_element(By.CSS_SELECTOR, "table.list thead").is_displayed()
        driver.get(f"{base}/leads?tab=new")
        full_page_screenshot(driver, shots / "leads-desktop.png", 1280)
        driver.get(lead_url)
        full_page_screenshot(driver, shots / "lead-desktop.png", 1280)
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "lpse_leads",
            "leads",
            "list",
            "--status",
            "contacted",
            "--format",
            "csv",
            "--db",
            world.settings.db_url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["name"], r["status"], r["branch"]) for r in rows] == [(title, "contacted", "KC-A")]
    assert lead_id in world.leads["A"]
    for name in ("login-phone", "leads-phone", "lead-phone", "leads-desktop", "lead-desktop"):
        assert (shots / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
