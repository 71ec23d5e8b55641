import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.model_moves import content_types_move


class Migration(migrations.Migration):
    """AnnualReport moves here from the project package (zhouqu_jiazheng.0004): the model is
    created on its existing table, so there is no database operation."""

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("zhouqu_jiazheng", "0004_annual_report_moves_to_reporting"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AnnualReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='报告年度')),
                        ('status', models.CharField(choices=[('pending', '排队中'), ('running', '生成中'), ('done', '已完成'), ('failed', '失败')], default='pending', max_length=10, verbose_name='状态')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='进度（%）')),
                        ('rows_total', models.PositiveIntegerField(default=0, verbose_name='名单总行数')),
                        ('rows_done', models.PositiveIntegerField(default=0, verbose_name='已写入行数')),
                        ('file', models.FileField(blank=True, upload_to='reports/annual/', verbose_name='报表文件')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='发起时间')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('message', models.TextField(blank=True, verbose_name='说明')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ],
                    options={
                        'verbose_name': '年度报告',
                        'verbose_name_plural': '年度报告',
                        'db_table': 'zhouqu_jiazheng_annualreport',
                        'ordering': ['-created_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='annual_report_progress')],
                    },
                ),
            ],
        ),
        content_types_move("zhouqu_jiazheng", "reporting", ("annualreport",)),
    ]
