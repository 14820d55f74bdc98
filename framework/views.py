"""Class-based views: ``View`` and the method-dispatching ``MethodView``."""

from __future__ import annotations

import typing as t
from functools import reduce
from itertools import chain

from .globals import current_app, request

if t.TYPE_CHECKING:
    from .typing import ResponseReturnValue, RouteCallable

#: Lower-case names of the HTTP methods a ``MethodView`` subclass may define a handler for.
http_method_funcs = frozenset(
    verb.lower() for verb in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
)


class View:
    """Base class of class-based views: subclass it, implement :meth:`dispatch_request`
    and register ``MyView.as_view("endpoint", *init_args, **init_kwargs)`` as a view.

    Class attributes tune the generated view function: ``methods`` and
    ``provide_automatic_options`` are handed to the URL rule, ``decorators`` wrap the
    function (the first in the list ends up innermost) and ``init_every_request`` tells
    whether each request gets a fresh instance (True) or one instance made by
    ``as_view`` serves them all (False).
    """

    methods: t.ClassVar[t.Collection[str] | None] = None
    provide_automatic_options: t.ClassVar[bool | None] = None
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self) -> ResponseReturnValue:
        """Produce the response for the current request; subclasses must override it and
        receive the URL's variables as keyword arguments."""
        raise NotImplementedError()

    @classmethod
    def as_view(cls, name: str, *class_args: t.Any, **class_kwargs: t.Any) -> RouteCallable:
        """Return a view function for this class, named ``name``.

        The instance it dispatches to is built from ``class_args`` and ``class_kwargs``:
        on every call from the function's current ``view_class``, or once, now, when
        ``init_every_request`` is False. The returned (outermost decorated) function
        carries ``view_class``, ``methods``, ``provide_automatic_options`` and the
        class's docstring and module, which ``add_url_rule`` reads.
        """
        # Annotated Any: the view-class metadata lives in the function's __dict__.
        route_function: t.Any

        if cls.init_every_request:

            def view(**url_values: t.Any) -> ResponseReturnValue:
                # Read view_class at call time so replacing it on the function takes effect.
                fresh = route_function.view_class(*class_args, **class_kwargs)
                return current_app.ensure_sync(fresh.dispatch_request)(**url_values)

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**url_values: t.Any) -> ResponseReturnValue:
                return current_app.ensure_sync(shared.dispatch_request)(**url_values)

        # Decorators built with functools.wraps copy these onto their wrappers.
        view.__name__ = name
        view.__module__ = cls.__module__
        route_function = reduce(lambda func, decorate: decorate(func), cls.decorators, view)

        route_function.view_class = cls
        route_function.__name__ = name
        route_function.__doc__ = cls.__doc__
        route_function.__module__ = cls.__module__
        route_function.methods = cls.methods
        route_function.provide_automatic_options = cls.provide_automatic_options
        return t.cast("RouteCallable", route_function)


def _handler_for(view: MethodView, method: str) -> t.Callable[..., t.Any] | None:
    """Return ``view``'s attribute named after ``method`` (lower-cased), falling back to
    ``get`` for ``HEAD``; None when there is neither."""
    handler = getattr(view, method.lower(), None)
    if handler is None and method == "HEAD":
        handler = getattr(view, "get", None)
    return handler


class MethodView(View):
    """A class-based view with one method per HTTP method (``get``, ``post``...).

    Each request is handed to the method named after its HTTP method; ``HEAD`` uses
    ``get`` when there is no ``head``. Unless a subclass sets ``methods`` itself, it is
    the set of upper-cased handler names the class has, joined with the ``methods`` of
    its direct bases.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        handled = {name.upper() for name in http_method_funcs if hasattr(cls, name)}
        inherited = chain.from_iterable(
            getattr(base, "methods", None) or () for base in cls.__bases__
        )
        handled.update(inherited)
        if handled:
            cls.methods = handled

    def dispatch_request(self, **kwargs: t.Any) -> ResponseReturnValue:
        """Call the handler of the request's HTTP method with the URL's variables and
        return its result.

        Raises ``AssertionError`` (``Unimplemented method 'X'``) when the class has none.
        """
        method = request.method
        handler = _handler_for(self, method)
        if handler is None:
            raise AssertionError(f"Unimplemented method {method!r}")
        return current_app.ensure_sync(handler)(**kwargs)
