"""Health configuration, checked at start: the operator's address (`mail.ops_to`), `[health]` thresholds."""

from __future__ import annotations

import pytest

from lpse_leads.config import load_config
from lpse_leads.errors import UserError
from pipeline.health_rules import Thresholds


def test_ops_to_from_the_file_and_the_environment(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[mail]\nops_to = "ops@bpjs.example, noc@bpjs.example"\n', encoding="utf-8")
    assert load_config(path, env={}).mail.ops_to == ("ops@bpjs.example", "noc@bpjs.example")
    env = {"LPSE_LEADS_OPS_TO": "night@bpjs.example; day@bpjs.example"}
    assert load_config(path, env=env).mail.ops_to == ("night@bpjs.example", "day@bpjs.example")
    assert load_config(None, env={}).mail.ops_to == ()
    assert load_config(None, env={}).describe()["operator"] == "(none; site health only in summaries)"


def test_a_bad_operator_address_names_the_key():
    with pytest.raises(UserError, match=r"mail.ops_to: 'ops\(at\)bpjs' is not an e-mail address"):
        load_config(None, env={"LPSE_LEADS_OPS_TO": "ops(at)bpjs"})


def test_health_thresholds_from_the_file_and_the_environment(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[health]\nrefused_share = 0.2\nhistory_runs = 3\n", encoding="utf-8")
    health = load_config(path, env={}).health
    assert (health.refused_share, health.history_runs, health.failed_share) == (0.2, 3, 0.25)
    env = {"LPSE_LEADS_HEALTH_REFUSED_SHARE": "0.05", "LPSE_LEADS_HEALTH_MIN_ROWS": "25"}
    health = load_config(path, env=env).health
    assert (health.refused_share, health.min_rows, health.history_runs) == (0.05, 25, 3)
    assert load_config(None, env={}).health == Thresholds()  # today's values by default
    assert "above 5% refused" in load_config(path, env=env).describe()["site health"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[health]\nrefused_share = 1.5\n", "health.refused_share: expected a fraction between 0 and 1"),
        ("[health]\nfailed_share = 25\n", "health.failed_share: expected a fraction between 0 and 1"),
        ('[health]\nrows_drop = "50%"\n', "health.rows_drop: expected a fraction between 0 and 1"),
        ("[health]\nmin_rows = 0\n", "health.min_rows: expected a whole number of at least 1, got 0"),
        ("[health]\nhistory_runs = 7.5\n", "health.history_runs: expected a whole number of at least 1"),
        ("[health]\nrefused = 0.1\n", "unknown key health.refused (known in [health]: refused_share"),
    ],
)
def test_a_bad_threshold_is_one_clear_error_naming_the_key(tmp_path, body, message):
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_config(path, env={})
    assert message in str(caught.value)


def test_a_bad_threshold_in_the_environment_names_the_key():
    with pytest.raises(UserError, match=r"health\.field_drop: expected a fraction between 0 and 1.*'0,2'"):
        load_config(None, env={"LPSE_LEADS_HEALTH_FIELD_DROP": "0,2"})
