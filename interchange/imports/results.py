"""What every import shares: its result, its failure, and its progress bars."""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, IntegrityError

from interchange.tabular import FileProblem, RowError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

P = ParamSpec("P")
R = TypeVar("R")


class ProgressBar(Protocol):
    """What an import asks of a progress bar (tqdm's, or a silent one)."""

    def update(self, n: int = 1, /) -> object: ...

    def close(self) -> None: ...


# Who runs an import: the admin's request.user, or nobody for a command.
ActingUser = AbstractBaseUser | AnonymousUser | None

# Called like tqdm: progress(total=..., desc=..., unit=..., unit_scale=True).
Progress = Callable[..., ProgressBar]


class _Silent:
    def update(self, n: int = 1, /) -> None:
        pass

    def close(self) -> None:
        pass


def _no_progress(**options: object) -> ProgressBar:
    return _Silent()


def progress_for(progress: Progress | None) -> Progress:
    return progress or _no_progress


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    dry_run: bool = False
    notices: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Would add" if self.dry_run else "Added"
        text = f"{verb} {self.added}, updated {self.updated}, skipped {self.skipped}."
        if self.dry_run:
            text += " Nothing was written (dry run)."
        return text


class ImportFailed(FileProblem):
    """The file has errors; nothing was written."""


def reporting(function: Callable[P, R]) -> Callable[P, R]:
    """Any problem with the file itself comes out as ``ImportFailed`` too."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except ImportFailed:
            raise
        except FileProblem as problem:
            raise ImportFailed(problem.errors) from None
        except (IntegrityError, DataError) as error:
            # Only a change made at the same moment by someone else gets here: the
            # rows were checked against the database under lock.
            raise ImportFailed(
                [
                    RowError(
                        0,
                        "",
                        "The database refused the import, probably because the same "
                        f"articles changed meanwhile ({_first_line(error)}). Nothing "
                        "was written; import the file again.",
                    )
                ]
            ) from None
        except DatabaseError as error:
            # A deadlock with another import, a statement cancelled, the connection
            # lost: the transaction was rolled back as a whole.
            raise ImportFailed(
                [
                    RowError(
                        0,
                        "",
                        f"The database stopped the import ({_first_line(error)}). Nothing was "
                        "written; import the file again.",
                    )
                ]
            ) from None

    return wrapper


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


def recording_user(acting_user: ActingUser) -> "User | None":
    """The user an import's events are recorded by: none for a command or a user
    that is not saved."""
    if isinstance(acting_user, get_user_model()) and acting_user.pk:
        return acting_user
    return None


def error_text(error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a ValidationError; the field is "" when it names none."""
    if hasattr(error, "error_dict"):
        return [
            (name, message) for name, messages in error.message_dict.items() for message in messages
        ]
    return [("", message) for message in error.messages]
