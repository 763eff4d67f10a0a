"""Set the price per post used for cost estimates, and the limits that stop a live session."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from geotweets_desktop.core.usage import UsageLimits
from geotweets_desktop.ui.settings import AppSettings


class UsageLimitsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("X usage and limits")
        self._settings = settings
        form = QFormLayout(self)
        note = QLabel(
            "X bills each post it delivers on pay-per-use plans. The estimate uses the "
            "price below; a limit stops the live session when reached (0 = no limit)."
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.price = QDoubleSpinBox(self)
        self.price.setDecimals(4)
        self.price.setRange(0, 1)
        self.price.setSingleStep(0.001)
        self.price.setPrefix("$ ")
        self.price.setValue(settings.price_per_post)
        form.addRow("Price per post", self.price)
        limits = settings.usage_limits
        self.max_posts = QSpinBox(self)
        self.max_posts.setRange(0, 10_000_000)
        self.max_posts.setValue(limits.max_posts or 0)
        form.addRow("Stop after posts", self.max_posts)
        self.max_cost = QDoubleSpinBox(self)
        self.max_cost.setRange(0, 100_000)
        self.max_cost.setPrefix("$ ")
        self.max_cost.setValue(limits.max_cost or 0)
        form.addRow("Stop after cost", self.max_cost)
        self.max_minutes = QSpinBox(self)
        self.max_minutes.setRange(0, 7 * 24 * 60)
        self.max_minutes.setSuffix(" min")
        self.max_minutes.setValue(int(limits.max_minutes or 0))
        form.addRow("Stop after time", self.max_minutes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _save(self) -> None:
        self._settings.price_per_post = self.price.value()
        self._settings.usage_limits = UsageLimits(
            self.max_posts.value() or None,
            self.max_cost.value() or None,
            self.max_minutes.value() or None,
        )
        self.accept()
