"""An automation Pulse does not ship: a bonus for contacts whose score crossed a trigger's threshold."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pulse_api import ScoreAdjustment, adjust_score, idempotency_key

# The input versions this workflow understands (docs/automation-input.schema.json in Pulse).
SUPPORTED_INPUT_VERSIONS = {1}


@workflow.defn(name="GrantWelcomeBonus")
class GrantWelcomeBonus:
    @workflow.run
    async def run(self, input: dict) -> dict:
        if input.get("version") not in SUPPORTED_INPUT_VERSIONS:
            raise ApplicationError(
                f"automation input version {input.get('version')!r} is not supported",
                type="UnsupportedInputVersion",
                non_retryable=True,
            )
        params = input.get("params", {})
        points = int(params.get("points", 10))
        result = await workflow.execute_activity(
            adjust_score,
            ScoreAdjustment(
                contact_id=input["contactId"],
                profile_id=input["profileId"],
                points=points,
                reason=params.get("reason", f"welcome bonus (trigger {input['triggerId']})"),
                idempotency_key=idempotency_key(workflow.info().workflow_id, "bonus"),
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
        )
        return {"scoreAfter": result.get("score"), "points": points}
