"""Jinja integration: the app's environment and loader, rendering and streaming templates.

The application owns one :class:`Environment` (``app.jinja_env``) whose loader, a
:class:`DispatchingJinjaLoader`, searches the app's template folder first and then each
registered blueprint's folder in registration order. The render functions run the app's
context processors, send the ``before_render_template`` and ``template_rendered``
signals, and render through that environment.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterator

from jinja2 import BaseLoader, Template, TemplateNotFound
from jinja2 import Environment as BaseEnvironment

from .globals import _cv_app, _cv_request, current_app
from .helpers import stream_with_context
from .signals import before_render_template, template_rendered

if t.TYPE_CHECKING:
    from .app import Flask
    from .blueprints import Blueprint

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "explain_template_loading_attempts",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
]

#: What a loader's ``get_source`` returns: source, filename and an up-to-date check.
SourceTriple = tuple[str, "str | None", "Callable[[], bool] | None"]

#: One loader consulted for a template: the loader, its owner, and its result or None.
LoadingAttempt = tuple[BaseLoader, "Flask | Blueprint", "SourceTriple | None"]


def _default_template_ctx_processor() -> dict[str, t.Any]:
    """Return the built-in template context: ``g``, plus ``request`` inside a request.

    The concrete objects are injected rather than the proxies so templates skip the
    proxy lookup. ``session`` is not added here (as in Flask 3.1): templates reach it
    through the environment's ``session`` global.
    """
    context: dict[str, t.Any] = {}
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        context["g"] = app_ctx.g
    request_ctx = _cv_request.get(None)
    if request_ctx is not None:
        context["request"] = request_ctx.request
    return context


class Environment(BaseEnvironment):
    """A Jinja environment that knows its application (``env.app``).

    Unless a ``loader`` is given, it loads templates through
    ``app.create_global_jinja_loader()``, which searches the app and its blueprints.
    """

    def __init__(self, app: Flask, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app


class DispatchingJinjaLoader(BaseLoader):
    """A loader that asks the app's loader, then each blueprint's, for a template.

    Blueprints are searched in registration order (``app.iter_blueprints()``); scaffolds
    without a template folder (``jinja_loader is None``) are skipped. The first match
    wins. With ``EXPLAIN_TEMPLATE_LOADING`` every loader is tried and the attempts are
    logged through :func:`explain_template_loading_attempts`.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    def get_source(self, environment: BaseEnvironment, template: str) -> SourceTriple:
        """Return ``(source, filename, uptodate)`` for ``template``, else raise TemplateNotFound."""
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        return self._get_source_fast(environment, template)

    def _get_source_fast(self, environment: BaseEnvironment, template: str) -> SourceTriple:
        for _owner, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _get_source_explained(self, environment: BaseEnvironment, template: str) -> SourceTriple:
        attempts: list[LoadingAttempt] = []
        found: SourceTriple | None = None
        for owner, loader in self._iter_loaders():
            result: SourceTriple | None
            try:
                result = loader.get_source(environment, template)
            except TemplateNotFound:
                result = None
            if found is None:
                found = result
            attempts.append((loader, owner, result))
        explain_template_loading_attempts(self.app, template, attempts)
        if found is None:
            raise TemplateNotFound(template)
        return found

    def _iter_loaders(self) -> Iterator[tuple[Flask | Blueprint, BaseLoader]]:
        app_loader = self.app.jinja_loader
        if app_loader is not None:
            yield self.app, app_loader
        for blueprint in self.app.iter_blueprints():
            blueprint_loader = blueprint.jinja_loader
            if blueprint_loader is not None:
                yield blueprint, blueprint_loader

    def list_templates(self) -> list[str]:
        """Return the names of all templates the app and its blueprints provide, each once."""
        names: dict[str, None] = {}
        for _owner, loader in self._iter_loaders():
            names.update(dict.fromkeys(loader.list_templates()))
        return list(names)


