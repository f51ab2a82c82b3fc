"""The shared kernel every feature and surface builds on."""

from bot.core.clock import Clock, ShiftedClock, SystemClock

__all__ = ["Clock", "ShiftedClock", "SystemClock"]
