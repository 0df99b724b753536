"""In a real browser: an analyst logs in and sees the national dashboard with its map of 514 kab/kota.

Screenshots of the dashboard (desk and phone width) are written to the test's folder and, when
LPSE_LEADS_SCREENSHOTS names a folder, there too (docs/screenshots is made that way).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.web.browser import chromium, served
from tests.web.conftest import PASSWORD, PEOPLE, World

pytestmark = pytest.mark.slow


def _save(driver, tmp_path: Path, name: str) -> None:
    from selenium.webdriver.common.by import By

    height = driver.execute_script("return document.body.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.set_window_size(max(width, 360), min(height + 140, 6000))
    path = tmp_path / name
    driver.find_element(By.TAG_NAME, "body").screenshot(str(path))
    assert path.stat().st_size > 10_000
    target = os.environ.get("LPSE_LEADS_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_analyst_logs_in_and_sees_the_dashboard_with_its_map(world: World, db_url: str, tmp_path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with served(db_url) as base, chromium() as driver:
        driver.get(f"{base}/dashboard")
        WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.NAME, "email")))
        driver.find_element(By.NAME, "email").send_keys(PEOPLE["analyst"][0])
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.map")))
        assert driver.find_element(By.TAG_NAME, "h1").text == "Dasbor Nasional"
        regions = driver.find_elements(By.CSS_SELECTOR, "svg.map path[data-kode]")
        assert len(regions) == 514
        balikpapan = driver.find_element(By.CSS_SELECTOR, 'svg.map path[data-kode="64.71"]')
        assert balikpapan.get_attribute("fill") != "#eeeeee"  # has open leads: coloured
        box = driver.find_element(By.CSS_SELECTOR, "svg.map").rect
        assert box["width"] > 600 and box["height"] > 200  # drawn at the page's width
        title = driver.execute_script(
            "return document.querySelector('svg.map path[data-kode=\"64.71\"] title').textContent"
        )
        assert title.startswith("Kota Balikpapan: 3 lead terbuka dari 3")
        funnel = driver.find_elements(By.CSS_SELECTOR, "svg.chart text")
        assert "12 lead" in [t.text for t in funnel]
        _save(driver, tmp_path, "dashboard-national.png")
        driver.get(f"{base}/dashboard?kanwil=Kalimantan")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Dasbor Kanwil Kalimantan"
        _save(driver, tmp_path, "dashboard-kanwil.png")
        driver.set_window_size(390, 844)
        driver.get(f"{base}/dashboard")
        assert driver.find_element(By.CSS_SELECTOR, "svg.map").rect["width"] <= 390
        _save(driver, tmp_path, "dashboard-phone.png")
