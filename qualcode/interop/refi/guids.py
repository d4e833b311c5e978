"""GUIDs that stay the same across exports: UUID5 of what a thing is in the project.

A code keeps the ``guid:`` of its YAML entry when it has one (a codebook that came from NVivo keeps
NVivo's GUIDs); otherwise every GUID is derived from a stable name (``code:vision``,
``source:alder-creek/principal-01``, ``user:ana``…), so exporting twice gives the same file and
another tool recognises the same codes on the next import.
"""

from __future__ import annotations

import uuid

#: The namespace of qualcode's derived GUIDs.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://qualcode.invalid/refi-qda")


def derived(kind: str, key: str) -> str:
    """The GUID of ``kind`` ``key`` (``derived("code", "vision")``), upper case as most tools write them."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}")).upper()


def normalised(guid: str) -> str:
    """``{1ff58b12-…}`` -> ``1FF58B12-…`` (for comparing GUIDs written by different tools)."""
    return guid.strip().strip("{}").upper()
