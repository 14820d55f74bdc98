"""Live deployment tests: the implementation's app served by real WSGI/ASGI servers on
127.0.0.1 (werkzeug, waitress, gunicorn, uvicorn) and driven over sockets with httpx."""
