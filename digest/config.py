"""The typed configuration: every key declared once, with its default and meaning.

Loading validates everything up front and raises `ConfigError` with one line naming the file,
the key and what was expected, so a bad config never gets as far as writing anything.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from digest.delivery.mail import MailSettings
from digest.durations import Duration
from digest.editorial.relevance import TopicSettings
from digest.editorial.sections import DEFAULT_SECTIONS, SectionSettings
from digest.editorial.stories import GroupingSettings
from digest.errors import ConfigError
from digest.sources.settings import FetchSettings, SourceSettings
from digest.summary.summarize import SummarySettings

DEFAULT_CONFIG = Path("feeds.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DigestSettings(_Strict):
    """One digest made from the shared sources: its own name, topic, schedule and lookback."""

    name: str = Field(min_length=1)
    slug: str | None = Field(default=None, description="file-name part; derived from the name")
    topic: TopicSettings | None = Field(default=None, description="defaults to the top-level topic")
    publish: str = Field(default="0 7 * * mon", description="cron schedule of editions")
    lookback: Duration | None = Field(default=None, description="first edition's window")
    recipients: tuple[str, ...] = Field(default=(), description="addresses mailed each edition")
    empty: Literal["skip", "write", "mail"] = Field(
        default="skip",
        description="an edition with no stories under serve: 'skip' (neither written nor "
        "mailed), 'write' (written, not mailed) or 'mail' (written and mailed)",
    )

    @field_validator("recipients")
    @classmethod
    def _check_recipients(cls, recipients: tuple[str, ...]) -> tuple[str, ...]:
        for address in recipients:
            if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", address):
                raise ValueError(
                    f"expected a bare address such as ann@example.org, got {address!r}"
                )
        return recipients

    @field_validator("name")
    @classmethod
    def _check_name(cls, name: str) -> str:
        if re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", name):
            raise ValueError(f"a control character (a line break?) in {name!r}")  # mail headers
        return name

    @field_validator("slug")
    @classmethod
    def _check_slug(cls, slug: str | None) -> str | None:
        if slug is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            raise ValueError(f"expected lowercase letters, digits and hyphens, got {slug!r}")
        return slug

    @field_validator("publish")
    @classmethod
    def _check_cron(cls, publish: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(publish)
        except ValueError as exc:
            raise ValueError(
                f"expected a cron schedule such as '0 7 * * mon', got {publish!r} ({exc})"
            ) from None
        return publish

    @property
    def file_slug(self) -> str:
        return self.slug or slugify(self.name)


class Config(_Strict):
    """The whole of feeds.yaml. Relative paths resolve against the file's folder."""

    archive: Path = Field(default=Path("archive"), description="editions and state live here")
    templates: Path = Field(default=Path("templates"), description="your templates, if present")
    timezone: str = Field(default="Asia/Tokyo", description="zone of edition dates and schedules")
    lookback: Duration = Field(default=timedelta(days=7), description="first edition's window")
    poll_every: Duration = Field(default=timedelta(hours=2), description="how often serve polls")
    catch_up: Duration = Field(
        default=timedelta(days=1), description="how late serve still makes a missed edition"
    )
    mail: MailSettings | None = Field(default=None, description="SMTP settings for recipients")
    topic: TopicSettings = Field(default_factory=TopicSettings)
    summary: SummarySettings = Field(default_factory=SummarySettings)
    stories: GroupingSettings = Field(default_factory=GroupingSettings)
    sections: tuple[SectionSettings, ...] = Field(default=DEFAULT_SECTIONS)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    digests: tuple[DigestSettings, ...] = Field(default=(), description="defaults to one digest")
    sources: tuple[SourceSettings, ...] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"expected an IANA time zone such as Asia/Tokyo, got {zone!r}"
            ) from None
        return zone

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for kind, names in (
            ("sources", [s.name for s in self.sources]),
            ("digests", [d.name for d in self.digests]),
        ):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{kind}: names must be unique; repeated: {', '.join(dupes)}")
        if self.mail is None and any(d.recipients for d in self.digests):
            raise ValueError("digests have recipients but there is no 'mail:' section to send with")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def all_digests(self) -> tuple[DigestSettings, ...]:
        return self.digests or (DigestSettings(name=self.topic.name),)

    def digest(self, name: str | None) -> DigestSettings:
        """The digest called `name` (by name or slug); the first one when `name` is None."""
        digests = self.all_digests()
        if name is None:
            return digests[0]
        for d in digests:
            if name in (d.name, d.file_slug):
                return d
        known = ", ".join(d.name for d in digests)
        raise ConfigError(f"no digest named {name!r}; the config defines: {known}")

    def topic_of(self, digest: DigestSettings) -> TopicSettings:
        return digest.topic or self.topic

    def lookback_of(self, digest: DigestSettings) -> timedelta:
        return digest.lookback or self.lookback


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return slug or "digest"


def load_config(path: Path) -> Config:
    """Read, validate and resolve a config file; raise ConfigError with one line on any fault."""
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})") from None
    try:
        raw = yaml.safe_load(raw_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{where}: not valid YAML ({problem})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not a usable config (nested too deeply)") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from None
    return _resolve(config, path)


def _describe(exc: ValidationError) -> str:
    """The first validation error as 'key.path: what was expected', plus a count of the rest."""
    errors = exc.errors()
    first = errors[0]
    key = _key_path(first["loc"])
    kind = first["type"]
    if kind == "extra_forbidden":
        message = "unknown key"
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = first["msg"].removeprefix("Value error, ")
        if first.get("input") is not None and kind not in ("value_error",):
            message += f" (got {first['input']!r:.60})"
    where = f"{key}: " if key else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}{message}{more}"


def _key_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif "[" not in part and "-" not in part:  # skip pydantic's internal union tags
            parts.append(f".{part}" if parts else part)
    return "".join(parts)


def _resolve(config: Config, path: Path) -> Config:
    """Anchor relative paths at the config file's folder and check that source folders exist."""
    base = path.parent
    sources = []
    for index, source in enumerate(config.sources):
        if source.path is not None:
            folder = source.path if source.path.is_absolute() else base / source.path
            if not folder.is_dir():
                raise ConfigError(
                    f"{path}: sources[{index}].path: "
                    f"expected an existing folder, {folder} is not one"
                )
            source = source.model_copy(update={"path": folder})
        sources.append(source)
    archive = config.archive if config.archive.is_absolute() else base / config.archive
    templates = config.templates if config.templates.is_absolute() else base / config.templates
    return config.model_copy(
        update={"sources": tuple(sources), "archive": archive, "templates": templates}
    )
