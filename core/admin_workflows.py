"""The base of every back-office "workflow page": a model whose change page is read-only and
whose changes are made on small form pages, each calling one service.

One page is: a permission check, a form, a call to a service, the service's refusal
(`ValidationError`) shown on the form, a success message, a redirect. Roles that may only
read get the read-only pages and are refused on every write (POST included)."""

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from .admin_history import HistoryAdmin
from .form_errors import add_service_errors

WORKFLOW_TEMPLATE = "admin/workflow_form.html"


class WorkflowAdmin(HistoryAdmin):
    show_full_result_count = False
    list_per_page = 50
    # (url suffix, method name) of the pages that change one object.
    workflows: tuple[tuple[str, str], ...] = ()
    # The fields of the add page; an admin that names none offers no adding.
    add_fields: tuple[str, ...] = ()
    add_title = ""
    add_submit_label = "提交"

    # Read-only change pages, and no revert from the history: changes go through the
    # workflow pages, which call the services.
    def has_add_permission(self, request) -> bool:
        return bool(self.add_fields) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_handle_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                f"<int:object_id>/{suffix}/",
                self.admin_site.admin_view(getattr(self, view)),
                name=f"{opts.app_label}_{opts.model_name}_{suffix}",
            )
            for suffix, view in self.workflows
        ] + super().get_urls()

    def workflow_url(self, suffix: str, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{suffix}", args=[obj.pk])

    def change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def workflow_links(self, obj, links: list[tuple[str, str]]):
        if not links:
            return "—"
        return format_html_join(
            " | ", '<a href="{}">{}</a>', ((self.workflow_url(s, obj), label) for s, label in links)
        )

    def handled_object(self, request, object_id: int, queryset=None):
        """The object a workflow page changes, for those who may handle it."""
        if not self.has_handle_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            self.get_queryset(request) if queryset is None else queryset, pk=object_id
        )

    def page(self, request, template: str, *, title: str, obj=None, **context):
        """A back-office page of this model: the admin's frame, title and breadcrumbs."""
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "original": obj,
                **context,
            },
        )

    def workflow_page(
        self,
        request,
        *,
        title: str,
        form: forms.BaseForm | None,
        perform: Callable[[dict], tuple[object, str]],
        obj=None,
        summary=(),
        intro: str = "",
        submit_label: str = "提交",
        template: str = WORKFLOW_TEMPLATE,
        success_url: Callable[[object], str] | None = None,
        **context,
    ):
        """Render `form`; once valid, `perform` calls a service and returns the object to
        show next and a message. A refusal by the service is shown on the form. Without a
        form (a role that may only read) the page is shown and every POST refused."""
        if request.method == "POST":
            if form is None:
                raise PermissionDenied
            if form.is_valid():
                try:
                    result, message = perform(form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return redirect((success_url or self.change_url)(result))
        return self.page(
            request,
            template,
            title=title,
            obj=obj,
            form=form,
            media=self.media + form.media if form is not None else self.media,
            summary=summary,
            intro=intro,
            submit_label=submit_label,
            **context,
        )

    # --- Adding goes through a service too --------------------------------------------------

    def add_form_class(self, request) -> type[forms.ModelForm]:
        return forms.modelform_factory(
            self.model,
            fields=list(self.add_fields),
            formfield_callback=partial(self.formfield_for_dbfield, request=request),
        )

    def add_perform(self, request, data: dict) -> tuple[object, str]:
        """Create the record through its service; each admin with `add_fields` names it."""
        raise PermissionDenied("此类记录不能在此添加。")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.add_form_class(request)(request.POST or None, request.FILES or None)
        return self.workflow_page(
            request,
            title=self.add_title,
            form=form,
            perform=partial(self.add_perform, request),
            submit_label=self.add_submit_label,
        )


# --- Deleting through a service ----------------------------------------------------------------


class ServiceDeleteMixin:
    """Deleting a row, and the "delete selected" action, through the app's service, which
    records who deleted it. Each admin names the service as `delete_service`."""

    delete_service: Callable[..., None]

    def delete_model(self, request, obj) -> None:
        self.delete_service(actor=request.user, record=obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


# --- Actions that ask for a reason first ------------------------------------------------------


class ReasonForm(forms.Form):
    """The reason an admin action asks for before it changes the selected rows."""

    reason = forms.CharField(label="原因", max_length=200)


def reason_action_page(model_admin, request, queryset, *, title, action, apply):
    """An intermediate page asking for a reason, then `apply(obj, reason)` for each row."""
    form = ReasonForm(request.POST if "confirm" in request.POST else None)
    if form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data["reason"])
            except ValidationError as error:
                model_admin.message_user(
                    request, f"{obj}：{'；'.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        model_admin.message_user(request, f"{title}：已处理{done}条。", messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "objects": list(queryset),
        "form": form,
        "action": action,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "admin/reason_action_form.html", context)
