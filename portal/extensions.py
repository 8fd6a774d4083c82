"""Extension objects, created unbound and wired in create_app."""

from flask_babel import Babel
from flask_caching import Cache
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from portal.db import Database
from portal.limits import PortalLimiter, per_network

babel = Babel()
# Rendered public pages (portal.pagecache): Redis when configured.
cache = Cache()
csrf = CSRFProtect()
db = Database()
login_manager = LoginManager()
# Storage comes from RATELIMIT_STORAGE_URI (memory, or Redis when configured).
limiter = PortalLimiter(key_func=per_network)
