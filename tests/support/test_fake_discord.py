"""Tests for tests/support/fake_discord.py, driven by the real discord.py client.

``ProbeBot`` below is not product code: it is the smallest bot wired to the fake the way the
product's Discord front end will be (see the design note in ``fake_discord``):
``Route.BASE`` set before login, ``DiscordWebSocket.DEFAULT_GATEWAY`` set in ``setup_hook``
from ``GET /gateway/bot``, ``Intents.default()``, ``/ask`` synced globally and answered with
defer + follow-up, replies to mentions, DM answers and a persistent button view.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.support.fake_discord import (
    ALICE_ID,
    APPLICATION_ID,
    BOT_ID,
    CHANNEL_ID,
    CREATE_MESSAGE,
    FOLLOWUP,
    GUILD_ID,
    IDENTIFY,
    INTERACTION_CALLBACK,
    MESSAGE_CONTENT,
    RESUME,
    SYNC_COMMANDS,
    TOKEN,
    FakeDiscord,
    SentMessage,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCES_ID = "newsbot:sources"  # a fixed custom_id, so the button works after a restart
SOURCES_TEXT = "Sources: https://news.example/rings"


class SourcesView(discord.ui.View):
    """A persistent view: no timeout, a fixed custom_id, registered with ``add_view``."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Sources", style=discord.ButtonStyle.secondary, custom_id=SOURCES_ID)
    async def sources(
        self, interaction: discord.Interaction, button: discord.ui.Button[SourcesView]
    ) -> None:
        await interaction.response.edit_message(content=SOURCES_TEXT, view=self)


class ProbeBot(discord.Client):
    """The smallest bot that uses every part of the fake a news bot needs."""

    def __init__(self, *, ask_delay: float = 0.0, intents: discord.Intents | None = None) -> None:
        super().__init__(intents=intents or discord.Intents.default(), guild_ready_timeout=0.1)
        self.ask_delay = ask_delay
        self.seen: list[str] = []  # the content of every message from a user, as received
        self.errors: list[Exception] = []
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ask", description="Ask a question about the news")
        @app_commands.describe(question="What you want to know")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            await self.on_ask(interaction, question)

    async def setup_hook(self) -> None:
        # A plain Client dials DEFAULT_GATEWAY, never the URL that /gateway/bot returns.
        _, url, _ = await self.http.get_bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        self.add_view(SourcesView())
        await self.tree.sync()

    async def on_ask(self, interaction: discord.Interaction, question: str) -> None:
        try:
            await asyncio.sleep(self.ask_delay)
            await interaction.response.defer(thinking=True)
            embed = discord.Embed(title="Putin gives rings", url="https://news.example/rings")
            await interaction.followup.send(
                f"Answer to: {question}", embed=embed, view=SourcesView()
            )
        except discord.HTTPException as error:
            self.errors.append(error)

    async def on_message(self, message: discord.Message) -> None:
        if message.author == self.user:
            return
        self.seen.append(message.content)
        if message.guild is None:
            async with message.channel.typing():
                await message.channel.send(f"DM answer: {message.content}")
            return
        assert self.user is not None
        resolved = message.reference.resolved if message.reference else None
        replying = isinstance(resolved, discord.Message) and resolved.author == self.user
        question = message.content.replace(self.user.mention, "").strip()
        # Without MESSAGE_CONTENT a reply with the ping switched off arrives with no text.
        if (self.user in message.mentions or replying) and question:
            await message.reply(f"Answer: {question}", mention_author=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture(autouse=True)
def restore_discord_globals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Route.BASE and DEFAULT_GATEWAY are class attributes: undo what each test sets."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


@contextlib.asynccontextmanager
async def running(
    bot: ProbeBot, fake: FakeDiscord, *, token: str = TOKEN
) -> AsyncIterator[ProbeBot]:
    """Log ``bot`` in to the fake, wait for on_ready, and close it (cleanly) afterwards."""
    Route.BASE = fake.api_base  # before login: every REST URL is built from it
    task = asyncio.create_task(bot.start(token))
    ready = asyncio.create_task(bot.wait_until_ready())
    try:
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # start() failed: raise its error
        assert ready.done(), fake.describe_calls()
        yield bot
    finally:
        ready.cancel()
        await bot.close()
        await asyncio.wait_for(task, 5)


async def rest(
    fake: FakeDiscord,
    method: str,
    path: str,
    *,
    body: Any = None,
    authorization: str | None = f"Bot {TOKEN}",
) -> tuple[int, Any]:
    """Call the fake's REST API over plain HTTP; return (status, JSON body or None)."""
    headers = {} if authorization is None else {"Authorization": authorization}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, fake.api_base + path, json=body, headers=headers) as response,
    ):
        payload = await response.json() if response.content_type == "application/json" else None
        return response.status, payload


