from django.apps import AppConfig


class RunsConfig(AppConfig):
    name = "idms.web.runs"
    label = "runs"
