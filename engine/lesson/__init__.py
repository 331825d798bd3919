"""The guided lesson: steps that advance on real events of the run, the events' numbers, the
answer key for the worksheet and the timeline of real events. Pure Python, no Qt."""
