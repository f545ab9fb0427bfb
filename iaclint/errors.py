"""The errors a user can cause, each a one-line message the CLI prints before exiting 2.

Everything in iaclint may raise these; this module imports nothing of iaclint, so no layer
has to reach up to the CLI for them.
"""

from __future__ import annotations


class IaclintError(Exception):
    """A one-line problem with what the user asked iaclint to do (exit 2, no traceback)."""


class InputError(IaclintError):
    """A problem with what the user asked iaclint to read (paths, options, revisions)."""


class ConfigError(IaclintError):
    """A configuration file (or a user pack it names) that cannot be used."""


class TreeError(IaclintError):
    """An input that stops iaclint from reading it at all (a git revision, a directory)."""


class PlanError(IaclintError):
    """A plan or change-set file that is not one (not JSON, not a plan, unsupported version)."""


class PatchError(IaclintError):
    """A patch that cannot be read or applied."""


class PackError(IaclintError):
    """A knowledge pack that cannot be read: never an empty pack, which would hide findings."""
