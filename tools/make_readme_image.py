"""Save the PNG of notebook 01's panel in its default state as docs/rms_panel.png (for README.md).

    python tools/make_readme_image.py
"""

from pathlib import Path

from rmsviz.panels import RMSPanel

target = Path(__file__).resolve().parents[1] / "docs" / "rms_panel.png"
target.write_bytes(bytes(RMSPanel().image.value))
print(f"wrote {target}")
