"""The areas followed, in the window: a bar under the search toolbar.

It owns the list of areas. They come from the map (drawn, moved, resized,
deleted there: the page reports each change and this bar checks it), from
a place name typed here (the offline gazetteer, a radius, and "also posts
tagged with this place"), or from the command line. Every change is sent
back to the map, which draws what this bar holds. The bar also says, before
anything starts, what following the areas takes (rules or queries, shapes)
and the limits in force, and offers to hide the posts outside them.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from geotweets_desktop import startup
from geotweets_desktop.core.area.model import (
    DEFAULT_PLACE_RADIUS_KM,
    MAX_RADIUS_KM,
    Area,
    AreaError,
    area_from_json,
)
from geotweets_desktop.core.area.rules import following_summary, search_queries
from geotweets_desktop.core.gazetteer import gazetteer_loaded
from geotweets_desktop.sources.x_rules import DEFAULT_RULE_BUDGET, RuleError, plan_rules
from geotweets_desktop.ui.background import BackgroundTask
from geotweets_desktop.ui.map.bridge import MapBridge

log = logging.getLogger(__name__)


class AreaPanel(QWidget):
    #: The list changed (drawn, typed, moved, deleted): the new list.
    areasChanged = Signal(list)
    #: Hide (True) or show the posts outside the areas.
    hideOutsideChanged = Signal(bool)
    #: A change was refused: the one-line reason, for the status bar.
    refused = Signal(str)

    def __init__(self, bridge: MapBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._areas: list[Area] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        row.addWidget(QLabel("Follow a place:"))
        self.place_edit = QLineEdit(self)
        self.place_edit.setPlaceholderText("a city, state or country — or draw on the map")
        self.place_edit.setClearButtonEnabled(True)
        self.place_edit.returnPressed.connect(self.add_place)
        self.place_edit.textEdited.connect(self._read_gazetteer_soon)
        self._gazetteer_task: BackgroundTask | None = None
        row.addWidget(self.place_edit, 1)
        self.radius_spin = QDoubleSpinBox(self)
        self.radius_spin.setRange(0.1, MAX_RADIUS_KM)
        self.radius_spin.setDecimals(1)
        self.radius_spin.setValue(DEFAULT_PLACE_RADIUS_KM)
        self.radius_spin.setSuffix(" km")
        self.radius_spin.setToolTip("Radius around the place")
        row.addWidget(self.radius_spin)
        self.tagged_check = QCheckBox("also posts tagged with it", self)
        self.tagged_check.setToolTip(
            "X matches an area only when a post's point is inside, or its tagged place lies "
            "wholly inside one of X's shapes (25 miles at most): a whole city or country never "
            'does. This also asks for posts tagged with the place itself (place:"name", or '
            "place_country: for a country)."
        )
        row.addWidget(self.tagged_check)
        add = QPushButton("Add", self)
        add.clicked.connect(self.add_place)
        row.addWidget(add)
        self.clear_button = QPushButton("Clear areas", self)
        self.clear_button.clicked.connect(lambda: self.set_areas([]))
        row.addWidget(self.clear_button)
        self.hide_outside_check = QCheckBox("Hide posts outside", self)
        self.hide_outside_check.setToolTip(
            "X's shapes reach a little past a drawn edge, and a tagged place inside a shape "
            "can lie partly outside the area: such posts are kept, marked in their popup, "
            "and hidden from the map while this is on."
        )
        self.hide_outside_check.toggled.connect(self.hideOutsideChanged)
        row.addWidget(self.hide_outside_check)
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        row.addWidget(self.summary_label, 2)
        bridge.areaDrawn.connect(self._drawn)
        bridge.areaChanged.connect(self._changed)
        bridge.areaDeleted.connect(self._deleted)
        self._refresh()

    @property
    def areas(self) -> list[Area]:
        return list(self._areas)

    def set_areas(self, areas: list[Area]) -> None:
        self._areas = list(areas)
        self._refresh()
        self.areasChanged.emit(self.areas)

    def _read_gazetteer_soon(self) -> None:
        """A place being typed is looked up in the gazetteer, which the window
        reads only when needed (startup.py): read it now, off the GUI thread,
        so that Enter does not wait for it."""
        if self._gazetteer_task is None and not gazetteer_loaded():
            self._gazetteer_task = BackgroundTask(startup.settle, "gazetteer", self)
            self._gazetteer_task.start()

    def add_place(self) -> None:
        from geotweets_desktop.core.area.named import named_area

        try:
            area = named_area(
                self.place_edit.text(),
                self.radius_spin.value(),
                also_tagged=self.tagged_check.isChecked(),
            )
        except AreaError as exc:
            self._refuse(str(exc))
            return
        self.place_edit.clear()
        self.set_areas([*self._areas, area])

    def describe(self, terms: list[str], stream: bool, located_only: bool) -> str:
        """What following the areas takes for these terms and source, in words."""
        if not self._areas:
            return ""
        try:
            if stream:
                plan = plan_rules(terms, located_only, self._areas)
                texts, shapes = len(plan.rules), plan.shapes
            else:
                query = search_queries(terms, self._areas)
                texts, shapes = len(query.texts), query.shapes
        except (AreaError, RuleError) as exc:
            return str(exc)
        return following_summary(
            len(self._areas),
            texts,
            shapes,
            stream=stream,
            rule_budget=DEFAULT_RULE_BUDGET,
            terms=bool(terms),
        )

    def show_summary(self, text: str) -> None:
        self.summary_label.setText(text)
        self.summary_label.setToolTip(text)

    # -- from the map ----------------------------------------------------------

    def _drawn(self, text: str) -> None:
        area = self._read(text)
        if area is not None:
            self.set_areas([*self._areas, area])
        else:
            self._refresh()  # the map answers with the list as it was

    def _changed(self, index: int, text: str) -> None:
        area = self._read(text)
        if area is not None and 0 <= index < len(self._areas):
            self.set_areas([*self._areas[:index], area, *self._areas[index + 1 :]])
        else:
            self._refresh()  # the map shows the area as it was

    def _deleted(self, index: int) -> None:
        if 0 <= index < len(self._areas):
            self.set_areas([*self._areas[:index], *self._areas[index + 1 :]])

    def _read(self, text: str) -> Area | None:
        try:
            return area_from_json(json.loads(text))
        except (ValueError, AreaError) as exc:
            self._refuse(str(exc) if isinstance(exc, AreaError) else "The map sent a bad area.")
            return None

    def _refuse(self, message: str) -> None:
        log.info("area refused: %s", message)
        self.refused.emit(message)

    def _refresh(self) -> None:
        self.clear_button.setEnabled(bool(self._areas))
        self.hide_outside_check.setEnabled(bool(self._areas))
        self._bridge.show_areas(self._areas)
