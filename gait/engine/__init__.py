"""Stridewell gait analysis engine.

Plain Python + numpy/scipy: nothing in this package imports Django, so it can be
tested, benchmarked and reused on its own. MediaPipe is only imported by `pose.py`.
"""
