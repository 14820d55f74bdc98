"""Class-based views: ``View`` and the method-dispatching ``MethodView``."""

from __future__ import annotations

import typing as t

from .globals import current_app, request

if t.TYPE_CHECKING:
    from .typing import ResponseReturnValue, RouteCallable

#: The HTTP methods a ``MethodView`` may implement, as method names.
http_method_funcs = frozenset(["get", "post", "head", "options", "delete", "put", "trace", "patch"])


class View:
    """Subclass and implement :meth:`dispatch_request`; register with
    ``app.add_url_rule(rule, view_func=MyView.as_view("name", *args, **kwargs))``.

    Class attributes: ``methods`` (the allowed methods), ``provide_automatic_options``,
    ``decorators`` (applied to the generated view function, first innermost) and
    ``init_every_request`` (False creates one instance per ``as_view`` call).
    """

    methods: t.ClassVar[t.Collection[str] | None] = None
    provide_automatic_options: t.ClassVar[bool | None] = None
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> ResponseReturnValue:
        """Handle the request; the URL's values are passed as keyword arguments."""
        raise NotImplementedError()

    @classmethod
    def as_view(cls, name: str, *class_args: t.Any, **class_kwargs: t.Any) -> RouteCallable:
        """Return a view function named ``name`` that instantiates the class with
        ``class_args`` and ``class_kwargs`` (per request, or once) and dispatches to it.
        The function carries ``view_class``, ``methods`` and
        ``provide_automatic_options``."""
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> ResponseReturnValue:
                self = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                return current_app.ensure_sync(self.dispatch_request)(**kwargs)

        else:
            instance = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> ResponseReturnValue:
                return current_app.ensure_sync(instance.dispatch_request)(**kwargs)

        if cls.decorators:
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)

        # Set on the outermost function: add_url_rule reads them from there.
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """A view dispatching each request to the method named after the HTTP method
    (``get``, ``post``...), with ``HEAD`` falling back to ``get``. ``methods`` is
    collected from the methods the class and its bases define."""

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" not in cls.__dict__:
            methods: set[str] = set()
            for base in cls.__bases__:
                if getattr(base, "methods", None):
                    methods.update(base.methods)  # type: ignore[attr-defined]
            for key in http_method_funcs:
                if hasattr(cls, key):
                    methods.add(key.upper())
            if methods:
                cls.methods = methods

    def dispatch_request(self, **kwargs: t.Any) -> ResponseReturnValue:
        """Call the method named after the request's HTTP method with the URL's values."""
        method = getattr(self, request.method.lower(), None)
        if method is None and request.method == "HEAD":
            method = getattr(self, "get", None)
        assert method is not None, f"Unimplemented method {request.method!r}"
        return current_app.ensure_sync(method)(**kwargs)
