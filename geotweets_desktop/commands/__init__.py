"""Commands that run without a window: collect, export and the forked bulk replay."""
