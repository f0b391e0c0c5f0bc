"""The typed configuration: every key declared once, with its default and meaning.

Loading validates everything up front and raises `ConfigError` with one line naming the file,
the key and what was expected, so a bad config never gets as far as writing anything.
"""

from __future__ import annotations

import difflib
import re
import reprlib
import typing
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse
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
from pydantic_core import ErrorDetails

from digest.delivery.settings import MailSettings, check_recipient
from digest.durations import Duration
from digest.editorial.sections import DEFAULT_SECTIONS, SectionSettings
from digest.editorial.story_settings import GroupingSettings
from digest.editorial.topic_settings import TopicSettings
from digest.errors import ConfigError
from digest.sources.settings import FetchSettings, SourceSettings
from digest.summary.settings import SummarySettings

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
            check_recipient(address)
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
    archive_url: str | None = Field(
        default=None,
        description="where the archive is published (https://...): links become absolute to it",
    )
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

    @field_validator("archive_url")
    @classmethod
    def _check_archive_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parsed = urlparse(url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"expected an http:// or https:// address, got {url!r}")
        if parsed.query or parsed.fragment:
            raise ValueError(f"expected an address without ?query or #fragment, got {url!r}")
        return url.strip().rstrip("/") + "/"  # links are made by appending archive paths

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for kind, names in (
            ("sources", [s.name for s in self.sources]),
            ("digests", [d.name for d in self.digests]),
        ):
            dupes = sorted(n for n, count in Counter(names).items() if count > 1)
            if dupes:
                raise ValueError(f"{kind}: names must be unique; repeated: {', '.join(dupes)}")
        self._distinct_slugs()
        sources = {s.name for s in self.sources}
        for source in self.sources:
            if source.gloss is not None and source.gloss not in sources:
                raise ValueError(
                    f"sources: {source.name!r} takes its gloss from {source.gloss!r},"
                    " which is not one of the sources"
                )
        if self.mail is None and any(d.recipients for d in self.digests):
            raise ValueError("digests have recipients but there is no 'mail:' section to send with")
        return self

    def _distinct_slugs(self) -> None:
        """Each digest's files and `--digest` must name it alone: a name (or one with no letters
        a-z, such as 日本と北朝鮮, whose slug falls back to "digest") that gives another's slug
        is refused, never settled by picking one."""
        owner: dict[str, str] = {}
        for digest in self.digests:
            for key in dict.fromkeys((digest.name, digest.file_slug)):
                other = owner.setdefault(key, digest.name)
                if other != digest.name:
                    raise ValueError(
                        f"digests {other!r} and {digest.name!r} both answer to {key!r} (a slug"
                        " keeps only a-z, 0-9 and hyphens of the name); give one its own"
                        " 'slug:'"
                    )
        slugs = {d.file_slug: d.name for d in self.digests}
        for slug, name in slugs.items():
            stem, _, number = slug.rpartition("-")
            if number.isdigit() and stem in slugs:  # files of a second edition the same day
                raise ValueError(
                    f"digest {name!r}: slug {slug!r} reads as the second edition of a day of"
                    f" {slugs[stem]!r} (slug {stem!r}); choose another 'slug:'"
                )

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
        raw = _parse_yaml(raw_text, path)
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


MAX_YAML_VALUES = 200_000  # values in the config once its aliases are expanded


def _parse_yaml(text: str, path: Path) -> Any:
    """`yaml.safe_load`, refusing a document whose aliases expand to more than
    MAX_YAML_VALUES values ("billion laughs": 9 nested levels of 9 aliases make 4e9, which
    took 90 s and 3.5 GB before any check) or that refers to itself."""
    # libyaml's parser where PyYAML has it: the same documents, 6x faster (500 sources: 0.3 s)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            size = _expanded_size(node, {}, set())
        except ValueError:
            raise ConfigError(f"{path}: not a usable config (an alias refers to itself)") from None
        if size > MAX_YAML_VALUES:
            raise ConfigError(
                f"{path}: not a usable config (its aliases expand to {size:,} values, "
                f"more than {MAX_YAML_VALUES:,})"
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """How many values `node` stands for with every alias expanded (each shared node is
    counted once per use, computed once)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        raise ValueError("recursive alias")
    open_.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes, open_) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            size += _expanded_size(name, sizes, open_) + _expanded_size(value, sizes, open_)
    open_.discard(key)
    sizes[key] = size
    return size


MAX_ERRORS = 5  # a typo early in a file can set off many; the first few say what to fix

# pydantic's wording for a wrong type, in the words of someone editing YAML
_EXPECTED = {
    "tuple_type": "expected a list",
    "list_type": "expected a list",
    "dict_type": "expected a mapping of keys",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
}


def _describe(exc: ValidationError) -> str:
    """Every validation error (up to a few) as 'key.path: what was expected', in file order.

    An error that only follows from another (a list left empty because its one entry failed) is
    left out; an unknown key names the near one it may be a typo of.
    """
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    shown = [
        e
        for e, loc in zip(errors, locs, strict=True)
        if not (e["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o in locs))
    ]
    parts = [_describe_one(error) for error in shown[:MAX_ERRORS]]
    if len(shown) > MAX_ERRORS:
        parts.append(f"and {len(shown) - MAX_ERRORS} more")
    return "; ".join(parts)


def _describe_one(error: ErrorDetails) -> str:
    loc = tuple(error["loc"])
    key = _key_path(loc)
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        message = "unknown key" + _near_key(loc)
    elif kind == "missing":
        message = "required key is missing"
    elif kind in _EXPECTED:
        entry = _model_at(loc) if kind in ("tuple_type", "list_type") else None
        example = f" of entries such as `- {next(iter(entry.model_fields))}: ...`" if entry else ""
        message = f"{_EXPECTED[kind]}{example}, got {_shown(given)}"
    else:
        message = error["msg"].removeprefix("Value error, ").replace("Input should be", "expected")
        if given is not None and kind != "value_error":
            message += f" (got {_shown(given)})"
    return f"{key}: {message}" if key else message


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring = 2, 4, 4, 60


def _shown(value: Any) -> str:
    """A short repr of what the file gave: never the whole of a huge (aliased) structure."""
    return f"{_SHORT.repr(value):.60}"


def _near_key(loc: tuple[int | str, ...]) -> str:
    """' (did you mean `path`?)' for a typo of a key valid at `loc`, else the keys valid there."""
    model = _model_at(loc[:-1])
    if model is None:
        return ""
    keys = list(model.model_fields)
    near = difflib.get_close_matches(str(loc[-1]), keys, n=1, cutoff=0.6)
    if near:
        return f" (did you mean `{near[0]}`?)"
    return f" (expected one of: {', '.join(keys)})"


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The settings class whose keys are valid at `loc` (the top-level Config at `()`)."""
    model: type[BaseModel] = Config
    for part in loc:
        if isinstance(part, int) or "[" in part or "-" in part:
            continue  # an entry of a list, or pydantic's tag of a union: the same model
        field = model.model_fields.get(part)
        inner = _inner_model(field.annotation) if field is not None else None
        if inner is None:
            return None
        model = inner
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel in `X`, `X | None`, `tuple[X, ...]` (one level of nesting each)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


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
    if archive.exists() and not archive.is_dir():
        raise ConfigError(f"{path}: archive: expected a folder, {archive} is a file")
    templates = config.templates if config.templates.is_absolute() else base / config.templates
    return config.model_copy(
        update={"sources": tuple(sources), "archive": archive, "templates": templates}
    )
