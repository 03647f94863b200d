"""What every import shares: its result, its failure, its log, and its progress bars.

Every import is logged on ``interchange.imports`` (under production settings that goes
to standard output): who ran it, which file, and what it did or why it was refused.
"""

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, IntegrityError

from interchange.tabular import FileProblem, RowError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger("interchange.imports")

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
    """Any problem with the file itself comes out as ``ImportFailed`` too, and every
    outcome is logged, here where the commands and the upload pages all pass."""
    what = function.__name__.removesuffix("_import")

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        origin = _origin(what, kwargs)
        try:
            result = _failing_as_import_failed(function, *args, **kwargs)
        except ImportFailed as failure:
            count = len(failure.errors)
            logger.warning(
                "%s refused with %d error%s; nothing was written.",
                origin,
                count,
                "" if count == 1 else "s",
            )
            raise
        if isinstance(result, ImportResult):
            logger.info("%s: %s", origin, result.summary())
        return result

    return wrapper


def _origin(what: str, arguments: dict[str, object]) -> str:
    """'Import of articles from "file.csv" by alice': the file's own name (an upload's,
    not the private name it is stored under) and who ran it."""
    path = arguments.get("path")
    name = arguments.get("name") or (Path(str(path)).name if path else "")
    acting_user = arguments.get("acting_user")
    who = (
        repr(acting_user.get_username())
        if isinstance(acting_user, AbstractBaseUser | AnonymousUser)
        else "a command without a user"
    )
    return f"Import of {what} from {str(name)!r} by {who}"


def _failing_as_import_failed(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``function``'s result; a problem with the file or the database as ``ImportFailed``."""
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
