"""Screenshots of the officer's pages (docs/screenshots/workbench-*.png) over a copy of the demo database.

    make demo && .venv/bin/python docs/workbench_screenshots.py [--demo var/demo] [--out docs/screenshots]

Copies the demo's SQLite file (the demo itself is left as it is), serves it with the real
`lpse-leads serve`, logs in as the demo officer in Debian's headless Chromium, records one
follow-up (so the history shows one), and saves the lead list and a lead's page at desktop and
phone widths. The same browser helpers as the tests (tests/web/browser.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lpse_leads.demo import DEMO_PEOPLE  # noqa: E402
from tests.web.browser import chromium, served  # noqa: E402

DESKTOP, PHONE = 1280, 412


def shot(driver, path: Path, width: int) -> None:
    """The whole page at ``width``."""
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height + 120, 600), 5000))
    driver.save_screenshot(str(path))
    print(f"wrote {path}")


def main() -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=ROOT / "var" / "demo")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    source = args.demo / "lpse-leads.sqlite"
    if not source.is_file():
        raise SystemExit(f"{source} not found: run `make demo` first")
    email, _role, _branch, _kanwil, password = DEMO_PEOPLE[0]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "demo.sqlite"
        shutil.copyfile(source, copy)
        with served(f"sqlite:///{copy}") as base, chromium(DESKTOP, 900) as driver:
            driver.get(f"{base}/login")
            driver.find_element(By.ID, "email").send_keys(email)
            driver.find_element(By.ID, "password").send_keys(password)
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            driver.get(f"{base}/leads?tab=sent")
            first = driver.find_element(By.CSS_SELECTOR, "table.list tbody a").get_attribute("href")
            driver.get(first)
            Select(driver.find_element(By.CSS_SELECTOR, "form.actions select[name=status]")).select_by_value(
                "contacted"
            )
            note = driver.find_element(By.CSS_SELECTOR, "form.actions input[name=note]")
            note.send_keys("Telepon PPK; penyedia akan mendaftar minggu ini")
            driver.find_element(By.CSS_SELECTOR, "form.actions button[type=submit]").click()
            shot(driver, args.out / "workbench-lead.png", DESKTOP)
            shot(driver, args.out / "workbench-lead-phone.png", PHONE)
            driver.get(f"{base}/leads?tab=sent")
            shot(driver, args.out / "workbench-leads.png", DESKTOP)
            shot(driver, args.out / "workbench-leads-phone.png", PHONE)
            driver.get(f"{base}/logout")
            driver.delete_all_cookies()
            driver.get(f"{base}/login")
            shot(driver, args.out / "workbench-login-phone.png", PHONE)


if __name__ == "__main__":
    main()
