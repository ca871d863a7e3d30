import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangkom.config.settings.local")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the worker: move it out of the
# cyclic collector's generations, and collect the youngest generation less often. A request decoding a batch
# of statements allocates tens of thousands of short-lived containers, freed by reference counting; with the
# default thresholds the collector walked them (and the whole heap now and then) about every 700 allocations.
gc.freeze()
gc.set_threshold(20_000, 20, 20)
