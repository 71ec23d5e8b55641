"""PortalAccount moves from `registry` to `portal`: the tables keep their names
(registry_portalaccount, registry_historicalportalaccount), so only Django's state changes
(registry's 0008 removes it there). The content types follow, so existing permissions and
admin log entries now name the portal app."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MODELS = ("portalaccount", "historicalportalaccount")


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not rows.filter(app_label=target, model=model).exists():
            rows.filter(app_label=source, model=model).update(app_label=target)
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "registry", "portal")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "portal", "registry")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0007_protect_personal_mobiles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalPortalAccount',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', '负责人'), ('staff', '工作人员')], default='owner', max_length=10, verbose_name='角色')),
                        ('mobile_masked', models.CharField(editable=False, max_length=11, verbose_name='手机号码')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='开通时间')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='开通人')),
                        ('enterprise', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.enterprise', verbose_name='企业')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
                    ],
                    options={
                        'verbose_name': 'historical 企业平台账号',
                        'verbose_name_plural': 'historical 企业平台账号',
                        'db_table': 'registry_historicalportalaccount',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='PortalAccount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', '负责人'), ('staff', '工作人员')], default='owner', max_length=10, verbose_name='角色')),
                        ('mobile_encrypted', models.TextField(editable=False, verbose_name='手机号码（密文）')),
                        ('mobile_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='手机号码索引')),
                        ('mobile_masked', models.CharField(editable=False, max_length=11, verbose_name='手机号码')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='开通时间')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='开通人')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_accounts', to='registry.enterprise', verbose_name='企业')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='portal_account', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
                    ],
                    options={
                        'verbose_name': '企业平台账号',
                        'verbose_name_plural': '企业平台账号',
                        'db_table': 'registry_portalaccount',
                        'ordering': ['enterprise', 'role', 'created_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
