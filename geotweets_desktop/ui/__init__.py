"""The Qt side: windows, dialogs, the map view and its bridge, worker glue."""
