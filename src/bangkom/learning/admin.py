from django.contrib import admin

from bangkom.learning.models import DevelopmentForm, LearningRecord


@admin.register(DevelopmentForm)
class DevelopmentFormAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "path", "mix_category")
    list_filter = ("path", "mix_category")


@admin.register(LearningRecord)
class LearningRecordAdmin(admin.ModelAdmin):
    list_display = ("employee", "title", "form", "start_date", "end_date", "jp", "status")
    list_filter = ("status", "form")
    search_fields = ("employee__nip", "title", "certificate_no")
    raw_id_fields = ("employee",)
    list_select_related = ("employee", "form")