# -- start, handshake, close ---------------------------------------------------------------------


async def test_client_logs_in_syncs_connects_and_closes_cleanly(fake: FakeDiscord) -> None:
    async with running(ProbeBot(), fake) as bot:
        connection = await fake.wait_for_ready()
        guild = bot.get_guild(GUILD_ID)
        assert guild is not None
        assert guild.me is not None
        assert guild.get_channel(CHANNEL_ID) is not None
        assert bot.application_id == APPLICATION_ID
    assert [call.route for call in fake.calls] == [
        "GET /users/@me",
        "GET /oauth2/applications/@me",
        "GET /gateway/bot",
        SYNC_COMMANDS,
    ]
    assert all(call.status == 200 for call in fake.calls)
    assert fake.unknown_calls() == []
    (command,) = fake.commands
    assert command["name"] == "ask"
    assert command["options"][0]["name"] == "question"
    assert command["options"][0]["required"] is True
    assert connection.path == "/gateway"
    assert connection.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert connection.identify is not None
    assert connection.identify["intents"] == discord.Intents.default().value
    assert connection.heartbeats >= 1  # discord.py beats right after HELLO
    await fake.wait_for(lambda: connection.closed_at is not None, 5, "the gateway to close")
    assert connection.closed_by == "client"
    # close() asks for 1000, but discord.py's own receive loop answers the wakeup with 4000
    # first (Rapptz/discord.py#6719), so Discord keeps the session until it times out.
    assert connection.close_code in {1000, 4000}
    assert connection.session is not None
    assert connection.session.ended is (connection.close_code == 1000)


