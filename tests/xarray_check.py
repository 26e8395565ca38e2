# tests/xarray_check.py FILE.h5... — results as labelled arrays: every group of every file opens
# with xarray's h5netcdf engine, with a named dimension scale on every axis (no phony_dim_N).
# Sweeps with a variant grid also unstack to [section][K1][K2]... (variant_problems).
"""Reusable check: `problems(path)` lists what keeps a file from opening as labelled arrays.

Two views of one rule, so a new dataset without dimension scales is caught whoever adds it:
- h5py: every axis of every dataset has a dimension scale attached (a 1-D scale is its own
  axis), and the scale lies in the dataset's group or an ancestor (netCDF's visibility rule,
  which netCDF-C's ncdump follows);
- xarray: `xarray.open_dataset(FILE, engine="h5netcdf", group=G, phony_dims="access")` succeeds
  for every group G and names no dimension phony_dim_N.
Run as a script: prints one line per problem and a per-file count; exit 1 on any problem,
exit 77 when xarray or h5netcdf cannot be imported.
"""
import sys

try:
    import h5py
    import numpy
    import xarray
    import h5netcdf  # noqa: F401  (the engine xarray needs)
except ImportError as e:  # the caller decides whether a skip is acceptable
    print(f"xarray check skipped: {e} (scripts/deps.sh installs python3-xarray and "
          "python3-h5netcdf for /usr/bin/python3)")
    sys.exit(77)


def _groups_and_datasets(f):
    groups, datasets = ["/"], []
    f.visititems(lambda name, obj: (groups if isinstance(obj, h5py.Group) else datasets)
                 .append("/" + name))
    return groups, datasets


def _parent(path):
    return path.rsplit("/", 1)[0] or "/"


def _visible(scale_path, ds_path):
    """A scale in the dataset's group or an ancestor group (netCDF's dimension visibility)."""
    g = _parent(scale_path)
    return g == "/" or _parent(ds_path) == g or _parent(ds_path).startswith(g + "/")


def axis_problems(f, path):
    """Unnamed or invisible axes of one h5py dataset."""
    ds, out = f[path], []
    if ds.attrs.get("CLASS") == b"DIMENSION_SCALE":
        return out if ds.ndim == 1 else [f"{path}: a dimension scale of rank {ds.ndim}"]
    for k in range(ds.ndim):
        scales = ds.dims[k]
        if len(scales) == 0:
            out.append(f"{path}: axis {k} (length {ds.shape[k]}) has no dimension scale")
            continue
        s = scales[-1]            # the one h5netcdf and netCDF-C use
        if not _visible(s.name, path):
            out.append(f"{path}: axis {k} uses {s.name}, outside the dataset's group and "
                       "its ancestors")
        if s.shape != (ds.shape[k],):
            out.append(f"{path}: axis {k} has length {ds.shape[k]}, its scale {s.name} "
                       f"{s.shape}")
    return out


def group_problems(path, group):
    """Errors and phony dimensions of one group opened as an xarray Dataset."""
    try:
        with xarray.open_dataset(path, engine="h5netcdf", group=group,
                                 phony_dims="access") as d:
            return [f"{group}: phony dimension {n} (length {d.dims[n]})"
                    for n in d.dims if str(n).startswith("phony_dim")]
    except Exception as e:  # noqa: BLE001  every failure is a finding
        return [f"{group}: open_dataset failed: {type(e).__name__}: {e}"]


def variant_coords(sweep):
    """The names of the swept keys' coordinates on the optimizer axis, in the order of the CF
    `coordinates` attribute after variant_section: ["variant_value"] for one key,
    ["variant_K1", "variant_K2", ...] for several."""
    return sweep.final_loss.encoding["coordinates"].split()[1:]


def variant_cube(sweep, name):
    """A sweep cube [optimizer]... of the variants, unstacked to [section][K1][K2]... (the reader
    snippet of docs/hdf5-schema.md); optimizers without every swept key are left out."""
    coords = variant_coords(sweep)
    keys = [str(sweep[c].attrs["key"]) for c in coords]
    full = numpy.logical_and.reduce([sweep[c].notnull().values for c in coords])
    v = sweep[name].isel(optimizer=full)
    rest = [d for d in v.dims if d != "optimizer"]
    return (v.assign_coords(variant_section=("optimizer",
                                             sweep.section.values[v.variant_section.values]))
             .set_index(optimizer=["variant_section", *coords]).unstack("optimizer")
             .rename(variant_section="section", **dict(zip(coords, keys)))
             .transpose("section", *keys, *rest)), keys


