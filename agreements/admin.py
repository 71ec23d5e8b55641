"""Back office of agreements: the bureau publishes template versions (a published version is
read-only; publishing again makes the next version), and reads the agreements enterprises
issued, per enterprise, with their counts. Every write goes through agreements.services."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from core.admin_scale import MemoRelatedFilter, SelectedOnlyRelatedFilter
from core.admin_workflows import WorkflowAdmin
from registry.models import ServiceCategory

from . import selectors, services
from .clauses_default import HEADINGS
from .models import AgreementItem, AgreementTemplate, ServiceAgreement


class TemplateForm(forms.Form):
    """A template version: its name and one text per required clause."""

    category = forms.ModelChoiceField(
        label="服务项目",
        queryset=ServiceCategory.objects.filter(is_active=True),
        required=False,
        empty_label="通用范本（适用于没有专用范本的服务项目）",
    )
    title = forms.CharField(label="范本名称", max_length=100)

    def __init__(
        self, *args, source: AgreementTemplate | None = None, new_version: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        texts = {c["heading"]: c["text"] for c in (source.clauses if source else [])}
        headings = list(HEADINGS) + [h for h in texts if h not in HEADINGS]
        for index, heading in enumerate(headings):
            self.fields[f"clause_{index}"] = forms.CharField(
                label=heading,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                required=heading in HEADINGS,
                initial=texts.get(heading, ""),
            )
        self.headings = headings
        if new_version:
            self.fields["category"].initial = source.category_id
            self.fields["category"].disabled = True
            self.fields["title"].initial = source.title

    def clauses(self) -> list[dict]:
        return [
            {"heading": heading, "text": self.cleaned_data.get(f"clause_{index}", "")}
            for index, heading in enumerate(self.headings)
        ]


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(WorkflowAdmin):
    list_display = ["title", "category_display", "version", "published_at", "in_force", "handle"]
    list_filter = ["category"]
    list_select_related = ["category", "published_by"]
    readonly_fields = ["clauses_display", "handle"]
    fields = ["category", "version", "title", "published_at", "published_by", "clauses_display"]
    workflows = (("new_version", "new_version_view"),)
    add_fields = ("category", "title")
    add_title = "发布服务约定范本"
    add_submit_label = "发布"

    def get_readonly_fields(self, request, obj=None):
        return [*self.fields, "handle"]

    @admin.display(description="服务项目")
    def category_display(self, obj: AgreementTemplate) -> str:
        return obj.category.name if obj.category else "通用范本"

    def get_queryset(self, request):
        return selectors.templates_with_latest(super().get_queryset(request))

    @admin.display(description="现行版本", boolean=True)
    def in_force(self, obj: AgreementTemplate) -> bool:
        return obj.pk == obj.latest_pk

    @admin.display(description="条款")
    def clauses_display(self, obj: AgreementTemplate):
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li><strong>{}</strong>：{}</li>",
                ((c["heading"], c["text"]) for c in obj.clauses),
            ),
        )

    @admin.display(description="办理")
    def handle(self, obj: AgreementTemplate):
        return self.workflow_links(obj, [("new_version", "以此为底稿发布新版本")])

    def add_form_class(self, request):
        def build(data=None, files=None):
            # The general template in force is the starting text of a new one.
            return TemplateForm(data, source=selectors.template_in_force(None))

        return build

    def add_perform(self, request, data: dict):
        form = self.add_form_class(request)(request.POST)
        form.is_valid()
        template = services.template_publish(
            actor=request.user,
            category=data.get("category"),
            title=data["title"],
            clauses=form.clauses(),
        )
        return template, f"已发布“{template}”。新出具的约定使用此版本，已出具的约定不变。"

    def new_version_view(self, request, object_id: int):
        source = self.handled_object(request, object_id)
        form = TemplateForm(request.POST or None, source=source, new_version=True)

        def perform(data):
            template = services.template_publish(
                actor=request.user,
                category=source.category,
                title=data["title"],
                clauses=form.clauses(),
            )
            return template, f"已发布“{template}”。已出具的约定仍按其出具时的版本。"

        return self.workflow_page(
            request,
            title=f"发布新版本：{source}",
            form=form,
            perform=perform,
            obj=source,
            submit_label="发布新版本",
            intro="已发布的版本不能修改；在此修改后发布为新的版本号，只用于此后出具的约定。",
        )


class ItemInline(admin.TabularInline):
    model = AgreementItem
    extra = 0
    can_delete = False
    fields = [
        "category",
        "unit",
        "quantity",
        "unit_price",
        "published_price",
        "guide_price_min",
        "guide_price_max",
        "above_published_reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(WorkflowAdmin):
    list_display = [
        "number",
        "enterprise",
        "items_display",
        "worker",
        "customer_mobile_masked",
        "total",
        "status",
        "confirmation",
        "issued_on",
    ]
    list_filter = [
        "status",
        "confirmation",
        ("issued_on", admin.DateFieldListFilter),
        ("enterprise__township", MemoRelatedFilter),
        ("enterprise", SelectedOnlyRelatedFilter),
    ]
    # Counts on request (显示计数): always on, they cost one scan of the table per filter.
    show_facets = admin.ShowFacets.ALLOW
    list_select_related = ["enterprise", "worker"]
    search_fields = ["=number", "enterprise__name", "=enterprise__uscc", "customer_name"]
    search_help_text = "可按约定编号、企业名称、统一社会信用代码、客户姓名或客户手机号码查找。"
    protected_search_fields = {"mobile": ("customer_mobile_hash",)}
    date_hierarchy = "issued_on"
    inlines = [ItemInline]
    exclude = ["clauses"]
    readonly_fields = ["clauses_display"]

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields if f.name not in self.exclude]
        return [n for n in names if not n.endswith(("_encrypted", "_hash"))] + ["clauses_display"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items__category")

    @admin.display(description="服务项目")
    def items_display(self, obj: ServiceAgreement) -> str:
        return "、".join(item.category.name for item in obj.items.all())

    @admin.display(description="条款（出具时的文本）")
    def clauses_display(self, obj: ServiceAgreement):
        return format_html(
            "<p>{}（第{}版）</p><ol>{}</ol>",
            obj.template_title,
            obj.template_version,
            format_html_join(
                "",
                "<li><strong>{}</strong>：{}</li>",
                ((c["heading"], c["text"]) for c in obj.clauses),
            ),
        )
