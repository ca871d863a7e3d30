"""Pages of micro-learning: authoring by the admin instansi (modules, pages, questions, publish, the offline
package and the import of its results files), and the atasan's page to confirm or return the reflections of
direct subordinates. The pegawai takes modules in the /belajar/ app (app_views.py), not here.

Thin: rules in services, reads in selectors. A module of another instansi or an attempt of someone who is not
the user's direct subordinate answers 404, with no hint that it exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.accounts.roles import roles_for
from bangkom.competency.models import Competency
from bangkom.microlearning import forms
from bangkom.microlearning.models import AttemptStatus, Module, ModulePage, Question
from bangkom.microlearning.package import export_package, import_results, package_filename
from bangkom.microlearning.selectors import (
    admin_module_get,
    admin_modules,
    attempt_for_atasan,
    attempts_to_confirm,
    score,
)
from bangkom.microlearning.services import (
    ModuleData,
    OutOfScope,
    PageData,
    QuestionData,
    RecordInvalid,
    attempt_confirm,
    attempt_return,
    module_archive,
    module_publish,
    module_save,
    page_save,
    part_delete,
    publish_problems,
    question_save,
)
from bangkom.org.models import Agency
from bangkom.web.paging import querystring_base

PAGE_SIZE = 25


def _flash(request: HttpRequest, exc: RecordInvalid) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _require_admin(request: HttpRequest) -> frozenset[int]:
    ids = roles_for(request.user).admin_agency_ids
    if not ids:
        raise PermissionDenied
    return ids


def _module_or_404(request: HttpRequest, pk: int) -> Module:
    _require_admin(request)
    module = admin_module_get(request.user, pk)
    if module is None:
        raise Http404
    return module


def _competencies(agency_id: int) -> list[tuple[int, str]]:
    qs = Competency.objects.filter(Q(agency=None) | Q(agency_id=agency_id)).order_by("code")
    return [(c.pk, f"{c.code} {c.name}") for c in qs.only("pk", "code", "name")]


# --- modules (admin instansi) ---------------------------------------------------------------------------------


@login_required
def module_list_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    q = request.GET.get("q", "")
    qs = admin_modules(request.user, search=q).annotate(
        submitted=Count("attempts", filter=Q(attempts__status=AttemptStatus.SUBMITTED)),
        confirmed=Count("attempts", filter=Q(attempts__status=AttemptStatus.CONFIRMED)),
    )
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "microlearning/module_list.html",
        {"page_obj": page_obj, "q": q, "querystring_base": querystring_base(request)},
    )


def _module_form_page(
    request: HttpRequest, agency: Agency, module: Module | None, agencies: list[tuple[int, str]] | None = None
) -> HttpResponse:
    form = forms.ModuleForm(request.POST or None, competencies=_competencies(agency.pk), agencies=agencies)
    if module is not None and request.method != "POST":
        form = forms.ModuleForm(
            initial={
                "title": module.title,
                "summary": module.summary,
                "jp": module.jp,
                "competency": module.competency_id,
                "task": module.task,
                "reflection_prompt": module.reflection_prompt,
            },
            competencies=_competencies(agency.pk),
        )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = ModuleData(
            title=d["title"],
            summary=d["summary"],
            jp=d["jp"],
            competency=d["competency"],
            task=d["task"],
            reflection_prompt=d["reflection_prompt"],
        )
        try:
            saved = module_save(actor=request.user, agency=agency, data=data, module=module)
        except RecordInvalid as exc:
            forms.attach(form, exc)
        else:
            messages.success(request, _("Modul disimpan."))
            return redirect("module_detail", saved.pk)
    return render(request, "microlearning/module_form.html", {"form": form, "module": module})


@login_required
def module_create_view(request: HttpRequest) -> HttpResponse:
    ids = _require_admin(request)
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("name"))
    chosen = request.POST.get("agency", "")
    agency = next((a for a in agencies if str(a.pk) == chosen), agencies[0] if agencies else None)
    if agency is None:
        raise PermissionDenied
    return _module_form_page(request, agency, None, [(a.pk, a.name) for a in agencies])


@login_required
def module_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_or_404(request, pk)
    return _module_form_page(request, module.agency, module)


@login_required
def module_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_or_404(request, pk)
    counts = dict(module.attempts.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return render(
        request,
        "microlearning/module_detail.html",
        {
            "module": module,
            "pages": list(module.pages.order_by("order", "pk")),
            "questions": list(module.questions.order_by("order", "pk")),
            "problems": publish_problems(module),
            "counts": [(label, counts.get(value, 0)) for value, label in AttemptStatus.choices],
        },
    )


@login_required
def module_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_or_404(request, pk)
    if request.method == "POST":
        try:
            module_publish(actor=request.user, module=module)
        except RecordInvalid as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Modul diterbitkan untuk pegawai instansi."))
        return redirect("module_detail", module.pk)
    return render(
        request, "microlearning/module_publish.html", {"module": module, "problems": publish_problems(module)}
    )


@login_required
@require_POST
def module_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_or_404(request, pk)
    try:
        module_archive(actor=request.user, module=module)
    except RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Modul diarsipkan; pegawai tidak lagi melihatnya."))
    return redirect("module_detail", module.pk)


@login_required
def page_edit_view(request: HttpRequest, pk: int, page_pk: int | None = None) -> HttpResponse:
    module = _module_or_404(request, pk)
    page = None
    if page_pk is not None:
        page = ModulePage.objects.filter(pk=page_pk, module=module).first()
        if page is None:
            raise Http404
    if request.method == "POST":
        form = forms.PageForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            data = PageData(
                title=d["title"], body=d["body"], order=d["order"], image=d["image"], clear_image=d["clear_image"]
            )
            try:
                page_save(actor=request.user, module=module, data=data, page=page)
            except RecordInvalid as exc:
                forms.attach(form, exc)
            else:
                messages.success(request, _("Halaman disimpan."))
                return redirect("module_detail", module.pk)
    else:
        initial = {"title": page.title, "body": page.body, "order": page.order} if page else {}
        form = forms.PageForm(initial=initial)
    return render(
        request, "microlearning/part_form.html", {"form": form, "module": module, "part": page, "kind": "page"}
    )


@login_required
def question_edit_view(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    module = _module_or_404(request, pk)
    question = None
    if question_pk is not None:
        question = Question.objects.filter(pk=question_pk, module=module).first()
        if question is None:
            raise Http404
    if request.method == "POST":
        form = forms.QuestionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            data = QuestionData(
                text=d["text"],
                choices=form.choice_list(),
                correct=form.correct_index(),
                explanation=d["explanation"],
                order=d["order"],
            )
            try:
                question_save(actor=request.user, module=module, data=data, question=question)
            except RecordInvalid as exc:
                forms.attach(form, exc)
            else:
                messages.success(request, _("Soal disimpan."))
                return redirect("module_detail", module.pk)
    else:
        initial: dict[str, Any] = {}
        if question is not None:
            initial = {
                "text": question.text,
                "choices": "\n".join(question.choices),
                "correct": question.correct + 1,
                "explanation": question.explanation,
                "order": question.order,
            }
        form = forms.QuestionForm(initial=initial)
    return render(
        request, "microlearning/part_form.html", {"form": form, "module": module, "part": question, "kind": "question"}
    )


@login_required
@require_POST
def part_delete_view(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    module = _module_or_404(request, pk)
    if kind not in ("halaman", "soal"):
        raise Http404
    model: type[ModulePage] | type[Question] = ModulePage if kind == "halaman" else Question
    part = model.objects.filter(pk=part_pk, module=module).first()
    if part is None:
        raise Http404
    try:
        part_delete(actor=request.user, module=module, part=part)
    except RecordInvalid as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Dihapus."))
    return redirect("module_detail", module.pk)


@login_required
def package_view(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_or_404(request, pk)
    response = HttpResponse(export_package(module), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package_filename(module)}"'
    return response


@login_required
def results_import_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    reports = []
    form = forms.ResultsForm(request.POST, request.FILES) if request.method == "POST" else forms.ResultsForm()
    if request.method == "POST":
        files = request.FILES.getlist("files")
        form.is_valid()  # bound also when empty (an unbound form cannot take add_error)
        if not files and "files" not in form.errors:
            form.add_error("files", _("Pilih paling sedikit satu berkas hasil."))
        for f in files[:50]:
            try:
                reports.append(import_results(actor=request.user, file=f))
            except OutOfScope as exc:
                raise PermissionDenied from exc
    return render(request, "microlearning/results_import.html", {"form": form, "reports": reports})


# --- reflections (direct atasan; the admin instansi for pegawai without one) ---------------------------------


@login_required
def reflection_list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if roles.employee_id is None and not roles.is_admin_instansi:
        raise PermissionDenied
    q = request.GET.get("q", "")
    show_all = request.GET.get("semua") == "1"
    qs = attempts_to_confirm(request.user, search=q, include_done=show_all)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "microlearning/reflection_list.html",
        {"page_obj": page_obj, "q": q, "show_all": show_all, "querystring_base": querystring_base(request)},
    )


def _attempt_or_404(request: HttpRequest, pk: int) -> Any:
    attempt = attempt_for_atasan(request.user, pk)
    if attempt is None:
        raise Http404
    return attempt


@login_required
def reflection_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_or_404(request, pk)
    questions = list(attempt.module.questions.all())
    right, total = score(attempt, questions)
    rows = []
    for q in questions:
        chosen = (attempt.answers.get(str(q.pk)) or {}).get("choice")
        rows.append(
            {
                "question": q,
                "chosen": q.choices[chosen] if isinstance(chosen, int) and 0 <= chosen < len(q.choices) else None,
                "right": chosen == q.correct,
                "correct": q.choices[q.correct] if q.correct < len(q.choices) else "",
            }
        )
    return render(
        request,
        "microlearning/reflection_detail.html",
        {"attempt": attempt, "rows": rows, "right": right, "total": total, "form": forms.ReturnForm()},
    )


@login_required
@require_POST
def reflection_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_or_404(request, pk)
    try:
        record = attempt_confirm(actor=request.user, attempt=attempt)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _flash(request, exc)
        return redirect("reflection_detail", attempt.pk)
    messages.success(
        request,
        _("Refleksi dikonfirmasi; %(jp)s JP dicatat untuk %(name)s.")
        % {"jp": record.jp, "name": attempt.employee.name},
    )
    return redirect("reflection_list")


@login_required
@require_POST
def reflection_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_or_404(request, pk)
    form = forms.ReturnForm(request.POST)
    form.is_valid()
    try:
        attempt_return(actor=request.user, attempt=attempt, reason=form.cleaned_data.get("reason", ""))
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _flash(request, exc)
        return redirect("reflection_detail", attempt.pk)
    messages.success(request, _("Refleksi dikembalikan kepada %(name)s.") % {"name": attempt.employee.name})
    return redirect("reflection_list")
