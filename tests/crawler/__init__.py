"""Tests of the Scrapy side of the crawler: protocol, items, middleware, spider, crawl command."""
