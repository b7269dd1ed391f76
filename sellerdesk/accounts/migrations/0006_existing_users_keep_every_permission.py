"""Before permissions by area, every user of a seller could do everything: each keeps that, View
and edit in every area, so the first user of each seller is an administrator. Each developer
application acts for its seller with the permissions of the seller's first user."""

from django.db import migrations

AREAS = ("orders", "cancellations", "files", "inventory", "metrics", "developer", "users")
EDIT = 2


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Permission = apps.get_model("accounts", "Permission")
    DeveloperApplication = apps.get_model("accounts", "DeveloperApplication")
    users = User.objects.filter(seller__isnull=False).order_by("pk")
    Permission.objects.bulk_create(
        (
            Permission(user_id=user_id, area=area, level=EDIT)
            for user_id in users.values_list("pk", flat=True)
            for area in AREAS
        ),
        batch_size=1000,
    )
    first_users = {}
    for user_id, seller_id in users.values_list("pk", "seller_id"):
        first_users.setdefault(seller_id, user_id)
    for seller_id, user_id in first_users.items():
        DeveloperApplication.objects.filter(seller_id=seller_id, created_by=None).update(
            created_by_id=user_id
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_permissions_and_invitations")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