async def test_wrong_token_is_refused_with_401(fake: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        async with running(ProbeBot(), fake, token="not-the-token"):
            pass
    assert [(call.route, call.status) for call in fake.calls] == [("GET /users/@me", 401)]
    assert fake.calls[0].response == {"message": "401: Unauthorized", "code": 0}
    for authorization in (None, TOKEN, f"Bearer {TOKEN}"):
        assert (await rest(fake, "GET", "/users/@me", authorization=authorization))[0] == 401
    assert (await rest(fake, "GET", "/gateway", authorization=None))[0] == 200  # public


async def test_privileged_intent_not_enabled_closes_with_4014(fake: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running(ProbeBot(intents=intents), fake):
            pass
    assert fake.connections[-1].close_code == 4014


@pytest.mark.parametrize(
    ("query", "identify", "code"),
    [
        ("?v=9&encoding=json", None, 4012),
        ("?v=10&encoding=etf", None, 4002),
        ("?v=10&encoding=json", {"token": "wrong", "intents": 513, "properties": {}}, 4004),
        ("?v=10&encoding=json", {"token": TOKEN, "properties": {}}, 4013),
        ("?v=10&encoding=json", {"token": TOKEN, "intents": 1 << 30, "properties": {}}, 4013),
    ],
)
async def test_gateway_closes_with_discord_codes(
    fake: FakeDiscord, query: str, identify: dict[str, Any] | None, code: int
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(fake.gateway_url + query) as ws,
    ):
        if identify is not None:
            hello = await ws.receive_json(timeout=5)
            assert hello["op"] == 10
            await ws.send_json({"op": 2, "d": identify})
        message = await ws.receive(timeout=5)
        assert message.type is aiohttp.WSMsgType.CLOSE
        assert ws.close_code == code


# -- interactions --------------------------------------------------------------------------------


@pytest.mark.parametrize("dm", [False, True], ids=["guild", "dm"])
async def test_ask_is_deferred_then_answered_by_the_follow_up(fake: FakeDiscord, dm: bool) -> None:
    async with running(ProbeBot(), fake):
        interaction = await fake.dispatch_command("ask", {"question": "Who got a ring?"}, dm=dm)
        reply = await fake.wait_for_interaction_response(interaction.id)
    assert reply.content == "Answer to: Who got a ring?"
    assert reply.message_id == interaction.original_id  # the follow-up filled the deferral
    assert reply.flags == 0  # no longer "thinking...", not ephemeral
    assert reply.links == ["https://news.example/rings"]
    assert reply.custom_ids == [SOURCES_ID]
    assert [kind for kind, _ in interaction.callbacks] == [5]
    assert reply.channel_id == (fake.dm_channel_id(ALICE_ID) if dm else CHANNEL_ID)
    assert [call.status for call in fake.calls_to(FOLLOWUP)] == [200]


async def test_late_callback_is_unknown_and_a_second_one_already_acknowledged() -> None:
    async with FakeDiscord(interaction_deadline_s=0.3) as fake:
        async with running(ProbeBot(ask_delay=0.5), fake) as bot:
            late = await fake.dispatch_command("ask", {"question": "slow?"})
            await fake.wait_for(lambda: bool(bot.errors), 5, "the late defer to fail")
            bot.ask_delay = 0.0
            answered = await fake.dispatch_command("ask", {"question": "fast?"})
            await fake.wait_for_interaction_response(answered.id)
        (error,) = bot.errors
        assert isinstance(error, discord.NotFound)
        assert error.code == 10062
        assert late.callbacks == []
        assert late.reply_id is None
        again = f"/interactions/{answered.id}/{answered.token}/callback"
        status, body = await rest(fake, "POST", again, body={"type": 4, "data": {"content": "x"}})
        assert (status, body["code"]) == (400, 40060)
        assert body["message"] == "Interaction has already been acknowledged."
        wrong_token = f"/interactions/{answered.id}/not-the-token/callback"
        assert (await rest(fake, "POST", wrong_token, body={"type": 5}))[0] == 401
    assert [call.status for call in fake.calls_to(INTERACTION_CALLBACK)] == [404, 200, 400, 401]


async def test_persistent_button_works_after_a_restart(fake: FakeDiscord) -> None:
    async with running(ProbeBot(), fake):
        asked = await fake.dispatch_command("ask", {"question": "Who got a ring?"})
        answer = await fake.wait_for_interaction_response(asked.id)
    async with running(ProbeBot(), fake):  # a new process would build a new client like this
        await fake.wait_for_ready(2)
        pressed = await fake.dispatch_button(answer.message_id, SOURCES_ID)
        shown = await fake.wait_for_interaction_response(pressed.id)
    assert [kind for kind, _ in pressed.callbacks] == [7]
    assert shown.message_id == answer.message_id
    assert shown.content == SOURCES_TEXT
    assert shown.custom_ids == [SOURCES_ID]
    assert fake.edits[-1].content == SOURCES_TEXT
    with pytest.raises(ValueError, match="no button"):
        await fake.dispatch_button(answer.message_id, "newsbot:other")


# -- messages ------------------------------------------------------------------------------------


async def test_mentions_and_replies_get_a_reply_and_other_messages_are_blank(
    fake: FakeDiscord,
) -> None:
    async with running(ProbeBot(), fake) as bot:
        await fake.dispatch_message("just chatting, not for the bot")
        asked = await fake.dispatch_message(f"{fake.mention} who got a ring?")
        reply = await fake.wait_for_message(CHANNEL_ID)
        followup = await fake.dispatch_message("and why?", reply_to=reply.message_id)
        second = await fake.wait_for_message(CHANNEL_ID, 2)
        unpinged = await fake.dispatch_message(
            "ping off", reply_to=reply.message_id, ping_replied=False
        )
        await fake.wait_for(lambda: len(bot.seen) == 4, 5, "the bot to see 4 messages")
    # Without the MESSAGE_CONTENT intent, only messages that mention (or ping) the bot have text.
    assert bot.seen == ["", f"<@{BOT_ID}> who got a ring?", "and why?", ""]
    assert reply.content == "Answer: who got a ring?"
    assert reply.reply_to == int(asked["id"])
    assert reply.message["type"] == 19
    assert reply.allowed_mentions is not None
    assert reply.allowed_mentions["replied_user"] is False
    assert reply.mentions == []  # mention_author=False: Alice is not pinged
    assert (second.content, second.reply_to) == ("Answer: and why?", int(followup["id"]))
    assert len(fake.messages_in(CHANNEL_ID)) == 2
    assert unpinged["mentions"] == []


async def test_dm_is_answered_with_typing(fake: FakeDiscord) -> None:
    async with running(ProbeBot(), fake):
        await fake.dispatch_dm("what happened in Moscow?")
        reply = await fake.wait_for_message(fake.dm_channel_id(ALICE_ID))
    assert reply.content == "DM answer: what happened in Moscow?"
    assert reply.reply_to is None
    assert fake.typing == [fake.dm_channel_id(ALICE_ID)]


async def test_message_content_intent_when_enabled() -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    fake = FakeDiscord(privileged_intents=MESSAGE_CONTENT)
    async with fake, running(ProbeBot(intents=intents), fake) as bot:
        await fake.dispatch_message("not for the bot")
        await fake.wait_for(lambda: bool(bot.seen), 5, "the message")
    assert bot.seen == ["not for the bot"]


@pytest.mark.parametrize(
    ("route", "trigger"),
    [(CREATE_MESSAGE, "dm"), (FOLLOWUP, "ask")],
)
async def test_429_is_waited_out_and_the_message_sent_once(
    fake: FakeDiscord, route: str, trigger: str
) -> None:
    fake.rate_limit_next(route, retry_after=0.4)
    async with running(ProbeBot(), fake):
        if trigger == "dm":
            await fake.dispatch_dm("flood?")
            await fake.wait_for_message(fake.dm_channel_id(ALICE_ID))
        else:
            interaction = await fake.dispatch_command("ask", {"question": "flood?"})
            await fake.wait_for_interaction_response(interaction.id)
    limited, sent = fake.calls_to(route)
    assert (limited.status, sent.status) == (429, 200)
    assert limited.response["retry_after"] == 0.4
    assert sent.started_at - limited.started_at >= 0.4
    assert len(fake.sent) == 1


# -- gateway reconnects --------------------------------------------------------------------------


async def test_server_close_is_resumed_and_missed_events_replayed(fake: FakeDiscord) -> None:
    async with running(ProbeBot(), fake):
        await fake.close_connections(4000)
        await fake.dispatch_dm("sent while reconnecting")
        resumed = await fake.wait_for_ready(2)
        reply = await fake.wait_for_message(fake.dm_channel_id(ALICE_ID))
        await asyncio.sleep(0.1)
    assert resumed.resumed
    assert resumed.path == "/gateway/resume"
    assert RESUME in resumed.ops
    assert IDENTIFY not in resumed.ops
    assert reply.content == "DM answer: sent while reconnecting"
    assert len(fake.sent) == 1


@pytest.mark.slow
async def test_invalid_session_makes_the_client_identify_again(fake: FakeDiscord) -> None:
    async with running(ProbeBot(), fake):
        await fake.invalidate_sessions()
        fresh = await fake.wait_for_ready(2)
        await fake.dispatch_dm("after a new session")
        reply = await fake.wait_for_message(fake.dm_channel_id(ALICE_ID))
    assert fresh.identify is not None
    assert not fresh.resumed
    assert fresh.path == "/gateway"  # DEFAULT_GATEWAY, as set in setup_hook
    assert reply.content == "DM answer: after a new session"


# -- interaction rules, without discord.py -------------------------------------------------------


@contextlib.asynccontextmanager
async def raw_gateway(fake: FakeDiscord) -> AsyncIterator[list[dict[str, Any]]]:
    """Identify over a bare websocket; yield the list that collects every dispatch."""
    events: list[dict[str, Any]] = []

    async def collect(ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            payload = json.loads(message.data)
            if payload["op"] == 0:
                events.append(payload)

    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws,
    ):
        assert (await ws.receive_json(timeout=5))["op"] == 10
        intents = discord.Intents.default().value
        await ws.send_json({"op": 2, "d": {"token": TOKEN, "intents": intents, "properties": {}}})
        collector = asyncio.create_task(collect(ws))
        await fake.wait_for_ready()
        try:
            yield events
        finally:
            collector.cancel()


async def test_interaction_callbacks_follow_discords_rules(fake: FakeDiscord) -> None:
    question = {"type": 3, "name": "question", "description": "q", "required": True}
    command = {"name": "ask", "description": "Ask", "options": [question], "contexts": [0]}
    await rest(fake, "PUT", f"/applications/{APPLICATION_ID}/commands", body=[command])
    async with raw_gateway(fake) as events:
        with pytest.raises(ValueError, match="needs the option"):
            await fake.dispatch_command("ask")
        with pytest.raises(ValueError, match="not available in DMs"):
            await fake.dispatch_command("ask", {"question": "q?"}, dm=True)
        asked = await fake.dispatch_command("ask", {"question": "q?"})
        callback = f"/interactions/{asked.id}/{asked.token}/callback?with_response=true"
        followup = f"/webhooks/{APPLICATION_ID}/{asked.token}?wait=true"
        status, body = await rest(fake, "POST", followup, body={"content": "too early"})
        assert (status, body["code"]) == (404, 10015)  # the token works once acknowledged
        update = {"type": 7, "data": {"content": "x"}}
        assert (await rest(fake, "POST", callback, body=update))[0] == 400  # not for commands
        answer = {"type": 4, "data": {"content": "only you", "flags": 64}}
        status, body = await rest(fake, "POST", callback, body=answer)
        assert status == 200
        assert body["interaction"]["response_message_ephemeral"] is True
        assert body["resource"]["message"]["content"] == "only you"
        status, body = await rest(fake, "POST", followup, body={"content": "more"})
        assert (status, asked.followup_ids) == (200, [int(body["id"])])
        assert (await fake.wait_for_interaction_response(asked.id)).ephemeral

        more = {"type": 2, "style": 1, "label": "More", "custom_id": "more"}
        posted = {"content": "page 1", "components": [{"type": 1, "components": [more]}]}
        _, message = await rest(fake, "POST", f"/channels/{CHANNEL_ID}/messages", body=posted)
        pressed = await fake.dispatch_button(int(message["id"]), "more", user_id=ALICE_ID)
        deferred = f"/interactions/{pressed.id}/{pressed.token}/callback"
        assert await rest(fake, "POST", deferred, body={"type": 6}) == (204, None)
        original = f"/webhooks/{APPLICATION_ID}/{pressed.token}/messages/@original"
        status, _ = await rest(fake, "PATCH", original, body={"content": "page 2"})
        shown = await fake.wait_for_interaction_response(pressed.id)
        await fake.wait_for(lambda: len(events) >= 7, 5, "the gateway events")
    assert status == 200
    assert (shown.message_id, shown.content, shown.custom_ids) == (
        int(message["id"]),
        "page 2",
        ["more"],
    )
    interaction = next(e["d"] for e in events if e["t"] == "INTERACTION_CREATE")
    assert interaction["data"]["options"] == [{"name": "question", "type": 3, "value": "q?"}]
    assert interaction["member"]["user"]["id"] == str(ALICE_ID)
    # The ephemeral answer stays off the gateway; the bot's other messages and edits come back.
    assert [e["t"] for e in events] == [
        "READY",
        "GUILD_CREATE",
        "INTERACTION_CREATE",
        "MESSAGE_CREATE",  # the follow-up "more"
        "MESSAGE_CREATE",  # "page 1"
        "INTERACTION_CREATE",
        "MESSAGE_UPDATE",  # "page 2"
    ]


# -- REST validation -----------------------------------------------------------------------------


async def test_client_gets_400_for_an_over_limit_embed(fake: FakeDiscord) -> None:
    async with running(ProbeBot(), fake) as bot:
        channel = bot.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send(embed=discord.Embed(description="x" * 4097))
        sent = await channel.send(embed=discord.Embed(description="x" * 4096))
    assert caught.value.status == 400
    assert caught.value.code == 50035
    assert "embeds.0.description" in caught.value.text
    assert [m.message_id for m in fake.sent] == [sent.id]


def button(**fields: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "More", "custom_id": "more", **fields}


def row(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(buttons)}


def embed(**fields: Any) -> dict[str, Any]:
    return {"title": "t", **fields}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"content": "x" * 2000}, None),
        ({"content": "x" * 2001}, "content"),
        ({"content": "   "}, "empty"),
        ({}, "empty"),
        ({"embeds": [embed()] * 10}, None),
        ({"embeds": [embed()] * 11}, "embeds"),
        ({"embeds": [embed(title="x" * 256)]}, None),
        ({"embeds": [embed(title="x" * 257)]}, "embeds.0.title"),
        ({"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 25)]}, None),
        ({"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]}, "embeds.0.fields"),
        ({"embeds": [embed(fields=[{"name": "x" * 257, "value": "v"}])]}, "fields.0.name"),
        ({"embeds": [embed(fields=[{"name": "n", "value": "x" * 1025}])]}, "fields.0.value"),
        ({"embeds": [embed(fields=[{"name": "n", "value": ""}])]}, "fields.0.value"),
        ({"embeds": [embed(footer={"text": "x" * 2049})]}, "embeds.0.footer.text"),
        ({"embeds": [embed(author={"name": "x" * 257})]}, "embeds.0.author.name"),
        ({"embeds": [embed(url="news.example/a")]}, "embeds.0.url"),
        ({"embeds": [{"description": "x" * 3000}, {"description": "x" * 3000}]}, None),
        ({"embeds": [{"description": "x" * 3000}, {"description": "x" * 3001}]}, "6000"),
        ({"content": "c", "components": [row(button())] * 5}, "duplicated"),
        (
            {"content": "c", "components": [row(button(custom_id=str(i))) for i in range(5)]},
            None,
        ),
        (
            {"content": "c", "components": [row(button(custom_id=str(i))) for i in range(6)]},
            "components",
        ),
        (
            {"content": "c", "components": [row(*[button(custom_id=str(i)) for i in range(6)])]},
            "maximum width",
        ),
        ({"content": "c", "components": [row(button(custom_id="x" * 100))]}, None),
        ({"content": "c", "components": [row(button(custom_id="x" * 101))]}, "custom_id"),
        ({"content": "c", "components": [row(button(label="x" * 81))]}, "label"),
        (
            {"content": "c", "components": [row(button(style=5, url="https://news.example/a"))]},
            "custom_id",
        ),
        (
            {
                "content": "c",
                "components": [row({"type": 2, "style": 5, "label": "Read"})],
            },
            "url",
        ),
        (
            {
                "content": "c",
                "components": [
                    row({"type": 2, "style": 5, "label": "Read", "url": "https://news.example/a"})
                ],
            },
            None,
        ),
        ({"content": "c", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}, "exclusive"),
        ({"content": "c", "flags": 64}, "flags"),
    ],
)
async def test_message_bodies_are_validated_like_discord(
    fake: FakeDiscord, body: dict[str, Any], error: str | None
) -> None:
    status, response = await rest(fake, "POST", f"/channels/{CHANNEL_ID}/messages", body=body)
    if error is None:
        assert status == 200, response
        assert fake.sent[-1].message_id == int(response["id"])
    elif error == "empty":
        assert (status, response) == (
            400,
            {"message": "Cannot send an empty message", "code": 50006},
        )
    else:
        assert status == 400
        assert response["code"] == 50035
        assert response["message"] == "Invalid Form Body"
        assert error in _flatten(response["errors"])
        assert fake.sent == []


def _flatten(errors: dict[str, Any], prefix: str = "") -> str:
    """Discord's nested errors as ``path.to.field: message`` lines, as discord.py shows them."""
    lines = []
    for key, value in errors.items():
        if key == "_errors":
            lines += [f"{prefix}: {e['message']}" for e in value]
        else:
            lines.append(_flatten(value, f"{prefix}.{key}" if prefix else key))
    return "\n".join(lines)


async def test_allowed_mentions_decide_who_is_notified(fake: FakeDiscord) -> None:
    text = f"<@{ALICE_ID}> and @everyone"
    await rest(fake, "POST", f"/channels/{CHANNEL_ID}/messages", body={"content": text})
    limited = {"content": text, "allowed_mentions": {"parse": []}}
    await rest(fake, "POST", f"/channels/{CHANNEL_ID}/messages", body=limited)
    first, second = fake.sent
    assert (first.mentions, first.message["mention_everyone"]) == ([ALICE_ID], True)
    assert (second.mentions, second.message["mention_everyone"]) == ([], False)
    assert second.allowed_mentions == {"parse": []}


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ({"name": "ask", "description": "Ask"}, None),
        ({"name": "Ask", "description": "Ask"}, "APPLICATION_COMMAND_INVALID_NAME"),
        ({"name": "ask me", "description": "Ask"}, "APPLICATION_COMMAND_INVALID_NAME"),
        ({"name": "a" * 33, "description": "Ask"}, "BASE_TYPE_BAD_LENGTH"),
        ({"name": "ask", "description": ""}, "BASE_TYPE_BAD_LENGTH"),
        ({"name": "ask", "description": "x" * 101}, "BASE_TYPE_BAD_LENGTH"),
        (
            {
                "name": "ask",
                "description": "Ask",
                "options": [
                    {"type": 3, "name": "a", "description": "a"},
                    {"type": 3, "name": "b", "description": "b", "required": True},
                ],
            },
            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        ),
        (
            {
                "name": "ask",
                "description": "Ask",
                "options": [{"type": 3, "name": "Q", "description": "q"}],
            },
            "APPLICATION_COMMAND_OPTION_INVALID_NAME",
        ),
        (
            {
                "name": "ask",
                "description": "Ask",
                "options": [{"type": 3, "name": "q", "description": "q"}] * 2,
            },
            "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
        ),
    ],
)
async def test_command_sync_is_validated(
    fake: FakeDiscord, command: dict[str, Any], error: str | None
) -> None:
    path = f"/applications/{APPLICATION_ID}/commands"
    status, body = await rest(fake, "PUT", path, body=[command])
    if error is None:
        assert status == 200
        first_id = body[0]["id"]
        assert (await rest(fake, "PUT", path, body=[command]))[1][0]["id"] == first_id
    else:
        assert status == 400
        assert error in json.dumps(body["errors"])
        assert fake.commands == []
    duplicate = [{"name": "ask", "description": "Ask"}] * 2
    assert (await rest(fake, "PUT", path, body=duplicate))[0] == 400


