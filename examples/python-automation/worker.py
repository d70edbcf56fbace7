"""Runs the worker that serves GrantWelcomeBonus on its own task queue.

Environment: Temporal's own convention, as Pulse reads it (TEMPORAL_ADDRESS, default
localhost:7233; TEMPORAL_NAMESPACE, default "default"; TEMPORAL_API_KEY, TEMPORAL_TLS_*, or a
TOML profile), AUTOMATION_TASK_QUEUE (default "python-automations"), PULSE_API_URL and
PULSE_API_KEY (a key with the write scope, for the score adjustments).
"""

import asyncio
import os
import signal

from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.worker import Worker

from automation import GrantWelcomeBonus
from pulse_api import adjust_score


async def main() -> None:
    connect_config = ClientConfig.load_client_connect_config()
    connect_config.setdefault("target_host", "localhost:7233")
    client = await Client.connect(**connect_config)
    task_queue = os.environ.get("AUTOMATION_TASK_QUEUE", "python-automations")
    worker = Worker(client, task_queue=task_queue, workflows=[GrantWelcomeBonus], activities=[adjust_score])
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with worker:
        print(f"worker polling task queue {task_queue}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
