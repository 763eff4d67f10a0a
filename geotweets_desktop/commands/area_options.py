"""The command line's area options, shared by the window, `collect` and `export`.

`--bbox W,S,E,N` and `--around LON,LAT,RADIUS_KM` may repeat; `--place NAME`
names a place from the offline gazetteer (a city gets `--place-radius` km,
25 by default). They are read after argparse (`areas_from_args`), so a bad
value is one line from AreaError, not argparse's usage block.
"""

from __future__ import annotations

import argparse

from geotweets_desktop.core.area.model import Area, parse_around, parse_bbox


def add_area_options(parser: argparse.ArgumentParser, purpose: str) -> None:
    """`purpose` ends each help text: what the areas do for this command."""
    for flag, metavar, what in (
        ("--bbox", "W,S,E,N", "west,south,east,north in degrees"),
        ("--around", "LON,LAT,RADIUS_KM", "a circle, radius in km"),
    ):
        parser.add_argument(
            flag,
            action="append",
            default=[],
            metavar=metavar,
            help=f"an area: {what} (repeatable); {purpose}",
        )


def add_place_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--place",
        action="append",
        default=[],
        metavar="NAME",
        help="an area: a place from the offline gazetteer (a city, state or country), "
        "with --place-radius around it (repeatable)",
    )
    parser.add_argument(
        "--place-radius",
        type=float,
        default=None,
        metavar="KM",
        help="radius around each --place (default: 25 km for a city, the whole of "
        "a state or country)",
    )
    parser.add_argument(
        "--also-tagged",
        action="store_true",
        help='with --place: also posts tagged with the place itself (X\'s place:"name" '
        "or place_country:CC); X matches a shape only when a tagged place lies wholly "
        "inside it, which a whole city or country never does",
    )


def attach_area_values(argv: list[str]) -> list[str]:
    """`--bbox -9.3,38.6,-9,38.9` as `--bbox=-9.3,...`: argparse takes a value
    starting with `-` that is not a plain number for an option, and every
    area west of Greenwich or south of the equator starts so."""
    joined: list[str] = []
    values = iter(argv)
    for arg in values:
        if arg in ("--bbox", "--around"):
            value = next(values, None)
            joined.append(arg if value is None else f"{arg}={value}")
        else:
            joined.append(arg)
    return joined


def areas_from_args(args: argparse.Namespace) -> list[Area]:
    """The areas given, in order; AreaError (one line) for a bad one."""
    areas: list[Area] = [parse_bbox(text) for text in args.bbox]
    areas += [parse_around(text) for text in args.around]
    places = getattr(args, "place", [])
    if places:
        from geotweets_desktop.core.area.named import named_area

        radius = args.place_radius
        areas += [named_area(name, radius, also_tagged=args.also_tagged) for name in places]
    return areas