def variant_name(section, keys, values):
    """NAME@L1=V1,L2=V2 of the keys an optimizer has (label mu for momentum, values %.6g)."""
    return section + "@" + ",".join(f"{'mu' if k == 'momentum' else k}={v:.6g}"
                                    for k, v in zip(keys, values))


def variant_problems(path):
    """With a variant grid (/sweep/variant_section): the section and each swept key's value are
    coordinates of the optimizer axis, each optimizer's name says the values of the keys it has
    (NaN for the others), and the cube unstacked to [section][K1][K2]... holds each variant's
    cells."""
    with h5py.File(path, "r") as f:
        if "sweep/variant_section" not in f:
            return []
    out = []
    with xarray.open_dataset(path, engine="h5netcdf", group="sweep") as d:
        coords = ["variant_section"] + variant_coords(d)
        for c in coords:
            if c not in d.final_loss.coords or d[c].dims != ("optimizer",):
                out.append(f"/sweep/{c}: not a coordinate of final_loss's optimizer axis")
        if out:
            return out
        cube, keys = variant_cube(d, "final_loss")
        full = 0
        for o, name in enumerate(d.optimizer.values):
            name = str(name)
            values = [float(d[c][o]) for c in coords[1:]]
            has = [v == v for v in values]
            section = str(d.section.values[int(d.variant_section[o])])
            want_name = (variant_name(section, [k for k, h in zip(keys, has) if h],
                                      [v for v, h in zip(values, has) if h])
                         if any(has) else section)
            if name != want_name:
                out.append(f"/sweep/variant_*: {name} has section {section} and values "
                           f"{dict(zip(keys, values))}")
                continue
            if not all(has):
                continue
            full += 1
            want = d.final_loss.sel(optimizer=name).values
            got = cube.sel({"section": section, **dict(zip(keys, values))}).values
            if not (want.shape == got.shape and ((want == got) | (want != want)).all()):
                out.append(f"/sweep/final_loss unstacked: {section} {dict(zip(keys, values))} "
                           f"differs from {name}")
        cells = int(numpy.prod([cube.sizes[k] for k in ["section", *keys]]))
        if cells != full:
            out.append(f"/sweep: {full} variants with every key unstack to {dict(cube.sizes)}")
    return out


def problems(path):
    """Every problem of one file, as messages; counts() summarises them."""
    with h5py.File(path, "r") as f:
        groups, datasets = _groups_and_datasets(f)
        out = [p for d in datasets for p in axis_problems(f, d)]
    return out + [p for g in groups for p in group_problems(path, g)] + variant_problems(path)


def counts(path):
    """(groups, groups failing to open, groups with phony dims, unnamed axes) of one file."""
    with h5py.File(path, "r") as f:
        groups, datasets = _groups_and_datasets(f)
        unnamed = sum(1 for d in datasets for p in axis_problems(f, d) if "no dimension" in p)
    found = [group_problems(path, g) for g in groups]
    failing = sum(1 for p in found if any("open_dataset failed" in m for m in p))
    phony = sum(1 for p in found if any("phony dimension" in m for m in p))
    return len(groups), failing, phony, unnamed


def main(argv):
    if argv and argv[0] == "--counts":
        total = [0, 0, 0, 0]
        for path in argv[1:]:
            c = counts(path)
            print(f"{path}: {c[0]} groups, {c[1]} failing, {c[2]} with phony dims, "
                  f"{c[3]} unnamed axes")
            total = [a + b for a, b in zip(total, c)]
        print(f"total: {total[0]} groups, {total[1]} failing, {total[2]} with phony dims, "
              f"{total[3]} unnamed axes")
        return 0
    bad = 0
    for path in argv:
        found = problems(path)
        for p in found:
            print(f"FAIL: {path}: {p}")
        bad += len(found)
    print(f"xarray: {len(argv)} files, {bad} problems")
    return 1 if bad or not argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
