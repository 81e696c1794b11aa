#!/usr/bin/python3
"""Opens medaccess outputs in real QGIS (PyQGIS, headless) and says what QGIS
sees, as JSON on stdout: one object per layer. The Rust test
(tests/qgis.rs) decides what is right; this script only observes.

Usage: check_layers.py [--png DIR] FILE...   (FILE: .geojson or .gpkg)

For each layer (a GeoJSON file, or each layer of a GeoPackage) opened the
way QGIS opens it (its default style: the .qml beside a GeoJSON, the
`layer_styles` table of a GeoPackage):
  valid, feature count, CRS, layer geometry type and the geometry types of
  the features, renderer type, legend labels and colours, the features the
  renderer gives no symbol (drawn by nothing), the features per legend
  label, and, rendered offscreen (800 px wide), the pixels painted in each
  legend colour. With --png the rendered images are kept in DIR.

Needs: apt-get install --no-install-recommends python3-qgis qgis-providers
and QT_QPA_PLATFORM=offscreen (set here when missing).
"""

import json
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
    QgsExpressionContextUtils,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProviderRegistry,
    QgsRenderContext,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def sublayers(path):
    """The layer names of a GeoPackage, as QGIS lists them."""
    names = []
    for d in QgsProviderRegistry.instance().querySublayers(path):
        names.append(d.name())
    return names


def observe(layer, source, png_dir):
    out = {
        "source": source,
        "name": layer.name(),
        "valid": layer.isValid(),
    }
    if not layer.isValid():
        return out
    spatial = layer.isSpatial()
    out["features"] = layer.featureCount()
    out["crs"] = layer.crs().authid() if spatial else None
    out["wkb"] = QgsWkbTypes.displayString(layer.wkbType())
    types = {}
    null_geometry = 0
    feats = list(layer.getFeatures())
    for f in feats:
        g = f.geometry()
        if g is None or g.isNull() or g.isEmpty():
            null_geometry += 1
            continue
        t = QgsWkbTypes.displayString(g.wkbType())
        types[t] = types.get(t, 0) + 1
    out["feature_types"] = types
    out["null_geometry"] = null_geometry
    r = layer.renderer() if spatial else None
    if r is None:
        out["renderer"] = None
        return out
    out["renderer"] = r.type()
    items = r.legendSymbolItems()
    out["labels"] = [i.label() for i in items]
    colors = {}
    for i in items:
        s = i.symbol()
        if s is not None:
            c = s.color()
            colors[i.ruleKey()] = (i.label(), [c.red(), c.green(), c.blue()])
    out["colors"] = {lab: rgb for lab, rgb in colors.values()}

    # Which symbol draws each feature, as the renderer decides at draw time.
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    extent = layer.extent()
    extent.scale(1.05)
    width = 800
    ratio = extent.height() / extent.width() if extent.width() > 0 else 1.0
    height = max(200, min(1600, int(width * ratio)))
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor(255, 255, 255))
    ctx = QgsRenderContext.fromMapSettings(settings)
    ctx.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    rr = r.clone()
    rr.startRender(ctx, layer.fields())
    key_label = {i.ruleKey(): i.label() for i in items}
    per_label = {}
    unclassed = []
    for f in feats:
        ctx.expressionContext().setFeature(f)
        syms = rr.symbolsForFeature(f, ctx)
        if not syms:
            unclassed.append(f.id())
            continue
        keys = rr.legendKeysForFeature(f, ctx)
        # (a rule renderer also names its root rule, which has no legend entry)
        for k in sorted(k for k in keys if k in key_label):
            lab = key_label[k]
            per_label[lab] = per_label.get(lab, 0) + 1
    rr.stopRender(ctx)
    out["unclassed"] = len(unclassed)
    out["unclassed_fids"] = unclassed[:20]
    out["per_label"] = per_label

    # Rendered offscreen: pixels painted in each legend colour.
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    counts = {}
    wanted = {tuple(rgb): lab for lab, rgb in out["colors"].items()}
    painted = 0
    for y in range(img.height()):
        for x in range(img.width()):
            p = img.pixel(x, y)
            rgb = ((p >> 16) & 255, (p >> 8) & 255, p & 255)
            if rgb != (255, 255, 255):
                painted += 1
            lab = wanted.get(rgb)
            if lab is not None:
                counts[lab] = counts.get(lab, 0) + 1
    out["painted"] = painted
    out["pixels_per_label"] = counts
    out["image"] = [img.width(), img.height()]
    if png_dir:
        stem = layer.name()
        if source.endswith(".gpkg"):
            stem = os.path.basename(source)[:-5] + "." + stem
        path = os.path.join(png_dir, stem + ".png")
        img.save(path, "PNG")
        out["png"] = path
    return out


def main(argv):
    png_dir = None
    files = []
    it = iter(argv)
    for a in it:
        if a == "--png":
            png_dir = next(it)
        else:
            files.append(a)
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    results = []
    for path in files:
        if path.endswith(".gpkg"):
            for name in sublayers(path):
                if name == "layer_styles":
                    continue
                layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
                results.append(observe(layer, path, png_dir))
        else:
            name = os.path.basename(path).rsplit(".", 1)[0]
            layer = QgsVectorLayer(path, name, "ogr")
            results.append(observe(layer, path, png_dir))
    json.dump(results, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    sys.stdout.flush()
    # QGIS 3.22 may crash tearing down layers at exit (after the work is
    # done and said): leave without the teardown.
    if RUNTIME:
        __import__("shutil").rmtree(RUNTIME, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
