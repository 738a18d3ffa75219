"""Make the Hangul font rmsviz ships: a subset of NanumGothic, renamed (notebooks in Korean).

    apt-get install fonts-nanum && pip install fonttools
    python tools/make_korean_font.py            # writes rmsviz/fonts/RmsvizHangul.ttf and OFL.txt

matplotlib's default font (DejaVu Sans) has no Hangul, and Colab and most Linux machines have no
Korean font, so the package carries one. The subset keeps ASCII, Latin-1, the Hangul jamo, the
compatibility jamo, the 11,172 precomposed syllables and a few punctuation marks; symbols it lacks
(√, ², ε, ✓ ...) come from matplotlib's DejaVu Sans through font fallback.

NanumGothic is under the SIL Open Font License 1.1 with "NanumGothic" among its Reserved Font
Names. A subset is a Modified Version, which may not carry a Reserved Font Name, so the family is
renamed "Rmsviz Hangul"; the licence and NAVER's copyright notice travel with the file. The
embedding bits (fsType) are set to installable: Debian's README for fonts-nanum notes that their
restrictive value is a mistake that does not prohibit embedding, and matplotlib's PDF backend
refuses to embed a font that claims it may not be subset.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
COPYRIGHT = Path("/usr/share/doc/fonts-nanum/copyright")
TARGET = ROOT / "rmsviz" / "fonts" / "RmsvizHangul.ttf"
LICENCE = ROOT / "rmsviz" / "fonts" / "OFL.txt"
FAMILY = "Rmsviz Hangul"

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x3000, 0x3003),  # ideographic space and punctuation
    (0x3008, 0x3011),  # angle and corner brackets
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xAC00, 0xD7A3),  # the 11,172 Hangul syllables
]


def codepoints() -> list[int]:
    return [c for lo, hi in RANGES for c in range(lo, hi + 1)]


def rename(font: TTFont) -> None:
    """Give the subset its own family name (the OFL's Reserved Font Name clause)."""
    names = {1: FAMILY, 3: f"{FAMILY} Regular; subset of NanumGothic for rmsviz", 4: FAMILY,
             6: FAMILY.replace(" ", "") + "-Regular", 16: FAMILY, 17: "Regular"}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names or record.nameID in (18, 21, 22):
            table.removeNames(nameID=record.nameID)
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
        table.setName(text, name_id, 1, 0, 0)      # Macintosh, Roman, English
    font["OS/2"].fsType = 0


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} not found: apt-get install fonts-nanum", file=sys.stderr)
        return 1
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(SOURCE)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    rename(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    notice = COPYRIGHT.read_text(encoding="utf-8")
    LICENCE.write_text(
        f"{TARGET.name} is a subset of NanumGothic (Debian package fonts-nanum), renamed\n"
        f"\"{FAMILY}\" as the licence requires of a Modified Version, made by\n"
        "tools/make_korean_font.py. Licence and copyright of the original font:\n\n" + notice,
        encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size / 1e6:.2f} MB, "
          f"{len(font.getBestCmap())} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
