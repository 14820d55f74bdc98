"""The file-reading part of applications and blueprints: the static folder's view, the
cache age of sent files, and resources beside the code."""

from __future__ import annotations

import os
import typing as t
from datetime import timedelta

from .globals import current_app
from .helpers import send_from_directory
from .scaffold import Scaffold

if t.TYPE_CHECKING:
    from .wrappers import Response


class FileAccess(Scaffold):
    """A scaffold that also reads its files: the base of ``Flask`` and ``Blueprint``.
    It serves the static folder and opens files relative to ``root_path``."""

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Return the cache max age for a sent file: the current app's
        ``SEND_FILE_MAX_AGE_DEFAULT`` (a ``timedelta`` is turned into seconds)."""
        max_age = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if isinstance(max_age, timedelta):
            return int(max_age.total_seconds())
        return t.cast("int | None", max_age)

    def send_static_file(self, filename: str) -> Response:
        """Serve ``filename`` from the static folder (the view of the static route).

        Raises ``RuntimeError`` when no static folder is configured.
        """
        folder = self.static_folder
        if folder is None:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        return send_from_directory(folder, filename, max_age=self.get_send_file_max_age(filename))

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.AnyStr]:
        """Open ``resource``, a path relative to ``root_path``, for reading and return
        the file object; ``encoding`` is used in text mode.

        Raises ``ValueError`` for a mode other than ``r``, ``rt`` or ``rb``.
        """
        if mode not in ("r", "rt", "rb"):
            raise ValueError("Resources can only be opened for reading.")
        text_encoding = None if mode == "rb" else encoding
        return open(os.path.join(self.root_path, resource), mode, encoding=text_encoding)
