"""Host-wide situations a test may switch on: a challenge page in front, a changed page layout.

Neither is the national host's normal behaviour, so both are off unless asked for (like the
fault profiles); they exist so that `lpse-leads probe` can be shown to name the cause.

- `challenge`: every request is answered the way Cloudflare answers a client it challenges:
  HTTP 403, `cf-mitigated: challenge`, a "Just a moment..." page loading
  `/cdn-cgi/challenge-platform/…` (Cloudflare's documented markers; the page is hand-written).
- `relabelled`: detail pages show other labels for the name, K/L/PD, values and location, as
  a new SPSE release might; the code label stays, so the page is still an announcement.
"""

from __future__ import annotations

import re

#: `FakeSpse(variant=…)` / `lpse-leads fake-spse --variant`: the host as it normally is, or one situation.
VARIANTS = ("none", "challenge", "relabelled")

CHALLENGE_HEADERS = {"cf-mitigated": "challenge", "Cache-Control": "private, max-age=0, no-store"}
CHALLENGE_PAGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow"></head>
<body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">spse.inaproc.id</h1>
<h2 class="h2">Verifying you are human. This may take a few seconds.</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
</div></div>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=fake0000000000"></script>
</body></html>"""

#: Label (as the fake writes it) → the label of the changed layout; none of them is a known synonym.
RELABELS = {
    "Nama Tender": "Judul Paket",
    "Nama Paket": "Judul Paket",
    "Nama Non Tender": "Judul Paket",
    "Nama Swakelola": "Judul Paket",
    "K/L/PD/Instansi Lainnya": "Instansi Pemilik",
    "K/L/PD": "Instansi Pemilik",
    "Nilai Pagu Paket": "Anggaran Paket",
    "Nilai HPS Paket": "Perkiraan Harga",
    "Lokasi Pekerjaan": "Tempat Pelaksanaan",
}
_LABEL = re.compile(r'(<th class="bgwarning"[^>]*>\s*)([^<]+?)(\s*</th>)')


def relabel(page: str) -> str:
    """The page with its label cells renamed per `RELABELS` (other labels untouched)."""
    return _LABEL.sub(lambda m: m[1] + RELABELS.get(m[2], m[2]) + m[3], page)
