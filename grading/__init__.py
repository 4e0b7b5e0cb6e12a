"""Grading a class: the release and the autograder (assignments), the sandboxed grader (grade)
and a simulated class to test it on (simulate). Not part of the gmmlib library."""
