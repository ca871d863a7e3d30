from django.contrib import admin

from bangkom.microlearning.models import Attempt, Module, ModulePage, Question


class PageInline(admin.TabularInline):
    model = ModulePage
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "status", "version", "jp")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("agency", "competency", "created_by")
    inlines = (PageInline, QuestionInline)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("module", "employee", "status", "submitted_at")
    list_filter = ("status",)
    raw_id_fields = ("module", "employee", "confirmed_by", "learning_record")
