"""Clinical reasoning on top of the gait engine: suggestions, personalised targets, comparisons.

Plain Python + numpy like `gait.engine`: nothing here imports Django, so the gait app calls these
pure functions with data it has loaded (findings, clinical tests, runner data, report metrics).

- `reasoning.suggest()`: clinical reasoning suggestions, each with its evidence and sources.
- `targets.judge_metrics()` / `targets.priorities()`: bands personalised to the runner, and at
  most three priorities, worst first.
- `comparison.compare()` / `comparison.matched_events()`: change between two trials against each
  metric's smallest detectable difference, and matched gait events for a side-by-side player.

Sources are cited in the modules and in docs/gait-clinical-reasoning.md.
"""
