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
