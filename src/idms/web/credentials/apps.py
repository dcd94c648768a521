from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "idms.web.credentials"
    label = "credentials"
