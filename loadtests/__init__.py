"""Load tests: a real server running an implementation, loaded over HTTP by locust.

``python -m loadtests run --impl framework --server gunicorn`` serves the app of
:mod:`loadtests.apps` and loads it with the users of ``loadtests/scenarios.py``;
``python -m loadtests compare reports/load/*.json`` sets runs side by side. See
:mod:`loadtests.runner`. ``python -m loadtests.bench`` is the in-process benchmark.
"""
