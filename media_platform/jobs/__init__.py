"""RQ entry points: take ids, load rows, call one service, return. Safe to run twice."""
