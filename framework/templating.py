"""Jinja integration: the app's environment and loader, rendering and streaming templates.

The application owns one :class:`Environment` (``app.jinja_env``) whose loader, a
:class:`DispatchingJinjaLoader`, searches the app's template folder first and then each
registered blueprint's folder in registration order. The render functions run the app's
context processors, send the ``before_render_template`` and ``template_rendered``
signals, and render through that environment.
"""

from __future__ import annotations

import itertools
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
    """The environment's loader: looks a template up in the app's folder, then in each
    blueprint's folder in registration order (``app.iter_blueprints()``).

    Scaffolds whose ``jinja_loader`` is None are passed over and the first hit is used.
    When ``EXPLAIN_TEMPLATE_LOADING`` is on, every loader is asked and the outcome is
    logged by :func:`explain_template_loading_attempts`.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _scaffold_loaders(self) -> Iterator[tuple[Flask | Blueprint, BaseLoader]]:
        """Yield ``(owner, loader)`` for the app and every blueprint that has templates."""
        app = self.app
        owners: Iterator[Flask | Blueprint] = itertools.chain((app,), app.iter_blueprints())
        for owner in owners:
            loader = owner.jinja_loader
            if loader is not None:
                yield owner, loader

    def get_source(self, environment: BaseEnvironment, template: str) -> SourceTriple:
        """Return ``(source, filename, uptodate)`` for ``template`` from the first loader
        that has it; raise ``TemplateNotFound`` when none does."""
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_and_log(environment, template)
        for _owner, loader in self._scaffold_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                pass
        raise TemplateNotFound(template)

    def _get_source_and_log(self, environment: BaseEnvironment, template: str) -> SourceTriple:
        """Ask every loader for ``template``, log what each answered, and return the first
        answer (``TemplateNotFound`` when there is none)."""
        attempts: list[LoadingAttempt] = [
            (loader, owner, _source_or_none(loader, environment, template))
            for owner, loader in self._scaffold_loaders()
        ]
        explain_template_loading_attempts(self.app, template, attempts)
        for _loader, _owner, answer in attempts:
            if answer is not None:
                return answer
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        """Return the names of all templates the app and its blueprints provide, each once."""
        names: dict[str, None] = {}
        for _owner, loader in self._scaffold_loaders():
            names.update(dict.fromkeys(loader.list_templates()))
        return list(names)


def _source_or_none(
    loader: BaseLoader, environment: BaseEnvironment, template: str
) -> SourceTriple | None:
    """Return ``loader``'s answer for ``template``, or None when it does not have it."""
    try:
        return loader.get_source(environment, template)
    except TemplateNotFound:
        return None


#: Loader attribute values shown verbatim (by ``repr``) in a loading explanation.
_SCALAR_TYPES = (str, int, float, bool)


def _loader_details(loader: BaseLoader) -> list[str]:
    """Return the lines that identify ``loader`` in a loading explanation: its class,
    then its public attributes that are scalars or sequences of strings, by name."""
    loader_class = type(loader)
    details = [f"class: {loader_class.__module__}.{loader_class.__name__}"]
    attributes = getattr(loader, "__dict__", {})
    for name in sorted(attributes):
        if name.startswith("_"):
            continue
        value = attributes[name]
        if isinstance(value, _SCALAR_TYPES):
            details.append(f"{name}: {value!r}")
        elif isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
            details.append(f"{name}:")
            details.extend(f"  - {item}" for item in value)
    return details


def _owner_label(app: Flask, owner: Flask | Blueprint) -> str:
    """Return how a loading explanation names the scaffold a loader belongs to."""
    if owner is app:
        return f"application {app.import_name!r}"
    return f"blueprint {owner.name!r} ({owner.import_name})"


#: Appended to a failed or ambiguous lookup made from a blueprint's endpoint.
_BLUEPRINT_HINT = (
    "  Maybe you did not place a template in the right folder?",
    "  See https://flask.palletsprojects.com/blueprints/#templates",
)


