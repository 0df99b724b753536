"""The fake host's list of its LPSEs, in the one public shape known for such a list.

The real national host's own index of LPSEs is neither documented nor captured
(docs/spse-protocol.md §2.1); the public lists of its slugs use `[{"name": "<K/L/PD> > <LPSE
name>", "newUrlPath": "<slug>"}]` (the host list `wakataw/pyproc` downloads). The fake serves its
slugs in that shape at `INDEX_PATH`, so `lpse-leads sites refresh --from <fake>/lpse-hosts.json`
is tested over HTTP end to end. Names are made from the slug: the fake knows no real names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

INDEX_PATH = "/lpse-hosts.json"


def index_body(slugs: Iterable[str]) -> str:
    """The JSON list of the fake's LPSEs: one row per slug, its own K/L/PD first."""
    return json.dumps(
        [{"name": f"Instansi {slug} > LPSE {slug}", "newUrlPath": slug} for slug in slugs],
        ensure_ascii=False,
    )
