#!/usr/bin/python3
"""Renders medaccess layers with real QGIS (headless) into one PNG, as a
planner would lay them out: the layers in their own styles (the .qml
beside each GeoJSON, as QGIS opens them), the first layer's extent, a
title and the legend of every layer.

Usage: render_map.py OUT.png TITLE [NAME=]FILE.geojson...
(first file at the bottom; NAME: the layer's name in the legend)

Used by scripts/render-qgis-png.sh for the pictures in docs/, and by
tests/qgis.rs to check they are what the script gives today.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RUNTIME = None
if "XDG_RUNTIME_DIR" not in os.environ:
    # Qt wants a private runtime folder (0700); headless, there is none.
    import tempfile

    RUNTIME = tempfile.mkdtemp(prefix="qgis-runtime-")
    os.environ["XDG_RUNTIME_DIR"] = RUNTIME

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsLayout,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsProject,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QFont  # noqa: E402


def main(out, title, files):
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    layers = []
    for arg in files:
        name, _, path = arg.rpartition("=")
        name = name or os.path.basename(path).rsplit(".", 1)[0]
        layer = QgsVectorLayer(path, name, "ogr")
        if not layer.isValid():
            sys.exit(f"{path}: QGIS cannot open it")
        project.addMapLayer(layer)
        layers.append(layer)

    # Drawn in Lambert-93, as French maps are (the layers are reprojected
    # on the fly, as QGIS does).
    crs = QgsCoordinateReferenceSystem("EPSG:2154")
    project.setCrs(crs)
    layout = QgsLayout(project)
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(240, 160, QgsUnitTypes.LayoutMillimeters))

    label = QgsLayoutItemLabel(layout)
    label.setText(title)
    label.setFont(QFont("DejaVu Sans", 14))
    label.attemptMove(QgsLayoutPoint(6, 4, QgsUnitTypes.LayoutMillimeters))
    label.attemptResize(QgsLayoutSize(228, 10, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(label)

    m = QgsLayoutItemMap(layout)
    m.attemptMove(QgsLayoutPoint(6, 16, QgsUnitTypes.LayoutMillimeters))
    m.attemptResize(QgsLayoutSize(160, 138, QgsUnitTypes.LayoutMillimeters))
    m.setLayers(list(reversed(layers)))  # first file at the bottom
    m.setCrs(crs)
    to_map = QgsCoordinateTransform(layers[0].crs(), crs, project)
    extent = to_map.transformBoundingBox(layers[0].extent())
    extent.scale(1.03)
    m.setExtent(extent)
    height = m.sizeWithUnits().height()
    page.setPageSize(QgsLayoutSize(240, 16 + max(height, 100) + 6, QgsUnitTypes.LayoutMillimeters))
    m.setFrameEnabled(True)
    layout.addLayoutItem(m)

    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(m)
    legend.setAutoUpdateModel(True)
    legend.setTitle("")
    legend.attemptMove(QgsLayoutPoint(170, 16, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(legend)

    exporter = QgsLayoutExporter(layout)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 110
    result = exporter.exportToImage(out, settings)
    if result != QgsLayoutExporter.Success:
        sys.exit(f"{out}: export failed ({result})")
    sys.stdout.flush()
    # QGIS 3.22 may crash tearing down layers at exit: the image is written.
    if RUNTIME:
        __import__("shutil").rmtree(RUNTIME, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
