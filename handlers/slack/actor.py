"""The acting Slack user, resolved to a Person only when a listener asks for it.

Lazy on purpose: events from people outside the org (or the bot itself) should cost no
users.info call, and a listener that can ack first should not wait for the database.
"""

from __future__ import annotations

from bot.core.errors import NotAllowed
from bot.features.org import PeopleService, Person
from bot.i18n import normalize_locale
from bot.ports import Directory


class UnknownPerson(NotAllowed):
    """The acting Slack user is not in the org data: they are party to nothing."""


class Actor:
    def __init__(self, user_id: str, people: PeopleService, directory: Directory) -> None:
        self.user_id = user_id
        self._people = people
        self._directory = directory
        self._resolved = False
        self._person: Person | None = None
        self._locale: str | None = None

    @property
    def directory(self) -> Directory:
        """Slack's profiles, for the services that learn from them."""
        return self._directory

    async def person(self) -> Person | None:
        if not self._resolved:
            self._person = await self._people.resolve_slack_user(self.user_id, self._directory)
            self._resolved = True
        return self._person

    async def known(self) -> Person:
        """The acting person, for a listener that acts for them; UnknownPerson (a refusal the
        outcome mapper answers) when the org data does not know them."""
        person = await self.person()
        if person is None or person.id is None:
            raise UnknownPerson
        return person

    async def person_id(self) -> int:
        person = await self.known()
        assert person.id is not None  # known() checked it
        return person.id

    async def locale(self) -> str:
        """The person's language; for someone not in the org data, Slack's own setting."""
        if self._locale is None:
            person = await self.person()
            if person is not None:
                self._locale = self._people.locale_of(person)
            else:
                entry = await self._directory.lookup(self.user_id)
                self._locale = normalize_locale(
                    entry.locale if entry else None, self._people.default_locale
                )
        return self._locale

    async def timezone(self) -> str:
        return self._people.timezone_of(await self.person())
