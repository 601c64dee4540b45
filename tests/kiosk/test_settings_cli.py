"""The ``[kiosk]`` settings, the staff password hash, holder references, ``hallctl kiosk`` and the voice."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hall_contract.config.problems import ConfigError
from kiosk import cli
from kiosk.citizen import Citizen, hall_salt, holder_ref
from kiosk.settings import KioskSettings, hash_password, verify_password
from kiosk.settings import load_kiosk_settings as load_settings
from tests.kiosk.fakes import HALL_TOML, WANG


def test_defaults_and_environment_overrides() -> None:
    k = load_settings(HALL_TOML, env={"HALL_KIOSK__IDLE_TIMEOUT_S": "45", "HALL_KIOSK__GATEWAY": "http",
                                      "HALL_KIOSK__GATEWAY_URL": "http://platform.test/api/"}).kiosk
    assert k.idle_timeout_s == 45 and k.elderly_idle_timeout_s == 120 and k.elderly_age == 70
    assert k.gateway == "http" and k.gateway_url == "http://platform.test/api"
    assert k.staff_password_hash is None and k.language is None


@pytest.mark.parametrize(("env", "key"), [
    ({"HALL_KIOSK__GATEWAY": "http"}, "kiosk"),
    ({"HALL_KIOSK__GATEWAY_URL": "ftp://x"}, "kiosk.gateway_url"),
    ({"HALL_KIOSK__STAFF_PASSWORD_HASH": "plain-text"}, "kiosk.staff_password_hash"),
    ({"HALL_KIOSK__ELDERLY_IDLE_TIMEOUT_S": "30"}, "kiosk"),
    ({"HALL_KIOSK__IDLE_TIMEOUT": "30"}, "kiosk.idle_timeout"),
])
def test_wrong_kiosk_settings_name_the_key(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(HALL_TOML, env=env)
    assert any(p.key == key for p in err.value.problems), [p.key for p in err.value.problems]


def test_password_hash_round_trip() -> None:
    encoded = hash_password("2468-staff")
    assert verify_password("2468-staff", encoded) and not verify_password("2468", encoded)
    assert not verify_password("x", None) and not verify_password("x", "pbkdf2_sha256$1$bad$bad")
    assert KioskSettings(staff_password_hash=encoded).staff_password_hash == encoded


def test_holder_ref_is_an_hmac_not_the_id() -> None:
    ref = holder_ref(WANG.id_number, hall_salt("", "sjz-qiaoxi"))
    assert len(ref) == 64 and WANG.id_number not in ref
    assert ref == holder_ref(WANG.id_number.lower(), hall_salt("", "sjz-qiaoxi"))
    assert ref != holder_ref(WANG.id_number, hall_salt("", "other-hall"))
    assert ref != holder_ref(WANG.id_number, "secret")
    c = Citizen(WANG.id_number, "王建国", WANG.birth, "card", "A26566860")
    assert repr(c) == "Citizen(name='王*', id='1301**********1098', source='card')" and str(c) == repr(c)
    assert c.masked_card() == "A2*****60"


def test_hallctl_kiosk_is_registered_and_hashes_passwords() -> None:
    app = typer.Typer()
    app.command("noop")(lambda: None)
    cli.register(app)
    runner = CliRunner()
    assert "--fullscreen" in runner.invoke(app, ["kiosk", "--help"]).output
    result = runner.invoke(app, ["kiosk", "--hash-password"], input="2468-staff\n")
    assert result.exit_code == 0 and verify_password("2468-staff", result.output.strip())
    assert cli.parse_size("1080x1920") == (1080, 1920)
    with pytest.raises(typer.BadParameter):
        cli.parse_size("big")


def test_hallctl_has_the_kiosk_command(hallctl: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    out = hallctl("kiosk", "--help", timeout=30)
    assert out.returncode == 0 and "--size" in out.stdout


@pytest.mark.timeout(60)
@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_voice_guidance_goes_through_the_speech_service(tmp_path: Path) -> None:
    pytest.importorskip("pyttsx3")
    from hardware.speech import SpeechService
    from kiosk.runtime.workers import make_speaker

    speaker, stop = make_speaker(KioskSettings(speech_output="none", speech_cache_dir=str(tmp_path)))
    try:
        service = getattr(speaker, "inner", None)  # guidance keeps in step with the screen through a wrapper
        assert isinstance(service, SpeechService)
        utterance = service.say("请输入六位密码，然后按确认")
        assert utterance.wait(30) and utterance.error is None and utterance.duration_s > 1.0
    finally:
        stop()
    silent, _ = make_speaker(KioskSettings(voice_guidance=False))
    assert not isinstance(silent, SpeechService) and not hasattr(silent, "inner")
