"""``[front]`` as the hall configuration reads it and the nginx configuration rendered from it (pure: the
running front is tests/ops/test_front.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from hall_contract.config.problems import ConfigError
from hallctl.front import FrontSettings, render_nginx_conf
from hallctl.settings import load_configuration
from tests.peers import ROOT

SAMPLE = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8")


def test_the_sample_sets_up_the_front_and_the_limits_reach_nginx(tmp_path: Path) -> None:
    s = load_configuration(ROOT / "config" / "hall.toml", env={})
    assert s.front.enabled and s.front.https_port == 443 and s.front.max_body_kb == 1024
    conf = render_nginx_conf(s.front.model_copy(update={"max_body_kb": 300, "header_timeout_s": 7}), 8080)
    assert "client_max_body_size 300k;" in conf and "client_header_timeout 7s;" in conf
    assert "listen 443 ssl;" in conf and "return 301 https://$host$request_uri;" in conf
    assert "proxy_pass http://127.0.0.1:8080;" in conf


def test_a_non_standard_port_is_kept_in_the_redirect_and_no_plain_port_means_no_redirect() -> None:
    conf = render_nginx_conf(FrontSettings(https_port=8443, http_port=8081, listen_host="10.0.0.5"), 9000)
    assert "listen 10.0.0.5:8443 ssl;" in conf and "return 301 https://$host:8443$request_uri;" in conf
    assert "return 301" not in render_nginx_conf(FrontSettings(http_port=None), 9000)


def test_a_misspelt_front_key_is_named(tmp_path: Path) -> None:
    f = tmp_path / "hall.toml"
    f.write_text(SAMPLE.replace("max_body_kb = 1024", "max_body_kib = 1024"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_configuration(f, env={})
    assert "front.max_body_kib" in str(err.value)
    with pytest.raises(ValueError, match="must differ"):
        FrontSettings(https_port=8443, http_port=8443)
