"""Adds the medaccess provider to the Processing registry while the plugin is loaded."""

from qgis.core import QgsApplication

from .provider import MedaccessProvider


class MedaccessPlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802
        self.provider = MedaccessProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
