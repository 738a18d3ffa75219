"""The language catalogue: every string a reader sees passes through :func:`_` (notebook 00).

English is the source language: a message id is the English text itself, so with no catalogue
loaded :func:`_` returns its argument unchanged and the English edition never depends on a
translation. Other languages live in standard gettext catalogues, one per language,
``rmsviz/locale/<code>/LC_MESSAGES/rmsviz.po`` (compiled beside it to ``rmsviz.mo``), and are
loaded with the standard library's :mod:`gettext`.

Rules for code that shows text to a reader:

* translate when the text is shown, not when a module is imported:
  ``_("output RMS = {value}").format(value=f"{r:.4f}")``: named placeholders, formatted after
  the lookup, so a translator can move them; never an f-string inside ``_()``;
* strings kept in module-level constants (claims, questions, hints, labels) are marked with
  :func:`N_` (which returns them unchanged) and passed through :func:`_` where they are shown.

This module imports nothing from rmsviz: every layer may use it.
"""

from __future__ import annotations

import gettext
from pathlib import Path

__all__ = ["LANGUAGES", "N_", "_", "get_language", "set_language", "tr"]

DOMAIN = "rmsviz"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"

_state = {"language": SOURCE_LANGUAGE, "translation": gettext.NullTranslations()}


def available_languages() -> tuple[str, ...]:
    """The source language plus every language with a compiled catalogue in ``rmsviz/locale``."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE_LANGUAGE, *[code for code in found if code != SOURCE_LANGUAGE])


LANGUAGES = available_languages()


def set_language(code: str) -> str:
    """Show every later string in language ``code`` (``"en"``, ``"ko"``, ...); returns the code.

    Raises ValueError for a language without a catalogue, naming the languages there are.
    """
    if not isinstance(code, str):
        raise TypeError(f"the language must be a code such as 'en', got {type(code).__name__}")
    code = code.strip().lower()
    if code == SOURCE_LANGUAGE:
        translation = gettext.NullTranslations()
    else:
        try:
            translation = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[code])
        except OSError:
            raise ValueError(f"no catalogue for language {code!r}; available: "
                             f"{', '.join(available_languages())}") from None
    _state.update(language=code, translation=translation)
    return code


def get_language() -> str:
    """The code of the language strings are shown in now."""
    return _state["language"]


def _(message: str) -> str:
    """``message`` (English, the message id) in the current language."""
    return _state["translation"].gettext(message)


def tr(message: str) -> str:
    """``message`` in the current language, for the words a notebook's own code cells print.

    The same lookup as :func:`_`, under a name that does not clash with IPython's ``_`` (the last
    output). ``print(tr("mean of squares: {value}").format(value=fmt(m)))``: both editions of a
    notebook run the same code cell and each prints in its own language (notebook 00).
    """
    return _state["translation"].gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (translate where shown)."""
    return message
