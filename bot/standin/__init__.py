"""Local Slack stand-ins: a Web API server and a driver that signs requests like Slack."""

from bot.standin.driver import DriverResponse, SlackDriver
from bot.standin.slack_api import RecordedCall, SlackStandin

__all__ = ["DriverResponse", "RecordedCall", "SlackDriver", "SlackStandin"]
