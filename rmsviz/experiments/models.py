"""Which models use RMSNorm, and the eps they ship, as data (notebook 05).

Each entry names where the value is set (a constructor default or a released config key), so a
reader can check it. eps is added inside the square root unless ``where`` says otherwise.
Model names are proper names; the descriptions are marked with ``N_`` and translated by
:func:`model_table` (a language chosen after import applies).
"""

from __future__ import annotations

from rmsviz.i18n import N_, _

__all__ = ["MODELS", "model_table"]

#: (model or library, eps, where eps goes, where the value is set)
MODELS: tuple[dict, ...] = (
    {"model": "LLaMA (1)", "eps": 1e-6, "where": "inside",
     "source": N_("released config: rms_norm_eps")},
    {"model": "Llama 2 / Llama 3", "eps": 1e-5, "where": "inside",
     "source": N_("released config: rms_norm_eps")},
    {"model": "Mistral 7B", "eps": 1e-5, "where": "inside",
     "source": N_("released config: rms_norm_eps")},
    {"model": "T5 (T5LayerNorm)", "eps": 1e-6, "where": "inside",
     "source": N_("config: layer_norm_epsilon")},
    {"model": "Hugging Face LlamaRMSNorm", "eps": 1e-6, "where": "inside",
     "source": N_("constructor default")},
    {"model": "torch.nn.RMSNorm / F.rms_norm", "eps": None, "where": "inside",
     "source": N_("default eps=None: machine epsilon of float32 (float64 for float64 input), "
                  "since January 2025")},
    {"model": N_("RMSNorm paper code (Zhang & Sennrich)"), "eps": 1e-8, "where": "outside",
     "source": "x / (RMS(x) + eps)"},
)


def _format_eps(eps) -> str:
    return "None" if eps is None else f"{eps:.0e}"


def model_table() -> list[tuple[str, str, str, str]]:
    """The rows of :data:`MODELS` as strings: (model, eps, inside/outside the root, source).

    The model and source texts are in the current language (:func:`rmsviz.i18n._`); ``where`` stays
    the key ``"inside"``/``"outside"``.
    """
    return [(_(m["model"]), _format_eps(m["eps"]), m["where"], _(m["source"])) for m in MODELS]
