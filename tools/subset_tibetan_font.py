"""Build static/fonts/zhouqu-tibetan.woff2, the Tibetan web font, from Debian's DDC Uchen.

Run by `make fonts` (see README.md, "Tibetan font"): fonttools is brought in for this run
only (`uv run --with`), it is not a dependency of the project.

The subset keeps every glyph of the Tibetan block (U+0F00–U+0FFF), the dotted circle the
shaper shows for a lone vowel sign (U+25CC), the zero-width characters (U+200B–U+200D) and
all OpenType layout features (stacks and vowel signs are GSUB ligatures). DDC Uchen is under
the SIL Open Font License 1.1 with the Reserved Font Name "DDC Uchen": a subset is a
Modified Version, so it is renamed (OFL condition 3) and keeps the copyright and licence
name records (conditions 2 and 4).
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Zhouqu Tibetan"
POSTSCRIPT = "ZhouquTibetan-Regular"
UNICODES = "U+0F00-0FFF,U+25CC,U+200B-200D"


def build(source: Path, target: Path) -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.layout_scripts = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.flavor = "woff2"
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            names.setName(
                f"{FAMILY}: subset of DDC Uchen 1.000",
                3,
                record.platformID,
                record.platEncID,
                record.langID,
            )
        elif record.nameID == 4:
            names.setName(
                f"{FAMILY} Regular", 4, record.platformID, record.platEncID, record.langID
            )
        elif record.nameID == 6:
            names.setName(POSTSCRIPT, 6, record.platformID, record.platEncID, record.langID)
    font.flavor = "woff2"
    font.save(target)


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
