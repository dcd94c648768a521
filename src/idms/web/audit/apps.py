from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "idms.web.audit"
    label = "audit"
