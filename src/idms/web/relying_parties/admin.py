from django.contrib import admin

from idms.web.relying_parties.models import Automation, RelyingParty, RelyingPartyAccount


class AutomationInline(admin.TabularInline):
    model = Automation
    extra = 0


@admin.register(RelyingParty)
class RelyingPartyAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "enabled", "disable_threshold"]
    # The token is set with `idms rp add` only: the admin never shows or edits it.
    exclude = ["secret"]
    readonly_fields = ["created_at"]
    inlines = [AutomationInline]


@admin.register(RelyingPartyAccount)
class RelyingPartyAccountAdmin(admin.ModelAdmin):
    list_display = ["relying_party", "key", "rp_account_id", "active", "updated_at"]
    list_filter = ["relying_party", "active"]
    search_fields = ["key", "rp_account_id"]
