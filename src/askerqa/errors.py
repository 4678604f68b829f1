"""Errors a user can cause. Messages are plain Norwegian, shown as they are."""


class AskerQAError(Exception):
    """Base class: the CLI prints the message and exits with code 2; the app shows it in the chat."""


class BadQuestion(AskerQAError):
    """The question cannot be searched (empty, only punctuation, binary data, ...)."""


class IndexNotReady(AskerQAError):
    """The index is missing, stale or unreadable."""


class ModelError(AskerQAError):
    """The embedding model cannot be built or loaded."""


class BadGoldFile(AskerQAError):
    """A gold question file for `askerqa eval` has a line the matching rule cannot use."""


class FeedbackError(AskerQAError):
    """The feedback database is missing, unreadable or damaged."""


class VoteNotSaved(FeedbackError):
    """A thumbs up/down could not be stored; the message («Stemmen ble ikke lagret: …») is for the user."""
