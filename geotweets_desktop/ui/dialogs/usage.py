"""Set the price per post used for cost estimates, and the limits that stop a live
session; today's and this month's use are shown beside them."""

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

from geotweets_desktop.core.usage import UsageLimits, UsageMeter
from geotweets_desktop.ui.settings import AppSettings

NO_LIMIT = "no limit"


class UsageLimitsDialog(QDialog):
    def __init__(
        self, settings: AppSettings, usage: UsageMeter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("X usage and limits")
        self._settings = settings
        form = QFormLayout(self)
        note = QLabel(
            "X bills each post it delivers on pay-per-use plans. The estimate uses the "
            "price below; a limit stops the live session when it is reached."
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.used_label = QLabel(
            f"Today: {usage.today_posts:,} posts ≈ ${usage.today_cost:,.2f}\n"
            f"This month: {usage.month_posts:,} posts ≈ ${usage.month_cost:,.2f}",
            self,
        )
        form.addRow("Used so far", self.used_label)
        self.price = QDoubleSpinBox(self)
        self.price.setDecimals(4)
        self.price.setRange(0, 1)
        self.price.setSingleStep(0.001)
        self.price.setPrefix("$ ")
        self.price.setValue(settings.price_per_post)
        form.addRow("Price per post", self.price)
        limits = settings.usage_limits
        # Zero is shown as "no limit", not as a limit of nothing.
        self.max_posts = self._count_box(10_000_000, limits.max_posts)
        form.addRow("Stop a session after", self.max_posts)
        self.max_cost = QDoubleSpinBox(self)
        self.max_cost.setRange(0, 100_000)
        self.max_cost.setPrefix("$ ")
        self.max_cost.setSpecialValueText(NO_LIMIT)
        self.max_cost.setValue(limits.max_cost or 0)
        form.addRow("Stop a session at cost", self.max_cost)
        self.max_minutes = QSpinBox(self)
        self.max_minutes.setRange(0, 7 * 24 * 60)
        self.max_minutes.setSuffix(" min")
        self.max_minutes.setSpecialValueText(NO_LIMIT)
        self.max_minutes.setValue(int(limits.max_minutes or 0))
        form.addRow("Stop a session after time", self.max_minutes)
        self.max_month_posts = self._count_box(100_000_000, limits.max_month_posts)
        self.max_month_posts.setToolTip(
            "Counts every X session this calendar month, like the post caps of X's plans"
        )
        form.addRow("Monthly cap", self.max_month_posts)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _count_box(self, maximum: int, value: int | None) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(0, maximum)
        box.setSuffix(" posts")
        box.setSingleStep(100)
        box.setSpecialValueText(NO_LIMIT)
        box.setValue(value or 0)
        return box

    def _save(self) -> None:
        self._settings.price_per_post = self.price.value()
        self._settings.usage_limits = UsageLimits(
            self.max_posts.value() or None,
            self.max_cost.value() or None,
            self.max_minutes.value() or None,
            self.max_month_posts.value() or None,
        )
        self.accept()
