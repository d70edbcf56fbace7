"""Calls back into Pulse's HTTP API from an activity (standard library only)."""

import asyncio
import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from temporalio import activity
from temporalio.exceptions import ApplicationError


@dataclass
class ScoreAdjustment:
    contact_id: str
    profile_id: str
    points: int
    reason: str
    # The same key on every retry: Pulse applies the adjustment once.
    idempotency_key: str


def idempotency_key(workflow_id: str, step: str) -> str:
    """The workflow id plus a step name; Pulse takes up to 200 printable characters."""
    key = f"{workflow_id}/{step}"
    return key if len(key) <= 200 else hashlib.sha256(key.encode()).hexdigest()


@activity.defn(name="adjustScore")
async def adjust_score(adjustment: ScoreAdjustment) -> dict:
    return await asyncio.to_thread(_post_adjustment, adjustment)


def _post_adjustment(adjustment: ScoreAdjustment) -> dict:
    base_url = os.environ["PULSE_API_URL"].rstrip("/")
    body = json.dumps(
        {
            "id": adjustment.idempotency_key,
            "profileId": adjustment.profile_id,
            "points": adjustment.points,
            "reason": adjustment.reason,
        }
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/contacts/{urllib.parse.quote(adjustment.contact_id, safe='')}/score-adjustments",
        data=body,
        method="POST",
        headers={
            "authorization": f"Bearer {os.environ['PULSE_API_KEY']}",
            "content-type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")[:500]
        # A 4xx (bad key, unknown contact, unpublished profile) will not change on retry; 429 and 5xx may.
        retryable = err.code == 429 or err.code >= 500
        raise ApplicationError(
            f"Pulse answered {err.code}: {detail}", type="PulseApiError", non_retryable=not retryable
        ) from err
