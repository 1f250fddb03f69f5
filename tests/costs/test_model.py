"""The cost model's arithmetic: hourly lines, per-GB hops, tiers, and unknown prices that stay unknown."""
import pytest

from lab_helpers.sim.costs import Flow, Hop, Resource, break_even, linear_break_even, monthly


def test_hourly_and_per_gb_lines_use_sourced_prices():
    bill = monthly([Resource("nat_gateway")], [Flow("downloads", 100, ["nat", "internet"])], "us-east-1", 730)
    assert bill.amount("NAT gateway hours") == pytest.approx(32.85)
    assert bill.amount("NAT gateway data") == pytest.approx(4.5)
    assert bill.amount("Internet egress") == pytest.approx(9.0)
    assert bill.total == pytest.approx(46.35)
    assert all(line.source for line in bill.lines)


def test_region_changes_the_price():
    seoul = monthly([Resource("nat_gateway")], [], "ap-northeast-2", 730)
    assert seoul.total == pytest.approx(0.059 * 730)


def test_cross_az_is_billed_in_both_directions():
    bill = monthly([], [Flow("x", 100, ["cross_az"])])
    assert bill.total == pytest.approx(2.0)
    assert monthly([], [Flow("x", 100, ["cross_az_one_way"])]).total == pytest.approx(1.0)


def test_unknown_price_makes_the_total_unknown_not_zero():
    bill = monthly([Resource("nat_gateway"), Resource("lattice_service")], [], "ap-northeast-2", 730)
    assert bill.total is None
    assert bill.known_total == pytest.approx(0.059 * 730)
    assert bill.unknown_items == ["VPC Lattice service-hours"]
    assert "unknown" in str(bill) and "unknown" in bill._repr_html_()


def test_interface_endpoint_tiers_see_the_region_wide_volume():
    # 600 TB + 600 TB in two flows: 1 PB at $0.01, the remaining 200 TB at $0.006
    bill = monthly([], [Flow("a", 600_000, ["interface_endpoint"]), Flow("b", 600_000, ["interface_endpoint"])])
    assert bill.total == pytest.approx(1_000_000 * 0.01 + 200_000 * 0.006)


def test_a_tier_without_a_source_is_unknown():
    assert monthly([], [Flow("big", 20_000, ["internet"])]).total is None  # above the sourced first 10 TB
    assert monthly([], [Flow("ok", 10_000, ["internet"])]).total == pytest.approx(900.0)


def test_hop_in_another_region():
    bill = monthly([], [Flow("to tokyo", 10, [Hop("inter_region", "ap-northeast-2")])], "us-east-1")
    assert bill.total == pytest.approx(0.8)
    assert monthly([], [Flow("s", 10, ["inter_region@ap-northeast-2"])]).total == pytest.approx(0.8)


def test_bad_input_says_what_to_use():
    with pytest.raises(ValueError, match="Use one of"):
        Flow("x", 1, ["natt"])
    with pytest.raises(ValueError, match="Use one of"):
        Resource("nat")
    with pytest.raises(ValueError, match="negative"):
        Flow("x", -1, ["nat"])


def test_break_even_matches_the_closed_form():
    a = lambda gb: monthly([Resource("nat_gateway")], [Flow("f", gb, ["nat"])])
    b = lambda gb: monthly([Resource("interface_endpoint_az", 2)], [Flow("f", gb, ["interface_endpoint"])])
    expected = linear_break_even(32.85, 0.045, 14.6, 0.01)
    assert expected is None  # NAT costs more per hour and per GB: no crossing
    assert break_even(a, b).gb is None
    c = lambda gb: monthly([Resource("interface_endpoint_az", 6)], [Flow("f", gb, ["interface_endpoint"])])
    found = break_even(a, c)
    assert found.gb == pytest.approx(linear_break_even(32.85, 0.045, 43.8, 0.01), abs=0.05)


def test_plots_draw_without_error():
    import matplotlib
    matplotlib.use("Agg")
    from lab_helpers.teach.draw import cost_curves, cost_stacked

    a = lambda gb: monthly([Resource("nat_gateway")], [Flow("f", gb, ["nat"])])
    ax = cost_curves({"a": a}, 1000, points=5, notes={"printed": {500: 50.0}})
    assert ax.get_lines()
    ax = cost_stacked({"x": a(100), "y": a(200)})
    assert ax.patches
