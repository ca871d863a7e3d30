from django.contrib import admin

from bangkom.evaluation.models import PerformanceRating


@admin.register(PerformanceRating)
class PerformanceRatingAdmin(admin.ModelAdmin):
    list_display = ("employee", "year", "hasil_kerja", "perilaku_kerja")
    list_filter = ("year", "hasil_kerja", "perilaku_kerja")
    search_fields = ("employee__nip", "employee__name")
    raw_id_fields = ("employee",)
