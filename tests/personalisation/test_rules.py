"""The home page's rules: the shipped file validates, bad files fail with one readable line, and the pure
choice of the order honours rules, the control arm and the objection to profiling (issue 24 part 1)."""

from __future__ import annotations

import pytest

from core.errors import ConfigError
from personalisation import SECTIONS, HomeFeatures, load_rules, parse_rules, plan_home

GOOD = """
version = "t1"
default_order = ["reorder", "recommended", "new_in_categories", "popular_like_yours", "offers"]
history_sections = ["reorder", "recommended", "new_in_categories"]
[personas]
engineer = ["engineer"]
[[rule]]
name = "engineers"
when = { role = ["engineer"] }
order = ["new_in_categories", "offers"]
[[rule]]
name = "large"
when = { size_band = ["large"] }
order = ["offers", "reorder", "recommended", "new_in_categories", "popular_like_yours"]
"""


def test_the_shipped_rules_validate_and_every_rule_names_known_sections() -> None:
    rules = load_rules()
    assert rules.version
    assert sorted(rules.default_order) == sorted(SECTIONS)
    assert len(rules.rule) >= 4
    assert {r.name for r in rules.rule} and all(r.order for r in rules.rule)


def test_the_first_matching_rule_wins_and_missing_sections_follow_in_the_default_order() -> None:
    rules = parse_rules(GOOD)
    plan = plan_home(rules, HomeFeatures(role="engineer", size_band="large"))
    assert plan.rule == "engineers"
    assert plan.order == ["new_in_categories", "offers", "reorder", "recommended", "popular_like_yours"]
    assert plan.persona == "engineer"
    assert [r.kind for r in plan.reasons] == ["rule"]
    large = plan_home(rules, HomeFeatures(role="purchasing", size_band="large"))
    assert large.rule == "large" and large.order[0] == "offers" and large.persona == "default"


def test_no_matching_rule_gives_the_default_order() -> None:
    plan = plan_home(parse_rules(GOOD), HomeFeatures(role="owner", size_band="small"))
    assert plan.rule is None and plan.order == list(SECTIONS)
    assert [r.kind for r in plan.reasons] == ["default"]


def test_the_control_arm_sees_the_default_order_whatever_the_rules_say() -> None:
    plan = plan_home(parse_rules(GOOD), HomeFeatures(role="engineer"), control=True)
    assert plan.order == list(SECTIONS) and plan.rule is None
    assert [r.kind for r in plan.reasons] == ["control_arm"]
    assert plan.persona == "engineer"  # the wording still speaks to the role; only the order is the baseline


def test_an_objection_to_profiling_drops_the_history_sections_and_the_rules() -> None:
    plan = plan_home(parse_rules(GOOD), HomeFeatures(role="engineer"), may_profile=False)
    assert plan.order == ["popular_like_yours", "offers"]
    assert plan.reasons[0].kind == "profiling_objection"
    assert plan.reasons[0].data["dropped"] == ["reorder", "recommended", "new_in_categories"]


@pytest.mark.parametrize(("text", "needle"), [
    (GOOD.replace('when = { role = ["engineer"] }', 'when = { gender = ["f"] }'), "protected attribute"),
    (GOOD.replace('when = { role = ["engineer"] }', 'when = { turnover = ["high"] }'), "turnover"),
    (GOOD.replace('order = ["new_in_categories", "offers"]', 'order = ["banner"]'), "rule.0.order.0"),
    (GOOD.replace('order = ["new_in_categories", "offers"]', 'order = ["offers", "offers"]'), "twice"),
    (GOOD.replace('"popular_like_yours", "offers"]\nhistory', '"offers"]\nhistory'), "popular_like_yours"),
    (GOOD.replace('version = "t1"', ""), "version"),
    ("version = ", "not valid TOML"),
])
def test_a_bad_rules_file_fails_on_load_with_one_readable_line(text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_rules(text, source="rules.toml")
    message = str(err.value)
    assert needle in message and "\n" not in message.strip() and message.startswith("rules.toml")


def test_the_features_accept_nothing_but_segment_and_role() -> None:
    with pytest.raises(ValueError):
        HomeFeatures(role="engineer", age_band="30-39")  # type: ignore[call-arg]
    assert set(HomeFeatures.model_fields) == {"industry", "size_band", "funnel_stage", "role"}


def test_the_shipped_rules_give_different_orders_to_purchasing_engineers_and_new_customers() -> None:
    rules = load_rules()
    purchasing = plan_home(rules, HomeFeatures(role="purchasing", size_band="small", funnel_stage="customer"))
    engineer = plan_home(rules, HomeFeatures(role="engineer", size_band="small", funnel_stage="customer"))
    lead = plan_home(rules, HomeFeatures(role="engineer", size_band="small", funnel_stage="lead"))
    assert purchasing.order[0] == "reorder" and engineer.order[0] == "new_in_categories"
    assert lead.order[0] == "popular_like_yours"
    assert (purchasing.persona, engineer.persona) == ("purchasing", "engineer")
