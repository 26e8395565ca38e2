# tests/h5_bitflip.py SRC OUTDIR N SEED — write N copies of SRC, each with 1 to 8 bits flipped at
# positions drawn (deterministically, from SEED) mostly from the first 4 KiB, where HDF5 keeps the
# superblock and the root objects' headers, the rest anywhere in the file.
import random
import sys

src, outdir, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = open(src, "rb").read()
rng = random.Random(seed)
for i in range(n):
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        pos = rng.randrange(min(4096, len(b))) if rng.random() < 0.5 else rng.randrange(len(b))
        b[pos] ^= 1 << rng.randrange(8)
    open("%s/flip%03d.h5" % (outdir, i), "wb").write(bytes(b))
