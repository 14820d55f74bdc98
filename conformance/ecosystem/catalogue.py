"""The curated list of Flask extensions whose own test suites the ecosystem run executes.

Each entry pins the source distribution (sdist) downloaded from the package index,
the test requirements installed beside it, where its tests are, and which tests are
deselected and why (only tests that need a service this machine does not run, such
as a Redis or MongoDB server, or a cloud account). Extensions are chosen by how
widely projects depend on them, one or more per kind, among those whose sdist ships
its tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

NEEDS_REDIS = "needs a Redis server (the suite has no in-process option)"
NEEDS_MEMCACHED = "needs a Memcached server (the suite has no in-process option)"
NEEDS_MONGODB = "needs a MongoDB server"
NEEDS_POSTGRES = "needs a PostgreSQL server (the suite uses SQLite in memory elsewhere)"
NEEDS_AZURITE = "needs the Azurite storage emulator (a separate server)"
NEEDS_POSTGIS = "needs a PostgreSQL server with PostGIS"


@dataclasses.dataclass(frozen=True)
class Extension:
    """One extension of the list and how to run its own tests."""

    name: str
    """The short name used on the command line (``--extension NAME``)."""
    distribution: str
    """The distribution name on the package index."""
    version: str
    """The pinned version whose sdist is downloaded."""
    kind: str
    """What it does (CORS, login, forms, ...), for the report."""
    why: str
    """Why it is on the list, in a few words."""
    test_requirements: tuple[str, ...]
    """Requirements installed for its tests, besides pytest, Flask (with its ``async``
    extra) and the extension."""
    test_paths: tuple[str, ...] = ("tests",)
    """Paths of its tests inside the unpacked sdist."""
    ignore_paths: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Test files or folders not collected at all (they import a service's client
    library at module level), each with the reason."""
    deselect_fixtures: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Fixtures that start or reach a service: tests using one are deselected, with
    the reason."""
    deselect_tests: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Tests (pytest node IDs) that reach a service without such a fixture: deselected,
    with the reason."""
    pytest_args: tuple[str, ...] = ()
    """Extra pytest arguments for this suite."""
    known_differences: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Tests whose outcome on the framework deliberately differs from Flask's (see the
    README's "Where it differs from Flask"), each with the reason."""

    @property
    def sdist_requirement(self) -> str:
        """The pinned requirement of the extension itself."""
        return f"{self.distribution}=={self.version}"


