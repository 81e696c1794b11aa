"""QGIS plugin entry point: registers the medaccess Processing provider."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import MedaccessPlugin

    return MedaccessPlugin(iface)
