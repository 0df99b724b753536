"""SQLite: a write lock held by another connection for longer than one attempt does not fail the store.

A second connection takes the write lock (BEGIN IMMEDIATE) and keeps it until the store's first
attempt has given up with "database is locked" (busy timeout lowered to 100 ms for the test),
then releases it. The store (`StorePipeline`, as a crawl runs it) must try the batch again and
commit every package; nothing is lost, nothing is stored twice.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, event, select

import pipeline.db
from crawler.items import PackageItem
from crawler.spiders.spse import SpseSpider
from dbschema import upgrade
from pipeline.db import make_engine
from pipeline.export import iter_records
from pipeline.models import CrawlRun
from pipeline.store import StorePipeline
from tests.db.conftest import SITE, make_record

BUSY_MS = 100


class LockHolder(threading.Thread):
    """Holds SQLite's write lock from its own connection until the store has failed once on it."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.held = threading.Event()
        self.release = threading.Event()
        self.released_after_refusal = False

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE crawl_runs SET status = status")
        self.held.set()
        self.released_after_refusal = self.release.wait(timeout=30)
        connection.execute("COMMIT")
        connection.close()


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Every SQLite connection opened by the test gives up waiting for a lock after BUSY_MS."""
    monkeypatch.setattr(pipeline.db, "SQLITE_BUSY_TIMEOUT_MS", BUSY_MS)


def item(code: str) -> PackageItem:
    """A package item as the spider yields it (the record of tests/db, one code)."""
    record = make_record(code=code)
    return PackageItem(**record, fingerprint=f"fp-{code}")


def test_a_lock_held_longer_than_one_attempt_is_waited_out_and_the_batch_stored(short_busy_timeout, tmp_path):
    path = tmp_path / "lpse-leads.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()

    crawler = get_crawler(SpseSpider, {"LPSE_LEADS_DB": url, "LPSE_STORE_BATCH_SIZE": 1000})
    crawler.spider = SpseSpider.from_crawler(crawler, site=SITE, year=2026)
    crawler.stats.open_spider()
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    codes = [f"{n:05d}" for n in range(25)]
    for code in codes:
        store.process_item(item(code))

    holder = LockHolder(str(path))
    refusals: list[str] = []

    def on_error(context: Any) -> None:
        if "locked" in str(context.original_exception):
            refusals.append(str(context.original_exception))
            holder.release.set()

    event.listen(Engine, "handle_error", on_error)
    try:
        holder.start()
        assert holder.held.wait(timeout=10)
        store.close_spider()  # the last flush: the whole batch, under the held lock
        store.spider_closed("finished")
    finally:
        event.remove(Engine, "handle_error", on_error)
        holder.release.set()
        holder.join(timeout=10)

    assert refusals, "the store never met the lock: the test proved nothing"
    assert holder.released_after_refusal
    assert crawler.stats.get_value("lpse/store/inserted") == len(codes)
    engine = make_engine(url)
    records = list(iter_records(engine))
    with engine.connect() as connection:
        status = connection.execute(select(CrawlRun.status)).scalar_one()
    engine.dispose()
    assert [r["code"] for r in records] == codes
    assert records[0] == make_record(code=codes[0])
    assert status == "finished"
