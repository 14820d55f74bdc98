"""flaskspec's conformance suite: an executable specification of the Flask 3.1 API.

Run it against any Flask-compatible implementation with ``pytest conformance --impl MODULE``
(or ``pytest --pyargs conformance --impl MODULE`` when installed).
"""
