import core.files
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.model_moves import content_types_move


class Migration(migrations.Migration):
    """Article moves here from the project package (zhouqu_jiazheng.0003): the model is created
    on its existing tables, so there is no database operation."""

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("zhouqu_jiazheng", "0003_article_moves_to_articles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalArticle",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=120, verbose_name="标题")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("case", "典型案例"),
                                    ("policy", "政策解读"),
                                    ("notice", "通知公告"),
                                ],
                                db_index=True,
                                max_length=10,
                                verbose_name="栏目",
                            ),
                        ),
                        (
                            "summary",
                            models.CharField(
                                blank=True,
                                help_text="列表和首页显示的简短介绍，不超过200字。",
                                max_length=200,
                                verbose_name="摘要",
                            ),
                        ),
                        (
                            "body",
                            models.TextField(
                                help_text="纯文本；空一行即为新段落。", verbose_name="正文"
                            ),
                        ),
                        (
                            "cover",
                            models.TextField(
                                blank=True,
                                help_text="可选，JPG或PNG，不超过10MB；上传后自动去除照片中的拍摄位置等信息。",
                                max_length=100,
                                validators=[core.files.UploadValidator(kinds=("jpeg", "png"))],
                                verbose_name="封面图片",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("draft", "草稿"), ("published", "已发布")],
                                db_index=True,
                                default="draft",
                                max_length=10,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="发布时间"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                blank=True, editable=False, verbose_name="创建时间"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(
                                blank=True, editable=False, verbose_name="更新时间"
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="编辑",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical 宣传文章",
                        "verbose_name_plural": "historical 宣传文章",
                        "db_table": "zhouqu_jiazheng_historicalarticle",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Article",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=120, verbose_name="标题")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("case", "典型案例"),
                                    ("policy", "政策解读"),
                                    ("notice", "通知公告"),
                                ],
                                db_index=True,
                                max_length=10,
                                verbose_name="栏目",
                            ),
                        ),
                        (
                            "summary",
                            models.CharField(
                                blank=True,
                                help_text="列表和首页显示的简短介绍，不超过200字。",
                                max_length=200,
                                verbose_name="摘要",
                            ),
                        ),
                        (
                            "body",
                            models.TextField(
                                help_text="纯文本；空一行即为新段落。", verbose_name="正文"
                            ),
                        ),
                        (
                            "cover",
                            models.ImageField(
                                blank=True,
                                help_text="可选，JPG或PNG，不超过10MB；上传后自动去除照片中的拍摄位置等信息。",
                                upload_to="articles/covers/%Y/",
                                validators=[core.files.UploadValidator(kinds=("jpeg", "png"))],
                                verbose_name="封面图片",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("draft", "草稿"), ("published", "已发布")],
                                db_index=True,
                                default="draft",
                                max_length=10,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="发布时间"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="创建时间"),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="更新时间"),
                        ),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="编辑",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "宣传文章",
                        "verbose_name_plural": "宣传文章",
                        "db_table": "zhouqu_jiazheng_article",
                        "ordering": ["-published_at", "-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["status", "-published_at"], name="article_published"
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("status", "draft"),
                                    ("published_at__isnull", False),
                                    _connector="OR",
                                ),
                                name="article_published_has_date",
                                violation_error_message="已发布的文章必须有发布时间。",
                            )
                        ],
                    },
                ),
            ],
        ),
        content_types_move("zhouqu_jiazheng", "articles", ("article", "historicalarticle")),
    ]