EXTENSIONS: tuple[Extension, ...] = (
    Extension(
        name="flask-cors",
        distribution="flask-cors",
        version="6.0.5",
        kind="CORS",
        why="the CORS extension; among the most depended-on Flask extensions",
        test_requirements=(),
        known_differences={
            "tests/decorator/test_exception_interception.py::NoExceptionInterceptionTestCase"
            "::test_acl_uncaught_exception_500": "framework.__version__ is the framework's own"
            " version (0.1.0), so this test, skipped when flask.__version__ >= 1.1, runs and"
            " checks pre-1.1 behaviour (README: Where it differs from Flask)",
        },
    ),
    Extension(
        name="flask-login",
        distribution="Flask-Login",
        version="0.6.3",
        kind="login sessions",
        why="the login/session-user extension most Flask apps with users use",
        test_requirements=("semantic-version",),
    ),
    Extension(
        name="flask-httpauth",
        distribution="Flask-HTTPAuth",
        version="4.8.1",
        kind="HTTP authentication",
        why="Basic/Digest/token authentication; widely used by APIs",
        test_requirements=(),
    ),
    Extension(
        name="flask-jwt-extended",
        distribution="Flask-JWT-Extended",
        version="4.7.4",
        kind="JWT authentication",
        why="the JWT extension of most Flask APIs",
        test_requirements=("cryptography", "python-dateutil"),
    ),
    Extension(
        name="flask-wtf",
        distribution="Flask-WTF",
        version="1.3.0",
        kind="forms and CSRF (with Flask-Babel)",
        why="forms and CSRF protection; its i18n tests also exercise Flask-Babel",
        test_requirements=("Flask-Babel", "flask-reuploaded"),
    ),
    Extension(
        name="flask-sqlalchemy",
        distribution="Flask-SQLAlchemy",
        version="3.1.1",
        kind="SQL",
        why="the SQL extension; the most depended-on Flask extension",
        # The SQLAlchemy of its release: later 2.0 releases reject a model its tests define.
        test_requirements=("sqlalchemy==2.0.21",),
    ),
    Extension(
        name="flask-caching",
        distribution="Flask-Caching",
        version="2.5.1",
        kind="caching",
        why="the caching extension (view, memoize and template caching)",
        # The Redis and Memcached client libraries (no server) for its backend-selection tests.
        test_requirements=(
            "pytest-asyncio",
            "pytest-xprocess",
            "redis",
            "python-memcached",
        ),
        deselect_fixtures={"redis_server": NEEDS_REDIS, "memcache_server": NEEDS_MEMCACHED},
        # The suite turns warnings into errors, and pytest-asyncio warns when this is unset.
        pytest_args=("-o", "asyncio_default_fixture_loop_scope=function"),
    ),
    Extension(
        name="flask-limiter",
        distribution="Flask-Limiter",
        version="4.1.1",
        kind="rate limiting",
        why="the rate-limiting extension; its in-memory storage needs no service",
        test_requirements=(
            "flask-restful",
            "flask-restx",
            "hiro>0.1.6",
            "pymemcache",
            "pymongo",
            "pytest-check",
            "pytest-mock",
            "redis",
            "rich>=12,<15",
        ),
        deselect_fixtures={
            "redis_connection": NEEDS_REDIS,
            "memcached_connection": NEEDS_MEMCACHED,
            "mongo_connection": NEEDS_MONGODB,
        },
        deselect_tests={
            "tests/test_error_handling.py::test_fallback_to_memory": NEEDS_REDIS
            + " (its first requests go to Redis on localhost)",
        },
    ),
    Extension(
        name="flask-smorest",
        distribution="flask-smorest",
        version="0.47.0",
        kind="REST and OpenAPI",
        why="REST APIs with marshmallow schemas and an OpenAPI document",
        test_requirements=("marshmallow", "webargs==8.7.1", "apispec==6.10.0", "PyYAML"),
    ),
    Extension(
        name="flask-admin",
        distribution="Flask-Admin",
        version="2.2.1",
        kind="admin (with Flask-Babel)",
        why="the admin interface; its suite also runs Flask-SQLAlchemy, Flask-Babel and WTForms",
        test_requirements=(
            # WTForms 3.3 deprecates what 2.2.1 uses, and the suite turns warnings into errors.
            "wtforms==3.2.1",
            "flask-sqlalchemy>=3",
            "flask-sqlalchemy-lite",
            "sqlalchemy>=2,<2.1",
            "sqlalchemy_utils>=0.38.0",
            "sqlalchemy-citext>=1.8.0",
            "colour>=0.1.5",
            "email_validator>=2",
            "arrow>=0.14.0",
            "peewee>=3.14.0",
            "wtf-peewee>=3.0.4",
            "pillow>=10.0.0",
            "tablib>=3.0.0",
            "flask-babel>=3.0.1",
            "beautifulsoup4",
            "boto3>=1.33",
            "moto",  # its S3 tests use moto's in-process S3
            "azure-storage-blob",  # imported by the file-admin tests; no server needed
        ),
        test_paths=("flask_admin/tests",),
        ignore_paths={
            "flask_admin/tests/mongoengine": NEEDS_MONGODB,
            "flask_admin/tests/pymongo": NEEDS_MONGODB,
            "flask_admin/tests/geoa": NEEDS_POSTGIS,
            "flask_admin/tests/sqla/test_postgres.py": NEEDS_POSTGRES,
            "flask_admin/tests/fileadmin/test_fileadmin_azure.py": NEEDS_AZURITE,
        },
    ),
)

EXTENSIONS_BY_NAME: dict[str, Extension] = {extension.name: extension for extension in EXTENSIONS}
