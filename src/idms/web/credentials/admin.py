from django.contrib import admin

from idms.web.credentials.models import Credential, CredentialEvent, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["person_id", "given_name", "family_name", "email", "organization"]
    search_fields = ["person_id", "family_name", "email"]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["credential_id", "person", "credential_type", "status", "expires_on"]
    list_filter = ["credential_type", "status"]
    search_fields = ["credential_id", "person__person_id", "fascn", "card_uuid"]
    raw_id_fields = ["person", "last_run"]


@admin.register(CredentialEvent)
class CredentialEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "credential", "event_time", "event_type", "status", "source"]
    list_filter = ["event_type", "status"]
    search_fields = ["event_id", "credential__credential_id"]
    raw_id_fields = ["credential", "person", "run"]
