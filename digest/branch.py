"""Who a digest is for: a branch office (KC) or a province fallback queue.

Rendering and delivery only need the office's code, name and addresses; keeping that in a plain
value lets them work (and be tested) without the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SAFE_CODE = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class BranchInfo:
    """A digest recipient. ``fallback`` marks a province fallback queue (leads routed by fallback)."""

    code: str
    name: str
    kanwil: str | None = None
    emails: tuple[str, ...] = ()
    fallback: bool = False

    @property
    def label(self) -> str:
        """The office as officers say it: `KC Balikpapan`, or `Antrean fallback Kanwil Kalimantan`."""
        if self.fallback:
            return self.name if self.name.lower().startswith("antrean") else f"Antrean fallback {self.name}"
        if self.name.upper().startswith(("KC ", "KCP ", "KANTOR ")):
            return self.name
        return f"KC {self.name}"

    @property
    def file_code(self) -> str:
        """The code in a form safe for file names and Message-IDs (`KC-BALIKPAPAN`)."""
        return _SAFE_CODE.sub("-", self.code).strip("-").upper() or "BRANCH"
