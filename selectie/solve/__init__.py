"""Solver backends behind a small protocol, and the solver-neutral integer program."""
