"""The language catalogues are in step with the code (``tools/i18n_catalogue.py check``).

Every message id the package passes to ``_()`` or ``N_()`` (and what the catalogue tool extracts
besides) is in ``rmsviz/locale/rmsviz.pot``; every language's ``rmsviz.po`` has all of them,
translated, not fuzzy, with the same named placeholders as the English id, and no entry the code
no longer has; every compiled ``rmsviz.mo`` matches its ``.po``. A new or changed English string
therefore fails here until the template is extracted, each catalogue updated, translated and
compiled (CONTRIBUTING.md, "Translations").
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import i18n_catalogue  # noqa: E402


def test_catalogues_are_in_step_with_the_code():
    found = i18n_catalogue.problems()
    assert not found, (f"{len(found)} catalogue problem(s); see CONTRIBUTING.md 'Translations' "
                       "(python tools/i18n_catalogue.py extract / update / compile / check):\n"
                       + "\n".join(found))


def test_every_language_of_the_editions_has_a_catalogue():
    """Each edition folder under notebooks/ (notebooks/ko) has its compiled catalogue."""
    from rmsviz.i18n import available_languages

    editions = sorted(p.name for p in (ROOT / "notebooks").iterdir()
                      if p.is_dir() and len(p.name) == 2 and p.name.isalpha() and p.name.islower())
    missing = [code for code in editions if code not in available_languages()]
    assert not missing, f"editions without a compiled catalogue in rmsviz/locale: {missing}"
