"""Where the library lives and the settings that shape it, each declared once with type, default and doc.

Precedence, lowest first: the default, ``settings.toml`` in the library folder, the environment
variable, an explicit override (a CLI option or an API argument). Tests point the endpoints at loopback
through the same mechanism a user would.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "readerapp"
LIBRARY_ENV = "READERAPP_LIBRARY"
PDF_NAME_DEFAULT = "{year} {first_author} - {title} [{id}].pdf"


@dataclass(frozen=True, slots=True)
class Setting:
    """One user-visible setting: the key in ``settings.toml`` and its environment variable."""

    key: str
    default: Any
    doc: str

    @property
    def env(self) -> str:
        return f"READERAPP_{self.key.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("hf_url", "https://huggingface.co", "Base URL of the Hugging Face Daily Papers API."),
    Setting("arxiv_api_url", "https://export.arxiv.org", "Base URL of the arXiv export (Atom) API."),
    Setting("arxiv_rss_url", "https://rss.arxiv.org", "Base URL of the arXiv RSS listings."),
    Setting("pdf_url", "https://arxiv.org/pdf/{id}", "PDF URL template; {id} is the arXiv id."),
    Setting(
        "pdf_name",
        PDF_NAME_DEFAULT,
        "File name of a stored PDF; fields {year} {first_author} {authors} {title} {id}.",
    ),
    Setting("arxiv_delay", 3.0, "Seconds between two requests to arXiv (their etiquette asks 3)."),
    Setting("timeout", 30.0, "Network timeout in seconds for one request."),
    Setting("retries", 4, "How many times a failed request (429, 5xx, dropped) is retried."),
    Setting("contact", "", "Optional e-mail sent in the User-Agent so feed services can reach you."),
    Setting("categories", "cs.LG cs.CL cs.AI cs.CV", "arXiv categories for the RSS daily sync."),
    Setting(
        "user",
        "",
        "User name for notes, highlights, state and star (default: the login name); on a shared"
        " library you are the database role you log in as, and another name is refused.",
    ),
    Setting("sync_on_start", "daily", "Sync when the app starts: 'daily', 'always' or 'never'."),
    Setting("database_url", "", "SQLAlchemy URL of a shared database instead of the local file."),
    Setting("theme", "system", "Colour theme of the app: 'system' (follow the desktop), 'light' or 'dark'."),
    Setting("backups_kept", 7, "How many daily backups of the library database to keep (0: none)."),
    Setting("pdf_on_reading", False, "Fetch a paper's PDF in the background when you move it to Reading."),
)
_BY_KEY = {s.key: s for s in SETTINGS}
# The settings every ``readerapp`` command also takes as a global option (``--hf-url`` ...).
CLI_SETTINGS = ("hf_url", "arxiv_api_url", "arxiv_rss_url", "pdf_url", "database_url", "user")


def cli_overrides(options: object) -> dict[str, Any]:
    """The CLI_SETTINGS given on a command line (parsed ``options``), for ``load_config``."""
    found = {key: getattr(options, key, None) for key in CLI_SETTINGS}
    return {key: value for key, value in found.items() if value is not None}


def default_library_dir() -> Path:
    """The library folder when neither ``--library`` nor ``READERAPP_LIBRARY`` names one."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_library_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--library`` wins, then ``READERAPP_LIBRARY``, then the platform default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(LIBRARY_ENV)
    return Path(env).expanduser() if env else default_library_dir()


@dataclass(frozen=True, slots=True)
class Config:
    """Resolved settings for one open library."""

    library: Path
    hf_url: str
    arxiv_api_url: str
    arxiv_rss_url: str
    pdf_url: str
    arxiv_delay: float
    timeout: float
    retries: int
    categories: str
    user: str
    sync_on_start: str
    database_url: str
    contact: str = ""
    theme: str = "system"
    pdf_name: str = PDF_NAME_DEFAULT
    backups_kept: int = 7
    pdf_on_reading: bool = False

    @property
    def settings_file(self) -> Path:
        return self.library / "settings.toml"

    @property
    def user_name(self) -> str:
        """The ``user`` setting, else the login name: a local library's label for the user (the Library
        trims and case-folds it; a shared library goes by the database role instead, see store.identity)."""
        if self.user.strip():
            return self.user
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "me"


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind):
        return value
    if kind is bool:  # bool("false") is True: an environment variable needs reading, not casting
        word = str(value).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(f"setting {setting.key!r}: {value!r} is not true or false")
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"setting {setting.key!r}: {value!r} is not a {kind.__name__}") from exc


def load_config(library: str | os.PathLike[str] | None = None, **overrides: Any) -> Config:
    """Resolve every setting for the library at ``library`` (see the module doc for precedence)."""
    folder = resolve_library_dir(library)
    from_file: dict[str, Any] = {}
    settings_file = folder / "settings.toml"
    if settings_file.is_file():
        with settings_file.open("rb") as fh:
            from_file = tomllib.load(fh)
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.key in from_file:
            value = from_file[setting.key]
        if setting.env in os.environ:
            value = os.environ[setting.env]
        if overrides.get(setting.key) is not None:
            value = overrides[setting.key]
        values[setting.key] = _coerce(setting, value)
    unknown = set(overrides) - set(_BY_KEY)
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    names = {f.name for f in fields(Config)} - {"library"}
    return Config(library=folder, **{k: v for k, v in values.items() if k in names})


def read_settings_file(path: Path) -> dict[str, Any]:
    """The raw ``settings.toml`` table (the UI reads its own sections, such as keys, from it)."""
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)
