"""Command line: `geotweets` opens the window; `geotweets collect` runs headless."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from geotweets_desktop import APP_NAME, __version__
from geotweets_desktop.commands.area_options import (
    add_area_options,
    add_place_options,
    areas_from_args,
    attach_area_values,
)
from geotweets_desktop.paths import data_dir

# Kept here, not imported from replay_process: `geotweets --help` must stay light.
REPLAY_FOR_WINDOW = "--replay-for-window"
STREAM_FOR_WINDOW = "--stream-for-window"


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return number


def _speed(value: str) -> float | None:
    from geotweets_desktop.sources.replay import parse_speed

    try:
        return parse_speed(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a positive number or 'max'") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geotweets",
        description=f"{APP_NAME}: posts on X that match your terms, live on a map.",
        epilog=f"Data is kept in {data_dir()} (set GEOTWEETS_DATA_DIR to use another folder).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--x",
        action="store_true",
        help="start the live X stream for the --term terms, with the stored token "
        "(or X_BEARER_TOKEN)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="start the offline demo (synthetic posts) right away"
    )
    parser.add_argument(
        "--replay",
        metavar="FILE",
        help="replay an archive on the map (X API v2 stream lines or responses, twarc2, "
        "v1.1 statuses or search responses; JSON lines, an array or pretty-printed JSON; "
        "gzip or plain); --term filters it",
    )
    parser.add_argument(
        "--speed",
        type=_speed,
        default=None,
        metavar="N|max",
        help="with --replay: N times the original pace (1, 10, 100, ...) or max (default)",
    )
    parser.add_argument(
        "--term",
        action="append",
        default=[],
        metavar="T",
        help='a search term (word, #hashtag, "phrase"); repeat for several',
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help="save a PNG of the window, then quit (with --quit-after: when it "
        "is time to quit; without: once the map is drawn)",
    )
    parser.add_argument(
        "--quit-after",
        type=_positive,
        metavar="SECONDS",
        help="close the window after this many seconds",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="load the map, push a demo batch through the bridge, check the "
        "page drew it; exit 0, or 1 with the reason (works without a display)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not load online map tiles (the offline basemap is always shown)",
    )
    parser.add_argument(
        "--session",
        type=int,
        metavar="ID",
        help="open this stored session on the map (File → Sessions… lists them)",
    )
    parser.add_argument(
        "--view",
        metavar="FILE",
        help="open a saved view's file (File → Views → Save view to file…): the stored "
        "session it names, with its centre, zoom, mode and filters",
    )
    add_area_options(parser, "with --x: follow it (terms optional)")
    add_place_options(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    col = sub.add_parser(
        "collect",
        help="run a source without a window and store the posts",
        description="Run a source without a window and store what it sends.",
    )
    col.add_argument("--demo", action="store_true", help="the offline demo (synthetic posts)")
    col.add_argument(
        "--x",
        action="store_true",
        help="the live X filtered stream (token from the keyring or X_BEARER_TOKEN)",
    )
    col.add_argument(
        "--search",
        action="store_true",
        help="with --x: poll X's recent search instead of the filtered stream "
        "(for plans without stream access)",
    )
    col.add_argument(
        "--all-posts",
        action="store_true",
        help="with --x: also posts without a place or point (X bills every post)",
    )
    col.add_argument(
        "--replay",
        metavar="FILE",
        help="replay an archive (X API v2 stream lines or responses, twarc2, v1.1 statuses "
        "or search responses; JSON lines, an array or pretty-printed JSON; gzip or plain)",
    )
    col.add_argument(
        "--speed",
        type=_speed,
        default=None,
        metavar="N|max",
        help="with --replay: N times the original pace (1, 10, 100, ...) or max "
        "(as fast as possible; the default)",
    )
    col.add_argument(
        "--copy-payloads",
        action="store_true",
        help="with --replay into a .db: store a copy of each post's raw payload; by default "
        "the payloads of a plain lines file (not gzip, not in the temporary folder) are "
        "kept by reference to the file, which must then stay where it is",
    )
    col.add_argument(
        "--term",
        action="append",
        default=[],
        metavar="T",
        help="a search term; repeat for several (required except with --replay, "
        "where it filters the archive, and with --x and an area)",
    )
    add_area_options(
        col, "with --x: follow it; with --replay: keep only posts in it (all areas together)"
    )
    add_place_options(col)
    col.add_argument(
        "--duration",
        type=_positive,
        metavar="SECONDS",
        help="stop after this many seconds (default: until Ctrl+C)",
    )
    col.add_argument("--max-posts", type=int, metavar="N", help="stop after N posts")
    col.add_argument(
        "--out",
        metavar="PATH",
        help="session store to write (.db), or an export (.geojson, .csv, .parquet); "
        "with --partition, a new or empty folder; default: the app's own store",
    )
    col.add_argument(
        "--partition",
        choices=("day",),
        help="with --out FOLDER: write GeoParquet files into hive-style date=YYYY-MM-DD/ folders",
    )
    col.add_argument(
        "--report",
        metavar="PATH.html",
        help="at the end, write the session's report: one self-contained HTML file "
        "(figures, timeline, a picture of the map, top places, hashtags and languages)",
    )
    exp = sub.add_parser(
        "export",
        help="write a stored session to GeoJSON, CSV, GeoParquet or a new .db",
        description="Write a stored session to a file; the format follows the --out suffix.",
    )
    exp.add_argument(
        "session_or_db",
        metavar="SESSION_OR_DB",
        help="a session id in the app's store, or a session-store .db file",
    )
    exp.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="file to write: .geojson, .csv, .parquet (GeoParquet 1.1) or .db; "
        "with --partition, a new or empty folder",
    )
    exp.add_argument(
        "--partition",
        choices=("day",),
        help="write GeoParquet files into hive-style date=YYYY-MM-DD/ folders under --out",
    )
    exp.add_argument(
        "--session", type=int, metavar="ID", help="with a .db file: this session (default: latest)"
    )
    exp.add_argument(
        "--all-sessions",
        action="store_true",
        help="with a .db file and a .db output: copy every session",
    )
    exp.add_argument(
        "--coarsen",
        choices=("1km", "10km"),
        help="snap points to a 0.01 or 0.1 degree grid (about 1 or 10 km)",
    )
    exp.add_argument(
        "--drop-authors", action="store_true", help="leave out author names and handles"
    )
    add_area_options(exp, "keep only the posts located in it (in any of the areas given)")
    exp.add_argument(
        "--since",
        metavar="TIME",
        help="keep only posts made at or after TIME (the post's own time): ISO 8601 "
        "(2026-11-30T21:00Z; no zone means UTC) or Unix seconds",
    )
    exp.add_argument(
        "--until", metavar="TIME", help="keep only posts made before TIME (as --since)"
    )
    exp.add_argument(
        "--lang",
        action="append",
        default=[],
        metavar="CODE",
        help="keep only posts in this language (X's code: en, pt, und, ...); repeat "
        "or give a comma list for several",
    )
    exp.add_argument(
        "--view",
        metavar="FILE",
        help="keep only the located posts a saved view's brush and filters keep (a file "
        "from File → Views → Save view to file…)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if given == [REPLAY_FOR_WINDOW]:
        # The window's replay process (commands/replay_process.py), not for people.
        from geotweets_desktop.commands.replay_process import main as replay_for_window

        return replay_for_window()
    if given == [STREAM_FOR_WINDOW]:
        # The window's X stream process (commands/stream_process.py), not for people.
        from geotweets_desktop.commands.stream_process import main as stream_for_window

        return stream_for_window()
    args = build_parser().parse_args(attach_area_values(given))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from geotweets_desktop.core.area.model import AreaError
    from geotweets_desktop.core.terms import TermError
    from geotweets_desktop.core.view_state import ViewStateError

    try:
        args.areas = areas_from_args(args)
        if args.command == "collect":
            from geotweets_desktop.commands.collect import collect

            return collect(
                args.term,
                demo=args.demo,
                x=args.x,
                search=args.search,
                areas=args.areas,
                replay=args.replay,
                speed=args.speed,
                copy_payloads=args.copy_payloads,
                located_only=not args.all_posts,
                out=args.out,
                partition=args.partition,
                duration=args.duration,
                max_posts=args.max_posts,
                report=args.report,
            )
        if args.command == "export":
            from geotweets_desktop.commands.export import run_export

            return run_export(
                args.session_or_db,
                out=args.out,
                session=args.session,
                coarsen=args.coarsen,
                drop_authors=args.drop_authors,
                all_sessions=args.all_sessions,
                areas=args.areas,
                partition=args.partition,
                since=args.since,
                until=args.until,
                langs=args.lang,
                view=args.view,
            )
        if args.replay and not Path(args.replay).is_file():
            print(f"geotweets: --replay: there is no file at {args.replay}", file=sys.stderr)
            return 2
        # Each of these chooses what the window shows first: one at a time.
        chosen = [
            flag
            for flag, given in (
                ("--session", args.session is not None),
                ("--view", args.view),
                ("--demo", args.demo),
                ("--x", args.x),
                ("--replay", args.replay),
            )
            if given
        ]
        if len(chosen) > 1 and {"--session", "--view"} & set(chosen):
            print(f"geotweets: {' and '.join(chosen)}: choose one thing to show", file=sys.stderr)
            return 2
        from geotweets_desktop.ui.app import run_app

        return run_app(args)
    except (TermError, AreaError, ViewStateError) as exc:
        print(f"geotweets: {exc}", file=sys.stderr)
        return 2
