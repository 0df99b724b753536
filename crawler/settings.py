"""Scrapy settings for the lpse-leads crawler, with the reason for every change.

Defaults are polite for the real national host `spse.inaproc.id`, which serves about 600
LPSE slugs: all of them share Scrapy's default per-host download slot, so the limits below
are one budget for the whole host (we deliberately do NOT give each slug its own slot).
For a local fake SPSE, lift politeness on the command line (see crawler/README.md).
Each line says the Scrapy default it replaces.
"""

from __future__ import annotations

import os

from crawler.useragent import bot_user_agent

BOT_NAME = "lpse_leads"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# The standard crawler form `Mozilla/5.0 (compatible; lpse-leads/<version>; +<contact URL>)`
# (default "Scrapy/2.19 (+https://scrapy.org)"): the national host refuses detail pages to any
# User-Agent without the `Mozilla/5.0` prefix (docs/spse-protocol.md §10.1), and this form still
# names the bot and how to reach its operator (crawler/useragent.py). The contact URL comes from
# the configuration (`crawl.contact_url` / LPSE_LEADS_CONTACT_URL); `lpse-leads crawl` rebuilds
# the User-Agent from `-s LPSE_CONTACT_URL=…` unless `-s USER_AGENT=…` is given.
LPSE_CONTACT_URL = os.getenv("LPSE_LEADS_CONTACT_URL", "")
USER_AGENT = bot_user_agent(LPSE_CONTACT_URL)

# robots.txt: obeyed (default False; the startproject template says True). What the LPSE
# robots.txt files allow is not known yet (docs/spse-protocol.md §10), so we follow them;
# the fake SPSE answers 404 for /robots.txt, which Scrapy reads as "allow everything".
ROBOTSTXT_OBEY = True

# --- Politeness: one shared budget per host --------------------------------------------
# Default 16. Several hosts (legacy lpse.<x>.go.id sites) may be crawled at once.
CONCURRENT_REQUESTS = 8
# Default 8. The national host serves ~600 slugs through this one per-host slot.
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Default 100. Each callback yields about one request or item; 100 parallel item slots
# cost 100 asyncio tasks per response (bench/crawl.py: ~25% more pages/s at 4).
CONCURRENT_ITEMS = 4
# Default True. Scrapy re-reads the callback's source (inspect + ast) on every response to
# warn about generator return values: ~6% of CPU, and it raised OSError mid-deploy.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Default 0. About one request per second per host, as other SPSE clients do successfully.
DOWNLOAD_DELAY = 1.0
# DOWNLOAD_DELAY_JITTER stays at its default 0.5 (delay varies ±50%).

# Default False. Back off further when the host slows down; never faster than DOWNLOAD_DELAY.
AUTOTHROTTLE_ENABLED = True
# Default 5.0. Start at a moderate pace; AutoThrottle adapts from there.
AUTOTHROTTLE_START_DELAY = 2.0
# Default 60.0 (kept explicit): the longest delay AutoThrottle may set.
AUTOTHROTTLE_MAX_DELAY = 60.0
# Default 1.0 (kept explicit): about one request in flight per host on average.
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Default True (kept explicit): the DataTables token is tied to the SPSE_SESSION cookie.
COOKIES_ENABLED = True
# Not a Scrapy setting. Scrapy's CookiesMiddleware asks tldextract whether each cookie's domain
# is a public suffix, and tldextract's default is to download the Public Suffix List (from
# publicsuffix.org, then GitHub) once per process unless its disk cache already holds it: on a
# server without internet, or whose cache is empty or not writable, every crawl tried and
# logged two tracebacks before using the snapshot bundled with tldextract. The SPSE hosts set
# their session cookie on their own host name, which the bundled snapshot judges as well as
# today's list. Empty values (tldextract >= 5.4; read when Scrapy first imports tldextract and
# builds its extractor, after this module is loaded) mean: the bundled snapshot, no download,
# no disk cache. This module is loaded in every crawl process (`lpse-leads crawl`, the child
# `run` starts, `scrapy crawl`); an operator who sets either variable keeps their value.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("TLDEXTRACT_CACHE", "")

# Default 180. SPSE pages are small; a stuck request should be retried sooner.
DOWNLOAD_TIMEOUT = 60

# --- Retries ----------------------------------------------------------------------------
# Default True (kept explicit). Retries go through crawler.middlewares.SpseDownloaderMiddleware,
# which replaces Scrapy's RetryMiddleware and adds exponential backoff and Retry-After.
RETRY_ENABLED = True
# Default 2. SPSE hosts answer transient 5xx and reset connections now and then.
RETRY_TIMES = 3
# Default [500, 502, 503, 504, 522, 524, 408, 429] (kept): 429 is handled with Retry-After.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

DOWNLOADER_MIDDLEWARES = {
    # Replaced by SpseDownloaderMiddleware at the same position (default 550).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.SpseDownloaderMiddleware": 550,
    # Not in Scrapy: only the configured sites' hosts are requested, redirects and links to
    # other hosts are dropped (Scrapy's OffsiteMiddleware at 50 lets dont_filter requests pass).
    "crawler.offsite.ConfiguredHostsMiddleware": 40,
    # Not in Scrapy: per-site crawl health (crawler/health.py). Between the retry middleware
    # (550) and HTTP decompression (590): it sees every request sent, retries included, and
    # the decompressed answer before any retry or error-page decision.
    "crawler.health.SiteHealthMiddleware": 560,
}

