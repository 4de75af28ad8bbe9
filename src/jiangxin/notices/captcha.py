"""The self-hosted captcha of the public objection form (django-simple-captcha), with a spoken
alternative for people who cannot read the picture (the elder-friendly rules ask for a
non-visual way).

- The challenge is four digits: easy to read aloud, to hear and to type on a phone keypad.
- The picture is django-simple-captcha's own view (`captcha-image-2x`, drawn at twice the size
  so it stays legible when enlarged).
- The audio is spoken in Mandarin by `espeak-ng` (Debian package `espeak-ng`, its `cmn`
  voice), one digit at a time, as a WAV file from our own view: django-simple-captcha's audio
  needs `flite`, which speaks English letters only. Where no speech synthesiser is installed
  the audio link is simply not offered, and the form says whom to call instead.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

DIGITS = 4
_SPOKEN = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


def digits_challenge() -> tuple[str, str]:
    """(shown, expected): four random digits."""
    value = "".join(secrets.choice("0123456789") for _ in range(DIGITS))
    return value, value


def speech_program() -> str | None:
    """The speech synthesiser to use (setting `JIANGXIN_CAPTCHA_ESPEAK`, else espeak-ng or
    espeak on the PATH), or None when there is none."""
    configured = getattr(settings, "JIANGXIN_CAPTCHA_ESPEAK", None)
    if configured:
        return str(configured) if Path(str(configured)).exists() else None
    return shutil.which("espeak-ng") or shutil.which("espeak")


def spoken_text(challenge: str) -> str:
    """The digits as Mandarin words with pauses: 四，八，二，七。"""
    words = [_SPOKEN[c] for c in challenge if c in _SPOKEN]
    return "，".join(words) + "。"


def speak(challenge: str) -> bytes | None:
    """A WAV file saying the challenge twice, or None without a synthesiser."""
    program = speech_program()
    if program is None:
        return None
    text = spoken_text(challenge)
    with tempfile.TemporaryDirectory(prefix="jx-captcha-") as folder:
        out = Path(folder) / "captcha.wav"
        subprocess.run(  # noqa: S603 - fixed program and arguments; the text is digits only
            [program, "-v", "cmn", "-s", "120", "-g", "12", "-w", str(out), f"{text} {text}"],
            check=True,
            capture_output=True,
            timeout=10,
        )
        return out.read_bytes()


class ObjectionCaptchaInput(CaptchaTextInput):
    """The picture (at double size), the spoken alternative and the answer box."""

    template_name = "notices/public/captcha_widget.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        context["image"] = reverse("captcha-image-2x", kwargs={"key": self._key})
        context["audio"] = (
            reverse("notices:captcha_audio", kwargs={"key": self._key})
            if speech_program()
            else None
        )
        context["answer_id"] = self.id_for_label(context["widget"]["attrs"].get("id", ""))
        return context


def captcha_field() -> CaptchaField:
    generator = "jiangxin.notices.captcha.digits_challenge"
    return CaptchaField(
        label=_("Security check"),
        help_text=_(
            "Type the four digits in the picture. To hear them instead, use the audio "
            "button. Can't read it? Choose “Show other digits”."
        ),
        widget=ObjectionCaptchaInput(generator=generator),
        error_messages={
            "invalid": _("The digits do not match. New digits are shown: please type them."),
            "required": _("Type the four digits of the security check."),
            "incomplete": _("Type the four digits of the security check."),
        },
    )
