"""The ecosystem as a test: real Flask extensions' own test suites, run with ``flask``
resolving to the implementation under test and compared with the same run on Flask.

``python -m conformance ecosystem --impl MODULE`` downloads each listed extension's
pinned sdist (:mod:`.catalogue`) into a cache, installs its test requirements in an
environment per extension and implementation (:mod:`.environment`), runs its tests
with a ``flask`` shim placed first on the path (:mod:`.shim_flask`, :mod:`.runner`),
and writes ``results.json`` and ``summary.md`` (:mod:`.results`); :mod:`.report`
renders the results as a section of the HTML conformance report.
"""