# --- lpse-leads settings (read by the components named) ---------------------------------
# SpseSpider: rows asked for per DataTables call. The national host answered length=100000 with
# a whole year's list in one response in 2026 (docs/spse-protocol.md §10.1), so one call per
# list; a host that caps the page size silently is detected (crawler/paging.py: a large short
# page is checked with one more call) and paged at its cap, so no row is lost.
LPSE_DT_PAGE_LENGTH = 100_000
# SpseSpider: what a run found about a host's page length (it honours the long page, or caps it)
# is stored per host (table host_page_lengths) and trusted by later runs, which then spend no
# check call on a short page it proves final, for this many days after a check last confirmed it;
# then a run checks again (crawler/README.md: a lifted cap, a new cap only one list exceeds).
LPSE_PAGE_LENGTH_RECHECK_DAYS = 7.0
# SpseSpider: dotted path of `loader(settings, hosts) -> {host: finding}` (crawl --db sets
# pipeline.page_lengths.load_page_lengths); None: every run learns the page length afresh.
LPSE_PAGE_LENGTH_LOADER = None
# SpseSpider: which lists to read per site, one after another with one session and token.
# Pencatatan (/dt/nonspk) carries construction bought outside a tender; swakelola (/dt/swakelola)
# is read and counted, but its rows name no jenis pengadaan and no contractor, so none becomes
# a package (crawler/README.md, "Which lists, and why").
LPSE_LISTS = ["tender", "non_tender", "darurat", "pencatatan", "swakelola"]
# SpseSpider: re-GETs of the listing page in a row when a list call answers HTML instead of JSON.
LPSE_TOKEN_REFRESH_TIMES = 2
# SpseSpider: a list whose token keeps expiring, or a list call / detail page that still fails
# after RETRY_TIMES, is put off and sent again when the crawl is otherwise idle, at most this many
# rounds in a row without progress; nothing is given up while the host still answers.
LPSE_RETRY_ROUNDS = 3
# SpseSpider: seconds to wait before such a later try (a failing tab on the national host
# recovered within minutes in 2026; the wait also spaces the rounds).
LPSE_RETRY_LATER_DELAY = 30.0
# SpseSpider: dotted path of `loader(settings, sites) -> Mapping[(site, code), fingerprint]`
# giving the list-row fingerprints stored by the last crawl (incremental crawl); None
# fetches every package's details. Implemented by the pipeline/store side.
LPSE_STATE_LOADER = None
# SpseDownloaderMiddleware: first retry waits this many seconds, doubling per retry ...
LPSE_RETRY_BACKOFF_BASE = 2.0
# ... up to this many seconds.
LPSE_RETRY_BACKOFF_MAX = 120.0
# SpseDownloaderMiddleware: a Retry-After longer than this (seconds) stops the host.
LPSE_RETRY_AFTER_MAX = 900.0
# SpseDownloaderMiddleware: the host's slot delay is raised to at least this after a 429/503.
LPSE_RATE_LIMIT_SLOT_DELAY = 5.0
# SpseDownloaderMiddleware: retries of a 403 "Akses Ditolak" on an announcement page.
LPSE_ACCESS_DENIED_RETRY_TIMES = 1
# SpseDownloaderMiddleware: this many 403/429 in a row from one host stop the crawl of it.
LPSE_BLOCK_THRESHOLD = 10

# --- Output -----------------------------------------------------------------------------
# `lpse-leads crawl --jsonl FILE` (or `scrapy crawl spse -O FILE:lpsejsonl`) writes one
# domain.jsonio record per PackageItem, money as exact JSON numbers.
FEED_EXPORTERS = {"lpsejsonl": "crawler.exporters.PackageJsonLinesExporter"}
# Default "utf-8" only for json; records are UTF-8 everywhere.
FEED_EXPORT_ENCODING = "utf-8"

# Item pipelines: the pipeline/ room owns this chain and adds it here, spaced by hundreds:
# validate 100, normalise 200, dedup 300, store 400. The JSON-lines output is a feed
# exporter, not a pipeline, so it needs no place in this order.
ITEM_PIPELINES: dict[str, int] = {
    "pipeline.validate.ValidatePipeline": 100,
    "pipeline.normalise.NormalisePipeline": 200,
    "pipeline.dedup.DeduplicatePipeline": 300,
    "pipeline.store.StorePipeline": 400,
}
# StorePipeline and pipeline.state: the lead database URL (`lpse-leads crawl --db` sets it);
# unset → nothing is stored and every package is read in full.
LPSE_LEADS_DB = os.getenv("LPSE_LEADS_DB")
# StorePipeline: packages per transaction, and the longest a queued package waits (seconds).
LPSE_STORE_BATCH_SIZE = 500
LPSE_STORE_FLUSH_SECONDS = 5.0
# StorePipeline: attempts at a batch whose database connection dropped (PostgreSQL restarted),
# waiting this many seconds before the second, doubling per attempt (1+2+4+8 s by default);
# then the crawl stops with one error line (finish reason `database_unavailable`).
LPSE_STORE_RETRY_TIMES = 5
LPSE_STORE_RETRY_BACKOFF = 1.0

# Default (kept explicit): the asyncio reactor, needed by the coroutine middleware.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Default "INFO"; kept, the crawl command prints a summary at the end.
LOG_LEVEL = "INFO"
# Default scrapy.logformatter.LogFormatter, which writes whole items (winners' names, addresses,
# NPWPs) into the log; ours names an item by its key and masks NPWPs in drop reasons.
LOG_FORMATTER = "crawler.logformatter.LpseLogFormatter"
# Default True; no telnet console on a crawler that runs unattended.
TELNETCONSOLE_ENABLED = False
# Default True (new in 2.19): no HTTP control port either, for the same reason.
REMOTE_CONTROL_ENABLED = False
