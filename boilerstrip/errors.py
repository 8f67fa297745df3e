"""Exceptions raised by boilerstrip. All derive from :class:`BoilerstripError`."""

from __future__ import annotations


class BoilerstripError(Exception):
    """Base class of every error boilerstrip raises on purpose."""


class ModelError(BoilerstripError):
    """A model file is missing, unreadable, or not a boilerstrip model."""


class ModelVersionError(ModelError):
    """A model file was written by a format or library version this install cannot use."""