def explain_template_loading_attempts(
    app: Flask, template: str, attempts: list[LoadingAttempt]
) -> None:
    """Log on ``app.logger``, at INFO level, how the lookup of ``template`` went.

    ``attempts`` lists ``(loader, owner, answer)`` in the order the loaders were asked,
    ``answer`` being None for a miss. Each attempt is numbered and its loader described;
    the message ends with an error when nothing matched, or a warning when several
    loaders did. When the lookup did not find exactly one match during a request to a
    blueprint's endpoint, a hint about blueprint template folders is added.
    """
    report = [f"Locating template {template!r}:"]
    hits = 0
    for number, (loader, owner, answer) in enumerate(attempts, start=1):
        report.append(f"{number:>5}: trying loader of {_owner_label(app, owner)}")
        report.extend(f"       {detail}" for detail in _loader_details(loader))
        if answer is None:
            report.append("       -> no match")
            continue
        hits += 1
        filename = answer[1] or "<string>"
        report.append(f"       -> found ({filename!r})")

    if hits == 0:
        report.append("Error: the template could not be found.")
    elif hits > 1:
        report.append("Warning: multiple loaders returned a match for the template.")

    request_ctx = _cv_request.get(None)
    blueprint = None if request_ctx is None else request_ctx.request.blueprint
    if hits != 1 and blueprint is not None:
        report.append(
            "  The template was looked up from an endpoint that belongs to"
            f" the blueprint {blueprint!r}."
        )
        report.extend(_BLUEPRINT_HINT)
    app.logger.info("\n".join(report))


def _current_app() -> Flask:
    """Return the application of the active app context (RuntimeError without one)."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


def _prepare_render(app: Flask, template: Template, context: dict[str, t.Any]) -> None:
    """Fill ``context`` from the app's context processors, then send
    ``before_render_template``."""
    app.update_template_context(context)
    before_render_template.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )


def _announce_rendered(app: Flask, template: Template, context: dict[str, t.Any]) -> None:
    """Send ``template_rendered`` for a finished render."""
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)


def _render_whole(app: Flask, template: Template, context: dict[str, t.Any]) -> str:
    """Render ``template`` to one string, with the context processors and signals."""
    _prepare_render(app, template, context)
    html = template.render(context)
    _announce_rendered(app, template, context)
    return html


def _chunks_then_announce(
    app: Flask, template: Template, context: dict[str, t.Any]
) -> Iterator[str]:
    """Yield the template's output chunks, then send ``template_rendered``."""
    yield from template.generate(context)
    _announce_rendered(app, template, context)


def _render_streamed(app: Flask, template: Template, context: dict[str, t.Any]) -> Iterator[str]:
    """Return an iterator over the template's output chunks, with the context processors
    and signals; inside a request it keeps the request context available while it runs."""
    _prepare_render(app, template, context)
    chunks = _chunks_then_announce(app, template, context)
    # The response body is consumed after the view has returned and its request context
    # was popped: the template still needs that context.
    if _cv_request.get(None) is None:
        return chunks
    return stream_with_context(chunks)


def render_template(
    template_name_or_list: str | Template | list[str | Template], **context: t.Any
) -> str:
    """Render a template by name with ``context`` and return the resulting string.

    Given a list, the first template that exists is rendered. Requires an application
    context; raises ``jinja2.TemplateNotFound`` when no template matches.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render_whole(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render the template source ``source`` with ``context`` and return the string.

    String templates are always autoescaped. Requires an application context.
    """
    app = _current_app()
    return _render_whole(app, app.jinja_env.from_string(source), context)


def stream_template(
    template_name_or_list: str | Template | list[str | Template], **context: t.Any
) -> Iterator[str]:
    """Render a template by name as an iterator of string chunks (for a streaming response).

    Inside a request the iterator keeps the request context available while it runs.
    ``template_rendered`` is sent once the iterator is exhausted.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render_streamed(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> Iterator[str]:
    """Render the template source ``source`` as an iterator of string chunks."""
    app = _current_app()
    return _render_streamed(app, app.jinja_env.from_string(source), context)
