"""rmsviz.experiments.models: which models use RMSNorm and the eps they ship (notebook 05)."""

from rmsviz.experiments.models import MODELS, model_table


def test_models_table():
    rows = model_table()
    assert len(rows) == len(MODELS)
    by_name = {m["model"]: m for m in MODELS}
    assert by_name["T5 (T5LayerNorm)"]["eps"] == 1e-6
    assert by_name["torch.nn.RMSNorm / F.rms_norm"]["eps"] is None
    assert {m["where"] for m in MODELS} <= {"inside", "outside"}
    assert all(isinstance(c, str) for row in rows for c in row)
