"""A real browser for page tests: Debian's headless Chromium driven by Selenium through chromedriver.

Never downloads anything: the browser and driver are the system's (/usr/bin/chromium,
/usr/bin/chromedriver; `apt-get install -y chromium chromium-driver`). Missing ones skip the test
with that command, or fail it under CI=true. ``served`` runs the real `lpse-leads serve`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("LPSE_LEADS_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LPSE_LEADS_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
)


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator:
    """A Selenium WebDriver on headless Chromium with a window of ``width`` × ``height``."""
    if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
        _missing(f"{CHROMIUM} or {CHROMEDRIVER} missing (apt-get install -y chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def click_and_wait(driver, element, timeout: float = 20) -> str:
    """Click a link or a submit button and wait until the page it leads to (after redirects) has
    replaced this one; its URL. Selenium's click does not always wait for the navigation, so a URL
    read right after it may still be the old page's."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait = WebDriverWait(driver, timeout)
    wait.until(ec.staleness_of(page))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    return driver.current_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(db_url: str) -> Iterator[str]:
    """`lpse-leads serve` on a free port over ``db_url``; yields its base URL, stops it after."""
    port = free_port()
    command = shutil.which("lpse-leads", path=str(Path(sys.executable).parent)) or "lpse-leads"
    process = subprocess.Popen(
        [command, "serve", "--db", db_url, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"lpse-leads serve exited: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("lpse-leads serve did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
