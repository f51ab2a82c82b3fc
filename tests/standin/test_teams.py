"""The Teams stand-in speaks the wire protocol itself: checked here with plain HTTP and PyJWT."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import aiohttp
import jwt
import pytest

from bot.standin.teams import BOT_FRAMEWORK_ISSUER, TeamsStandin


@pytest.fixture
async def standin() -> AsyncIterator[TeamsStandin]:
    async with TeamsStandin() as running:
        yield running


def trusting(standin: TeamsStandin) -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=standin.ca_file))


async def login(
    http: aiohttp.ClientSession, standin: TeamsStandin, secret: str
) -> aiohttp.ClientResponse:
    return await http.post(
        f"{standin.login_url}/{standin.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": standin.app_id,
            "client_secret": secret,
            "scope": "https://api.botframework.com/.default",
        },
    )


async def test_channel_tokens_verify_against_the_published_key(standin: TeamsStandin) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(standin.openid_metadata_url) as res:
            metadata = await res.json()
        async with http.get(metadata["jwks_uri"]) as res:
            [key] = (await res.json())["keys"]

    assert key["endorsements"] == ["msteams"]
    token = standin.channel_token()
    assert jwt.get_unverified_header(token)["kid"] == key["kid"]
    claims = jwt.decode(
        token,
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=standin.app_id,
        issuer=BOT_FRAMEWORK_ISSUER,
    )
    assert claims["serviceurl"] == standin.service_url
    assert claims["nbf"] < claims["exp"]
    assert claims["exp"] > standin.clock.now().timestamp()


async def test_login_is_tls_only_trusted_with_its_certificate(standin: TeamsStandin) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await login(http, standin, standin.app_password)


async def test_login_issues_a_token_the_connector_accepts(standin: TeamsStandin) -> None:
    user = standin.add_user("29:someone", name="Someone")
    async with aiohttp.ClientSession(connector=trusting(standin)) as http:
        async with await login(http, standin, "wrong") as res:
            assert res.status == 401
        async with await login(http, standin, standin.app_password) as res:
            assert res.status == 200
            token = (await res.json())["access_token"]

        url = f"{standin.service_url}v3/conversations/{user.conversation_id}/activities"
        async with http.post(url, json={"type": "message", "text": "hi"}) as res:
            assert res.status == 401
        bearer = {"Authorization": f"Bearer {token}"}
        async with http.post(url, json={"type": "message", "text": "hi"}, headers=bearer) as res:
            assert res.status == 201
            activity_id = (await res.json())["id"]
        async with http.put(
            f"{url}/{activity_id}", json={"type": "message", "text": "edited"}, headers=bearer
        ) as res:
            assert res.status == 200
        async with http.get(
            f"{standin.service_url}v3/conversations/{user.conversation_id}/members",
            headers=bearer,
        ) as res:
            assert [m["id"] for m in await res.json()] == ["29:someone"]

    [stored] = standin.activities[user.conversation_id]
    assert stored["text"] == "edited"
    assert [c.operation for c in standin.outbound] == [
        "send_to_conversation",
        "send_to_conversation",
        "update_activity",
        "get_conversation_members",
    ]
    assert all("client_secret" not in (c.body or {}) for c in standin.calls_to("login"))


async def test_faults_and_rate_limits(standin: TeamsStandin) -> None:
    user = standin.add_user("29:someone", name="Someone")
    standin.rate_limit("send_to_conversation", retry_after=3)
    standin.fail("send_to_conversation", status=502)
    url = f"{standin.service_url}v3/conversations/{user.conversation_id}/activities"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"type": "message"}) as res:
            assert (res.status, res.headers["Retry-After"]) == (429, "3")
        async with http.post(url, json={"type": "message"}) as res:
            assert res.status == 502
        async with http.post(url, json={"type": "message"}) as res:
            assert res.status == 401
