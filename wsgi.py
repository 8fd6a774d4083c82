"""The WSGI entry point: `flask --app wsgi ...` and gunicorn use this."""

from portal import create_app

app = create_app()
