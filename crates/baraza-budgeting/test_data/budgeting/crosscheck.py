"""Independent cross-check of the expected outcomes in this folder (not run by cargo test).

Recomputes greedy and the Method of Equal Shares for .pb files with pabutools (exact fractions),
using the same documented rules as baraza-core's `budgeting` module:

* greedy: approval count descending, ties in file order, projects without votes left out;
* MES: pabutools' method_of_equal_shares with Cost_Sat (cost utilities), ties broken by lower
  cost, then more votes, then file order;
* Add1 (equalshares.net): per-voter budget B/n, then floor(B/n)+1, +2, ... while the kept outcome
  is not exhaustive over the projects MES can fund, stopping at the first outcome over budget;
* greedy fill as above.

Amounts are printed as exact decimals, as baraza-core's `Amount` shows them (`3.99`, `400`).

Usage: python3 crosscheck.py FILE.pb...   (needs `pip install pabutools`; checked with 1.2.3)
Prints, per file, the lines of the matching .expected file.
"""
import sys
from copy import deepcopy
from decimal import Decimal, localcontext

from pabutools.election import parse_pabulib, Cost_Sat
from pabutools.fractions import frac
from pabutools.rules import method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule


def file_order(path):
    order, section, header = [], None, False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.strip() in ("META", "PROJECTS", "VOTES"):
            section, header = line.strip(), True
            continue
        if header:
            columns = line.split(";")
            header = False
            continue
        if section == "PROJECTS":
            order.append(line.split(";")[columns.index("project_id")])
    return order


def exact_decimal(value):
    """The shortest exact decimal of a fraction whose denominator divides a power of ten."""
    num, den = int(value.numerator), int(value.denominator)
    if den == 1:
        return str(num)
    with localcontext() as context:
        context.prec = 100
        text = format(Decimal(num) / Decimal(den), "f")
    if Decimal(text) * den != num:
        raise ValueError(f"{num}/{den} has no finite decimal expansion")
    return text.rstrip("0").rstrip(".")


def main(path):
    instance, profile = parse_pabulib(path)
    order = file_order(path)
    position = {name: i for i, name in enumerate(order)}
    projects = sorted(instance, key=lambda p: position[p.name])
    votes = {p.name: profile.approval_score(p) for p in projects}
    budget = instance.budget_limit
    n = profile.num_ballots()
    tie = TieBreakingRule(lambda inst, prof, p: (p.cost, -votes[p.name], position[p.name]))

    def mes(total):
        inst = deepcopy(instance)
        inst.budget_limit = total
        out = method_of_equal_shares(inst, profile, sat_class=Cost_Sat, tie_breaking=tie)
        return list(out)

    def cost(selection):
        return sum(p.cost for p in selection)

    def exhaustive(selection):
        left = budget - cost(selection)
        return all(p in selection or p.cost > left for p in projects if p.cost > 0 and votes[p.name] > 0)

    def greedy(selection):
        selection = list(selection)
        for p in sorted(projects, key=lambda p: (-votes[p.name], position[p.name])):
            if p not in selection and votes[p.name] > 0 and cost(selection) + p.cost <= budget:
                selection.append(p)
        return selection

    def line(label, selection):
        ids = ", ".join(p.name for p in selection)
        return f"{label}: {ids + ' ' if ids else ''}(cost {exact_decimal(cost(selection))})"

    base = mes(budget)
    kept, per_voter = base, int(budget // n)
    while not exhaustive(kept):
        per_voter += 1
        candidate = mes(per_voter * n)
        if cost(candidate) > budget:
            break
        kept = candidate
    print(line("greedy", greedy([])))
    print(line("mes", greedy(kept)))
    print(line("mes_add1", kept))
    print(line("mes_none", base))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(f"== {path}")
        main(path)
