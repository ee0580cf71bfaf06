# tradeoffs.py: convenience vs. control, one project need at a time.
# Each need is met better by one kingdom; list your project's needs and see where it leans.

BEST_FOR = {
    "no setup, no GPU of your own": "closed",
    "strong look from a short prompt": "closed",
    "images by tomorrow, zero learning": "closed",
    "works offline": "open",
    "fine-tune on your own product": "open",
    "exact pose or layout (ControlNet)": "open",
    "keep a copy of the exact model": "open",
    "no monthly fee": "open",
}

project = [  # an agency making a catalogue for an unreleased product
    "fine-tune on your own product",
    "exact pose or layout (ControlNet)",
    "works offline",
    "images by tomorrow, zero learning",
]

for need in project:
    print(f"{need:<36} -> {BEST_FOR[need]}")

votes = {k: sum(BEST_FOR[n] == k for n in project) for k in ("closed", "open")}
lean = max(votes, key=lambda k: votes[k])
print(f"\nclosed {votes['closed']} : open {votes['open']}  ->  leans {lean}")
if lean == "open":
    print("Budget for a GPU and for setup time: control is not free.")
print("Not a technical choice: a strategic workflow decision.")
