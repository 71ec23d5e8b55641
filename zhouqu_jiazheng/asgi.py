import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhouqu_jiazheng.settings")

application = get_asgi_application()

from core.checks import refuse_bad_personal_data_keys  # noqa: E402  (needs the apps loaded)

refuse_bad_personal_data_keys()
