from django.apps import AppConfig


class RelyingPartiesConfig(AppConfig):
    name = "idms.web.relying_parties"
    label = "relying_parties"
