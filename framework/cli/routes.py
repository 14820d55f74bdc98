"""The ``routes`` command: the app's URL rules as a table."""

from __future__ import annotations

import typing as t

import click

from ..globals import current_app
from .appgroup import with_appcontext

if t.TYPE_CHECKING:
    pass

# -- the routes command --------------------------------------------------------------------

_ROUTE_SORTS = ("endpoint", "methods", "domain", "rule", "match")


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(_ROUTE_SORTS),
    default="endpoint",
    help="Method to sort routes by. 'match' is the order that the app will match"
    " routes when dispatching a request.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show all registered routes with endpoints and methods."""
    rules = list(current_app.url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return

    hidden_methods = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = current_app.url_map.host_matching

    def domain(rule: t.Any) -> str:
        return (rule.host if host_matching else rule.subdomain) or ""

    def methods(rule: t.Any) -> list[str]:
        return sorted((rule.methods or set()) - hidden_methods)

    sort_keys: dict[str, t.Callable[[t.Any], t.Any]] = {
        "endpoint": lambda rule: rule.endpoint,
        "methods": methods,
        "domain": domain,
        "rule": lambda rule: rule.rule,
    }
    if sort in sort_keys:
        rules.sort(key=sort_keys[sort])  # stable: ties keep the match order

    show_domain = any(domain(rule) for rule in rules)
    headers = ["Endpoint", "Methods"]
    if show_domain:
        headers.append("Host" if host_matching else "Subdomain")
    headers.append("Rule")

    rows = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(methods(rule))]
        if show_domain:
            row.append(domain(rule))
        row.append(rule.rule)
        rows.append(row)

    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{{i}:<{width}}}" for i, width in enumerate(widths))
    click.echo(line.format(*headers))
    click.echo(line.format(*("-" * width for width in widths)))
    for row in rows:
        click.echo(line.format(*row))
