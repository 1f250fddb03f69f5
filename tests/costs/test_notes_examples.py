"""The source notes' worked examples, reproduced exactly under their assumptions, then corrected (curriculum §3, §4)."""
import pytest

from lab_helpers.lessons import cost_scenarios as s
from lab_helpers.sim.costs import break_even, linear_break_even


# --- §3 ECS endpoints -------------------------------------------------------------------------------------------
def test_ecs_note_headline_numbers():
    before, after = s.ecs_before(1000), s.ecs_after(1000)
    assert before.amount("NAT gateway hours") == pytest.approx(32.85)
    assert before.amount("NAT gateway data") == pytest.approx(45.00)
    assert before.amount("Cross-AZ") == pytest.approx(5.00)
    assert before.total == pytest.approx(82.85)
    assert after.amount("Interface endpoint AZ-hours") == pytest.approx(3 * 14.60)
    assert after.amount("NAT gateway data") == pytest.approx(22.50)
    assert after.amount("Cross-AZ") == pytest.approx(2.50)
    assert after.amount("Gateway endpoint") == 0
    assert after.total == pytest.approx(101.65)


def test_ecs_note_rows_disagree_with_its_own_formula():
    own = {gb: (s.ecs_before(gb).total, s.ecs_after(gb).total) for gb in s.NOTE_ECS_ROWS}
    assert own[500][0] == pytest.approx(57.85)  # the note prints 55.35
    assert own[500][1] == pytest.approx(89.15)  # the note prints 57.95
    assert own[1000] == pytest.approx(s.NOTE_ECS_ROWS[1000])  # only the 1 TB row is consistent
    wrong = [gb for gb, printed in s.NOTE_ECS_ROWS.items() if own[gb] != pytest.approx(printed)]
    assert wrong == [500, 2000, 5000]


def test_ecs_break_even_under_the_note_and_complete():
    note = break_even(lambda gb: s.ecs_before(gb), lambda gb: s.ecs_after(gb))
    # note: before = 32.85 + 0.05 GB, after = 76.65 + 0.025 GB
    assert note.gb == pytest.approx(linear_break_even(32.85, 0.05, 76.65, 0.025), abs=0.05)
    assert note.gb == pytest.approx(1752, abs=0.05)
    # complete: cross-AZ both ways ($0.02/GB on half), ECR+Logs through the endpoints at $0.01/GB
    before, after = s.ecs_before(1000, s.COMPLETE_ECS), s.ecs_after(1000, s.COMPLETE_ECS)
    assert after.amount("Interface endpoint data") == pytest.approx(5.00)
    assert after.amount("NAT gateway data") is not None and after.amount("NAT gateway data") == 0
    assert before.total == pytest.approx(87.85)
    assert after.total == pytest.approx(81.65)
    true = break_even(lambda gb: s.ecs_before(gb, s.COMPLETE_ECS), lambda gb: s.ecs_after(gb, s.COMPLETE_ECS))
    assert true.gb == pytest.approx(linear_break_even(32.85, 0.055, 76.65, 0.005), abs=0.05)
    assert true.gb == pytest.approx(876, abs=0.05)


def test_ecs_interface_per_gb_charge_alone():
    """Only the omission the brief names: route ECR+Logs through the endpoints, keep the note's cross-AZ billing."""
    only = s.EcsAssumptions(ecr_logs_via="interface_endpoint")
    assert s.ecs_after(1000, only).total == pytest.approx(32.85 + 43.80 + 5.00)
    found = break_even(lambda gb: s.ecs_before(gb, only), lambda gb: s.ecs_after(gb, only))
    assert found.gb == pytest.approx(43.80 / (0.05 - 0.005), abs=0.05)  # 973 GB


# --- §4 the inference platform ----------------------------------------------------------------------------------
def test_platform_note_numbers():
    un, opt = s.platform_note(False), s.platform_note(True)
    assert un.amount("NAT gateway hours") == pytest.approx(324.0)
    assert un.amount("NAT gateway data") == pytest.approx(182.25)  # the note rounds this to $183 → "≈ $507"
    assert round(un.amount("NAT gateway data") + 0.5) == 183
    assert un.total == pytest.approx(506.25)
    assert opt.amount("NAT gateway data") == pytest.approx(6.75)
    assert opt.amount("TGW data") == pytest.approx(12.0)
    assert opt.total == pytest.approx(342.75)
    assert 1 - opt.total / 507 == pytest.approx(0.324, abs=0.001)  # the note's "≈ 32 % saved"


def test_platform_complete_changes_the_conclusion():
    bills = {d: s.platform_complete(d) for d in s.PLATFORM_DESIGNS}
    assert bills["unoptimised"].total == pytest.approx(563.85)
    assert bills["endpoints only"].total == pytest.approx(415.35)
    assert bills["endpoints + peering"].total == pytest.approx(391.05)
    tgw = bills["endpoints + TGW (note)"]
    assert tgw.amount("TGW attachment-hours") == pytest.approx(360.0)
    assert tgw.amount("TGW peering attachment-hours") == pytest.approx(324.0)
    assert tgw.amount("Inter-Region") == pytest.approx(10.8)
    assert tgw.total == pytest.approx(1085.85)
    # the note's recommended design now costs more than doing nothing; gateway endpoints alone still save
    assert tgw.total > bills["unoptimised"].total
    assert min(bills, key=lambda d: bills[d].total) == "endpoints + peering"


def test_a_chosen_design_prices_like_the_complete_designs():
    from lab_helpers.lessons import cost_scenarios as s

    assert round(s.platform_design("tgw").total, 2) == round(s.platform_complete("endpoints + TGW (note)").total, 2)
    assert round(s.platform_design("vpc_peering").total, 2) == round(s.platform_complete("endpoints + peering").total,
                                                                     2)
    assert s.platform_design("tgw", "interface", "interface").total > s.platform_design("tgw").total


def test_design_requirements_and_the_budget_admit_more_than_one_answer():
    from lab_helpers.lessons import cost_scenarios as s

    budget = 1100.0
    ok = [(i, a, b) for i in s.INTERCONNECTS for a in s.AWS_SERVICE_PATHS for b in s.AWS_SERVICE_PATHS
          if not s.design_problems(i, a, b) and s.platform_design(i, a, b).total <= budget]
    assert ("vpc_peering", "gateway", "gateway") in ok and ("tgw", "gateway", "gateway") in ok
    assert ("tgw", "interface", "interface") not in ok  # meets the requirements, not the budget
    assert s.design_problems("vpc_peering", "nat", "gateway") == [
        "R1: S3 traffic must not use the NAT gateway (use an endpoint)"]
