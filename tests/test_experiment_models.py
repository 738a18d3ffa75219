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


def test_models_table_descriptions_are_translated_model_names_are_not():
    from rmsviz.i18n import set_language

    english = model_table()
    assert english[0][3] == "released config: rms_norm_eps"
    assert english[-1][0] == "RMSNorm paper code (Zhang & Sennrich)"
    try:
        set_language("ko")
        korean = model_table()
    finally:
        set_language("en")
    assert [row[0] for row in korean[:-1]] == [row[0] for row in english[:-1]]  # proper names
    assert korean[-1][0] != english[-1][0] and korean[0][3] != english[0][3]
    assert [row[1:3] for row in korean] == [row[1:3] for row in english]  # eps and the where key
    assert model_table() == english