def _describe_loader(loader: BaseLoader) -> Iterator[str]:
    """Yield lines describing a loader: its class, then its public simple attributes."""
    cls = type(loader)
    yield f"class: {cls.__module__}.{cls.__name__}"
    for key, value in sorted(getattr(loader, "__dict__", {}).items()):
        if key.startswith("_"):
            continue
        if isinstance(value, (tuple, list)):
            if all(isinstance(item, str) for item in value):
                yield f"{key}:"
                for item in value:
                    yield f"  - {item}"
        elif isinstance(value, (str, int, float, bool)):
            yield f"{key}: {value!r}"


def explain_template_loading_attempts(
    app: Flask, template: str, attempts: list[LoadingAttempt]
) -> None:
    """Log, at INFO level on ``app.logger``, which loaders were tried for ``template``.

    Each attempt names its owner (application or blueprint), describes the loader and
    says whether it matched. A missing template, or one matched by more than one loader,
    is flagged; inside a blueprint's request a hint about blueprint folders follows.
    """
    request_ctx = _cv_request.get(None)
    blueprint = request_ctx.request.blueprint if request_ctx is not None else None
    lines = [f"Locating template {template!r}:"]
    matches = 0
    for number, (loader, owner, result) in enumerate(attempts, 1):
        if owner is app:
            owner_text = f"application {app.import_name!r}"
        else:
            owner_text = f"blueprint {owner.name!r} ({owner.import_name})"
        lines.append(f"{number:5}: trying loader of {owner_text}")
        lines.extend(f"       {line}" for line in _describe_loader(loader))
        if result is None:
            lines.append("       -> no match")
        else:
            matches += 1
            lines.append(f"       -> found ({result[1] or '<string>'!r})")
    if matches == 0:
        lines.append("Error: the template could not be found.")
    elif matches > 1:
        lines.append("Warning: multiple loaders returned a match for the template.")
    if blueprint is not None and matches != 1:
        lines.append(
            "  The template was looked up from an endpoint that belongs to"
            f" the blueprint {blueprint!r}."
        )
        lines.append("  Maybe you did not place a template in the right folder?")
        lines.append("  See https://flask.palletsprojects.com/blueprints/#templates")
    app.logger.info("\n".join(lines))


def _current_app() -> Flask:
    """Return the application of the active app context (RuntimeError without one)."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


def _render(app: Flask, template: Template, context: dict[str, t.Any]) -> str:
    app.update_template_context(context)
    before_render_template.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )
    rendered = template.render(context)
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)
    return rendered


def render_template(
    template_name_or_list: str | Template | list[str | Template], **context: t.Any
) -> str:
    """Render a template by name with ``context`` and return the resulting string.

    Given a list, the first template that exists is rendered. Requires an application
    context; raises ``jinja2.TemplateNotFound`` when no template matches.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render the template source ``source`` with ``context`` and return the string.

    String templates are always autoescaped. Requires an application context.
    """
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _render(app, template, context)


def _stream(app: Flask, template: Template, context: dict[str, t.Any]) -> Iterator[str]:
    app.update_template_context(context)
    before_render_template.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )

    def generate() -> Iterator[str]:
        yield from template.generate(context)
        template_rendered.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    chunks = generate()
    # A streamed response is consumed after the view returns: keep the request
    # context alive for the template while it is being generated.
    if _cv_request.get(None) is not None:
        chunks = stream_with_context(chunks)
    return chunks


def stream_template(
    template_name_or_list: str | Template | list[str | Template], **context: t.Any
) -> Iterator[str]:
    """Render a template by name as an iterator of string chunks (for a streaming response).

    Inside a request the iterator keeps the request context available while it runs.
    ``template_rendered`` is sent once the iterator is exhausted.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> Iterator[str]:
    """Render the template source ``source`` as an iterator of string chunks."""
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _stream(app, template, context)