async def test_unknown_routes_and_ids_get_discord_errors(fake: FakeDiscord) -> None:
    assert await rest(fake, "GET", "/no/such/route") == (
        404,
        {"message": "404: Not Found", "code": 0},
    )
    status, body = await rest(fake, "POST", "/channels/123/messages", body={"content": "x"})
    assert (status, body["code"]) == (404, 10003)
    status, body = await rest(fake, "POST", "/channels/abc/messages", body={"content": "x"})
    assert (status, body["code"]) == (400, 50035)
    assert [call.route for call in fake.unknown_calls()] == ["GET /api/v10/no/such/route"]
    with pytest.raises(ValueError, match="unknown route"):
        fake.rate_limit_next("POST /nowhere")


async def test_runs_in_its_own_process() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.fake_discord",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 10)
        info = json.loads(line)
        assert info["token"] == TOKEN
        async with aiohttp.ClientSession() as session:
            async with session.get(info["api_base"] + "/gateway") as response:
                assert (await response.json())["url"] == info["gateway_url"]
            async with session.get(info["control"] + "/ready") as response:
                assert await response.json() == {"ready": 0}
            async with session.post(info["control"] + "/dm", json={"content": "hi"}) as response:
                assert response.status == 400  # no bot connected yet
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0


def test_sent_message_text_and_links() -> None:
    message = SentMessage(
        message_id=1,
        channel_id=2,
        content="See https://a.example/x.",
        embeds=[
            {
                "title": "T",
                "url": "https://b.example/",
                "fields": [{"name": "N", "value": "V"}],
                "footer": {"text": "F"},
            }
        ],
        components=[row({"type": 2, "style": 5, "label": "L", "url": "https://c.example/"})],
        flags=64,
        allowed_mentions=None,
        mentions=[],
        reply_to=None,
        via="channel",
        interaction_id=None,
        message={},
    )
    assert message.text == "See https://a.example/x.\nT\nN\nV\nF"
    assert message.links == ["https://a.example/x", "https://b.example/", "https://c.example/"]
    assert message.ephemeral
