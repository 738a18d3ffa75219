"""What benchmarks/classroom.py drives: a hub (:mod:`hubload.hub`) and its students
(:mod:`hubload.student`)."""
