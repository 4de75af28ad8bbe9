"""ASGI entry point. Production sets DJANGO_SETTINGS_MODULE=config.settings.prod."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

from django.core.asgi import get_asgi_application

application = get_asgi_application()
