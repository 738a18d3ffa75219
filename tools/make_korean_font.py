"""Make the Hangul font rmsviz ships: a subset of NanumGothic, renamed (notebooks in Korean).

    apt-get install fonts-nanum && pip install fonttools
    python tools/make_korean_font.py            # writes rmsviz/fonts/RmsvizHangul.ttf,
                                                # RmsvizHangul-Bold.ttf and OFL.txt

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
NANUM = Path("/usr/share/fonts/truetype/nanum")
COPYRIGHT = Path("/usr/share/doc/fonts-nanum/copyright")
#: (source file, shipped file, style name): the regular weight and the bold one (titles and bold
#: labels; without it bold Hangul would be drawn in the regular weight beside bold Latin letters).
WEIGHTS = (
    (NANUM / "NanumGothic.ttf", ROOT / "rmsviz" / "fonts" / "RmsvizHangul.ttf", "Regular"),
    (NANUM / "NanumGothicBold.ttf", ROOT / "rmsviz" / "fonts" / "RmsvizHangul-Bold.ttf", "Bold"),
)
TARGET = WEIGHTS[0][1]
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


def rename(font: TTFont, style_name: str = "Regular") -> None:
    """Give the subset its own family name (the OFL's Reserved Font Name clause)."""
    full = FAMILY if style_name == "Regular" else f"{FAMILY} {style_name}"
    names = {1: FAMILY, 2: style_name, 3: f"{full}; subset of NanumGothic for rmsviz", 4: full,
             6: FAMILY.replace(" ", "") + f"-{style_name}", 16: FAMILY, 17: style_name}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names or record.nameID in (18, 21, 22):
            table.removeNames(nameID=record.nameID)
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)
        table.setName(text, name_id, 1, 0, 0)      # Macintosh, Roman, English
    font["OS/2"].fsType = 0
    if style_name == "Bold":
        font["OS/2"].usWeightClass = 700


def make(source: Path, target: Path, style_name: str) -> TTFont:
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    rename(font, style_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1e6:.2f} MB, "
          f"{len(font.getBestCmap())} characters")
    return font


def main() -> int:
    missing = [str(source) for source, _target, _style in WEIGHTS if not source.exists()]
    if missing:
        print(f"{', '.join(missing)} not found: apt-get install fonts-nanum", file=sys.stderr)
        return 1
    for source, target, style_name in WEIGHTS:
        make(source, target, style_name)
    notice = COPYRIGHT.read_text(encoding="utf-8")
    LICENCE.write_text(
        f"{', '.join(t.name for _s, t, _n in WEIGHTS)} are subsets of NanumGothic and NanumGothic Bold\n"
        f"(Debian package fonts-nanum), renamed \"{FAMILY}\" as the licence requires of a Modified\n"
        "Version, made by tools/make_korean_font.py. Licence and copyright of the original font:\n\n"
        + notice, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
