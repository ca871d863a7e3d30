"""DOMAIN.md's default JP rules for the non-classical forms (agency practice, LOW certainty: editable per instansi)."""

from decimal import Decimal

from django.db import migrations

# form id: (unit, JP per unit, at most units a month, at most JP a day)
DEFAULTS = {
    10: ("kegiatan", Decimal(20), None, None),  # magang
    14: ("sesi", Decimal(2), 2, None),  # coaching
    15: ("sesi", Decimal(2), 2, None),  # mentoring
    16: ("modul", Decimal(3), None, None),  # e-learning, unless the module states its JP
    18: ("kegiatan", Decimal(20), None, None),  # detasering
    20: ("kegiatan", Decimal(10), None, None),  # patok banding
    21: ("kegiatan", Decimal(20), None, None),  # pertukaran PNS
    22: ("jp", None, None, Decimal(2)),  # belajar mandiri
    23: ("jp", None, None, Decimal(2)),  # komunitas belajar
}


def apply(apps, schema_editor):
    DevelopmentForm = apps.get_model("learning", "DevelopmentForm")
    for pk, (unit, per_unit, per_month, per_day) in DEFAULTS.items():
        DevelopmentForm.objects.filter(pk=pk).update(
            jp_unit=unit, jp_per_unit=per_unit, max_units_per_month=per_month, max_jp_per_day=per_day
        )


def revert(apps, schema_editor):
    apps.get_model("learning", "DevelopmentForm").objects.update(
        jp_unit="jp", jp_per_unit=None, max_units_per_month=None, max_jp_per_day=None
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0004_jp_rules_records_recaps")]
    operations = [migrations.RunPython(apply, revert)]
