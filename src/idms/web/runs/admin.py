from django.contrib import admin

from idms.web.runs.models import ActionOutcome, RelyingPartyReport, Run, RunEntry


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["id", "job", "status", "trigger", "actor", "started_at", "finished_at"]
    list_filter = ["job", "status", "trigger"]


@admin.register(RunEntry)
class RunEntryAdmin(admin.ModelAdmin):
    list_display = ["run", "level", "code", "source", "line", "column", "message"]
    list_filter = ["level", "code"]
    raw_id_fields = ["run"]


@admin.register(RelyingPartyReport)
class RelyingPartyReportAdmin(admin.ModelAdmin):
    list_display = ["run", "name", "status", "message"]


@admin.register(ActionOutcome)
class ActionOutcomeAdmin(admin.ModelAdmin):
    list_display = ["report", "action", "status", "key", "error"]
    list_filter = ["action", "status"]
    raw_id_fields = ["report"]
