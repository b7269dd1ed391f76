from django.db import models


class IdempotentRequest(models.Model):
    """A request sent with an Idempotency-Key, and the response it got: a retry with the same
    key and the same request gets that response again instead of being applied twice.

    The row is inserted before the request is applied, in the same transaction, so the unique
    (seller, key) constraint makes a concurrent retry wait for the first and then replay it."""

    seller = models.ForeignKey("accounts.Seller", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 (hex) of the method, the path and the canonical JSON of the body.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    # Set in the transaction that inserts the row: a committed row always has its response.
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "key"], name="idempotent_request_seller_key")
        ]
        indexes = [models.Index(fields=["seller", "created_at"], name="idempotent_request_expiry")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class QuotaBucket(models.Model):
    """The token bucket of one operation's usage plan for one developer application, which acts
    for one seller. Kept as GCRA keeps it, one number: `full_at`, the time (microseconds since
    the epoch) when the bucket will hold its whole burst again. A request is let through while
    that time is at most burst - 1 requests' refill away, and moves it on by one request's."""

    application = models.ForeignKey(
        "accounts.DeveloperApplication", on_delete=models.CASCADE, related_name="+"
    )
    operation = models.CharField(max_length=64)
    full_at = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "operation"], name="quota_bucket_application_operation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation} ({self.application_id})"
