"""A button pressed after a restart, in this process: the answer is searched again, deferred.

Its own module: an in-process Discord front end sets process-wide discord.py globals, so it
must not run beside the module-scoped bot of test_interactions.
"""

from __future__ import annotations

from pathlib import Path

from retrieval import Engine
from tests.discord.fixtures import assert_within_limits, serving_discord, visible
from tests.support.fake_discord import FakeDiscord, SentMessage
from tests.telegram.fixtures import warm_engine

__all__ = ["warm_engine"]  # fixtures used by name


def _custom_id(message: SentMessage, label: str) -> str:
    return next(
        str(b["custom_id"])
        for row in message.components
        for b in row["components"]
        if b["label"] == label
    )


async def test_a_press_after_a_restart_is_deferred_then_edits_the_answer(
    seed_index_copy: Path, warm_engine: Engine
) -> None:
    async with FakeDiscord() as fake:
        async with serving_discord(fake, seed_index_copy, warm_engine, defer_after=0.0):
            asked = await fake.dispatch_command("ask", {"question": "Putin"})
            answer = await fake.wait_for_interaction_response(asked.id)
        # A new front end with a new answer store: only the question is left, on disk.
        async with serving_discord(fake, seed_index_copy, warm_engine, defer_after=0.0):
            await fake.wait_for_ready(2)
            press = await fake.dispatch_button(answer.message_id, _custom_id(answer, "Shorter"))
            await fake.wait_for_interaction_response(press.id)
        shorter = fake.snapshot(answer.message_id)

    assert [kind for kind, _ in press.callbacks] == [6]  # deferred: searching again took time
    assert len(visible(shorter)) < len(visible(answer))
    assert "Show full passages" in [
        b["label"] for row in shorter.components for b in row["components"]
    ]
    assert_within_limits(shorter)
