"""Extension objects, created unbound and wired in create_app."""

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from portal.db import Database

babel = Babel()
csrf = CSRFProtect()
db = Database()
