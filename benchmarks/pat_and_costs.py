"""How fast the PAT table and the cost model are, as ratios (no assertions: machines differ).

    PYTHONPATH=. python benchmarks/pat_and_costs.py
"""
import time

from lab_helpers.lessons import cost_scenarios as scenarios
from lab_helpers.sim.costs import break_even
from lab_helpers.sim.nat import PatTable


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def fill(n, same_port=False):
    table = PatTable(["3.5.0.10"])
    for i in range(n):
        port = 40001 if same_port else 1024 + i % 50_000
        table.open(f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}:{port}", "203.0.113.10:443")
    return table


n = 55_000
preserved = timed(lambda: fill(n))
overloaded = timed(lambda: fill(20_000, same_port=True))
print(f"PAT: {n:,} flows keeping their port: {preserved:.2f} s ({n / preserved:,.0f} flows/s)")
print(f"PAT: 20,000 flows all on source port 40001 (every one overloaded): {overloaded:.2f} s "
      f"({20_000 / overloaded:,.0f} flows/s); ratio to the preserved case per flow: "
      f"{(overloaded / 20_000) / (preserved / n):.1f}x")
one_bill = timed(lambda: scenarios.ecs_after(1000, scenarios.COMPLETE_ECS), repeat=20)
search = timed(lambda: break_even(lambda g: scenarios.ecs_before(g, scenarios.COMPLETE_ECS),
                                  lambda g: scenarios.ecs_after(g, scenarios.COMPLETE_ECS)))
print(f"costs: one itemised bill {one_bill * 1e3:.2f} ms; a break-even search {search * 1e3:.1f} ms "
      f"({search / one_bill:.0f} bills)")
