"""Users, their role grants on organizations, and password history."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiangxin.core.crypto import EncryptedTextField


class Role(models.TextChoices):
    PROGRAM_OFFICER = "program_officer", _("Program officer")
    RECOMMENDING_OFFICER = "recommending_officer", _("Recommending officer")
    UNIT_CLERK = "unit_clerk", _("Unit clerk")
    EXPERT = "expert", _("Expert reviewer")
    CRAFTSMAN = "craftsman", _("Craftsman")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


#: 三员分立: one person never holds two of these.
ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class User(AbstractUser):
    """A person who signs in. Personal data (phone) is encrypted at rest."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    created_by = models.ForeignKey(
        "self",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username


class RoleGrant(models.Model):
    """A role held by a user on an organization; it reaches the organization's subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="grants"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=models.Q(revoked_at__isnull=True),
                name="rolegrant_unique_active",
            ),
            # 三员分立 in the database: at most one active administrator role per person.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(
                    revoked_at__isnull=True, role__in=[r.value for r in ADMIN_ROLES]
                ),
                name="rolegrant_one_admin_role_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="rolegrant_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.organization}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last five cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("password history entry")
        verbose_name_plural = _("password history")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
