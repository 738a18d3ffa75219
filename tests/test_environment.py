"""The environment report (rmsviz.environment) of every notebook's setup cell."""

from rmsviz import environment


def test_environment_report(capsys):
    environment.report()
    out = capsys.readouterr().out
    assert "numpy" in out and "ready" in out
    assert environment.problems({"python": "3.11", "numpy": "1.0", "matplotlib": "missing",
                                 "ipywidgets": "8.1"}) == [
        "numpy 1.0 is older than 1.24: run `python -m pip install -r requirements.txt`, then restart the kernel",
        "matplotlib is not installed: run `python -m pip install -r requirements.txt`, then restart the kernel",
    ]
    assert environment._as_tuple("8.1.9rc1") == (8, 1, 9)
    assert environment._as_tuple("2.4") == (2, 4)
