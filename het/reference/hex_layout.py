"""The hand-made hex cartogram of the wards (data/hex_layout.csv), checked for one cell per ward."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from het.reference.embedded import read_embedded_csv
from het.reference.manifest import check_same_codes

HEX_LAYOUT_CSV = "hex_layout.csv"
HEX_LAYOUT_COLUMNS = ["area_code", "ward_set", "q", "r"]


def read_hex_layout(path: Path, wards: pd.DataFrame | None = None) -> pd.DataFrame:
    """The hand-made hex cartogram (axial q, r per ward), checked for one cell per ward and no collisions.

    ``wards`` (area_code, vintage), e.g. ``pack.areas``, if given must be covered exactly, set by set.
    """
    path = Path(path)
    frame = read_embedded_csv(path, HEX_LAYOUT_COLUMNS)
    try:
        frame = frame.astype({"q": int, "r": int})
    except ValueError as error:
        raise ValueError(f"{path.name}: q and r must be whole numbers ({error})") from error
    repeated = frame[frame["area_code"].duplicated()]
    if not repeated.empty:
        raise ValueError(f"{path.name}: ward {repeated['area_code'].iloc[0]} has more than one cell")
    collided = frame[frame.duplicated(["ward_set", "q", "r"])]
    if not collided.empty:
        row = collided.iloc[0]
        raise ValueError(f"{path.name}: {row['ward_set']} cell q={row['q']}, r={row['r']} holds two wards")
    if wards is not None:
        wards = wards[wards["area_type"] == "ward"] if "area_type" in wards else wards
        for ward_set, group in wards.groupby("vintage"):
            check_same_codes(
                set(frame.loc[frame["ward_set"] == ward_set, "area_code"]),
                set(group["area_code"]),
                f"{path.name} {ward_set}",
                f"the {ward_set} wards",
            )
    return frame
