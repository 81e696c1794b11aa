"""Processing algorithms over the medaccess Python package.

Each algorithm loads the communes of the départements asked (the data shipped in
medaccess, no download), takes its facilities from a point layer (any CRS;
id and name fields chosen by the user) or from the shipped lists (DREES
maternities of a year, BPE GPs), runs the library job and writes its main
layer to the output (a GeoPackage by default) with the same fields as the
command line's CSV and the geometry in EPSG:4326. The record of the run (the
job and its options as the command line names them, ``<name>.config.json``) is
the algorithm's RECORD output, printed in the log and, for an output file,
written beside it (``out.gpkg`` -> ``out.config.json``): ``medaccess run`` remakes
the run from it.
"""

import os

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProject,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

KINDS = ["maternity", "emergency", "gp", "facility"]


def _medaccess():
    try:
        import medaccess
    except ImportError as e:  # pragma: no cover - what a user without the package sees
        raise QgsProcessingException(
            "The medaccess Python package is not installed in the Python QGIS runs: "
            "pip install medaccess (or, from a clone, pip install ./python)"
        ) from e
    return medaccess


class _Base(QgsProcessingAlgorithm):
    """Scope, facilities, threshold and output: what every algorithm shares."""

    SCOPE = "DEPARTEMENTS"
    FACILITIES = "FACILITIES"
    ID_FIELD = "ID_FIELD"
    NAME_FIELD = "NAME_FIELD"
    KIND = "KIND"
    YEAR = "YEAR"
    THRESHOLD = "THRESHOLD"
    OUTPUT = "OUTPUT"
    RECORD = "RECORD"

    uses_facilities = True

    def createInstance(self):  # noqa: N802
        return type(self)()

    def group(self):
        return "Health care access"

    def groupId(self):  # noqa: N802
        return "access"

    def add_scope(self):
        self.addParameter(
            QgsProcessingParameterString(
                self.SCOPE, "Départements (INSEE codes, comma-separated)", defaultValue="64"
            )
        )

    def add_facilities(self):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.FACILITIES,
                "Facilities (points; empty: the DREES maternities of the year, or the BPE GPs for kind gp)",
                [QgsProcessing.TypeVectorPoint],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, "Facility id field", parentLayerParameterName=self.FACILITIES, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.NAME_FIELD, "Facility name field", parentLayerParameterName=self.FACILITIES, optional=True
            )
        )
        self.addParameter(QgsProcessingParameterEnum(self.KIND, "Kind of facility", options=KINDS, defaultValue=0))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.YEAR, "Year of the DREES maternity list", defaultValue=2023, minValue=2013, maxValue=2023
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.THRESHOLD,
                "Désert threshold, minutes (empty: the kind's: maternity 40, emergency 30, gp 20)",
                type=QgsProcessingParameterNumber.Double,
                optional=True,
                minValue=0.1,
            )
        )

    def add_output(self, name="Output"):
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, name, QgsProcessing.TypeVectorAnyGeometry))
        self.addOutput(
            QgsProcessingOutputString(self.RECORD, "Record of the run (JSON, as medaccess writes <name>.config.json)")
        )

    def context_of(self, parameters, context):
        ma = _medaccess()
        deps = [d.strip() for d in self.parameterAsString(parameters, self.SCOPE, context).split(",") if d.strip()]
        if not deps:
            raise QgsProcessingException("Give at least one département (e.g. 64)")
        try:
            return ma.load(dep=deps)
        except ma.MedaccessError as e:
            raise QgsProcessingException(str(e)) from e

    def facilities_of(self, parameters, context, feedback):
        """(facilities argument, year, kind) for the medaccess job."""
        kind = KINDS[self.parameterAsEnum(parameters, self.KIND, context)]
        year = self.parameterAsInt(parameters, self.YEAR, context)
        source = self.parameterAsSource(parameters, self.FACILITIES, context)
        if source is None:
            if kind not in ("maternity", "gp"):
                raise QgsProcessingException(f"Kind {kind} needs a facility layer")
            return None, year, kind
        id_field = self.parameterAsString(parameters, self.ID_FIELD, context)
        name_field = self.parameterAsString(parameters, self.NAME_FIELD, context)
        if not id_field:
            raise QgsProcessingException("Choose the facility id field")
        to_wgs84 = QgsCoordinateTransform(
            source.sourceCrs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
        )
        ids, names, lon, lat = [], [], [], []
        for f in source.getFeatures():
            g = f.geometry()
            if g.isNull() or g.isEmpty():
                feedback.reportError(f"facility {f[id_field]}: no geometry, left out")
                continue
            p = to_wgs84.transform(g.centroid().asPoint())
            ids.append(str(f[id_field]))
            names.append(str(f[name_field]) if name_field else str(f[id_field]))
            lon.append(p.x())
            lat.append(p.y())
        if not ids:
            raise QgsProcessingException("The facility layer has no point")
        return {"id": ids, "name": names, "lon": lon, "lat": lat}, year, kind

    def threshold_of(self, parameters, context):
        if parameters.get(self.THRESHOLD) in (None, ""):
            return None
        return self.parameterAsDouble(parameters, self.THRESHOLD, context)

    def write(self, table, parameters, context, feedback):
        """The table's rows as features of the output sink (fields typed as the CSV's)."""
        import pyarrow as pa

        fields = QgsFields()
        names = [n for n in table.column_names if n != "geometry"]
        for n in names:
            t = table.schema.field(n).type
            if pa.types.is_boolean(t):
                fields.append(QgsField(n, QVariant.Bool))
            elif pa.types.is_integer(t):
                fields.append(QgsField(n, QVariant.LongLong))
            elif pa.types.is_floating(t):
                fields.append(QgsField(n, QVariant.Double))
            else:
                fields.append(QgsField(n, QVariant.String))
        geoms = table.column("geometry").to_pylist() if "geometry" in table.column_names else None
        wkb_type = QgsWkbTypes.NoGeometry
        if geoms:
            first = next((g for g in geoms if g), None)
            if first is not None:
                wkb_type = QgsWkbTypes.multiType(self._geometry(first).wkbType())
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, wkb_type, QgsCoordinateReferenceSystem("EPSG:4326")
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        columns = [table.column(n).to_pylist() for n in names]
        n = table.num_rows
        for k in range(n):
            if feedback.isCanceled():
                break
            f = QgsFeature(fields)
            f.setAttributes([c[k] for c in columns])
            if geoms and geoms[k]:
                g = self._geometry(geoms[k])
                g.convertToMultiType()
                f.setGeometry(g)
            sink.addFeature(f, QgsFeatureSink.FastInsert)
            feedback.setProgress(100.0 * (k + 1) / max(n, 1))
        record = (table.schema.metadata or {}).get(b"medaccess:record", b"").decode()
        if record:
            import json

            feedback.pushInfo("medaccess record: " + json.loads(record)["command"])
            path = str(dest).split("|")[0]
            if os.path.isabs(path) and os.path.isdir(os.path.dirname(path)):
                beside = os.path.splitext(path)[0] + ".config.json"
                with open(beside, "w", encoding="utf-8") as f:
                    f.write(record)
                feedback.pushInfo(f"recorded {beside}")
        return {self.OUTPUT: dest, self.RECORD: record}

    @staticmethod
    def _geometry(wkb):
        g = QgsGeometry()
        g.fromWkb(bytes(wkb))
        return g

    def run_job(self, parameters, context, feedback, job):
        ma = _medaccess()
        try:
            return job(ma)
        except ma.MedaccessError as e:
            where = ", ".join(
                f"{k} {getattr(e, k)}" for k in ("file", "line", "field") if getattr(e, k, None) is not None
            )
            raise QgsProcessingException(f"{e}" + (f" ({where})" if where else "")) from e


class AccessAlgorithm(_Base):
    def name(self):
        return "access"

    def displayName(self):  # noqa: N802
        return "Drive time to the nearest facility"

    def shortHelpString(self):  # noqa: N802
        return (
            "For every commune of the départements: the nearest facility, the drive time in minutes, "
            "its band and whether it lies beyond the désert threshold (medaccess access)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_scope()
        self.add_facilities()
        self.add_output("Access by commune")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        ctx = self.context_of(parameters, context)
        fac, year, kind = self.facilities_of(parameters, context, feedback)
        threshold = self.threshold_of(parameters, context)
        table = self.run_job(
            parameters, context, feedback, lambda ma: ma.access(ctx, fac, year=year, kind=kind, threshold=threshold)
        )
        return self.write(table, parameters, context, feedback)


class ScenarioAlgorithm(_Base):
    CLOSE = "CLOSE"
    OPEN = "OPEN"

    def name(self):
        return "scenario"

    def displayName(self):  # noqa: N802
        return "Close or open facilities"

    def shortHelpString(self):  # noqa: N802
        return (
            "Before and after closing facilities (ids) and opening new ones (NAME@LON:LAT or an INSEE code): "
            "minutes, change and newly beyond the threshold for every commune (medaccess scenario)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_scope()
        self.add_facilities()
        self.addParameter(QgsProcessingParameterString(self.CLOSE, "Close (ids, comma-separated)", optional=True))
        self.addParameter(
            QgsProcessingParameterString(self.OPEN, "Open (NAME@LON:LAT or INSEE codes, comma-separated)", optional=True)
        )
        self.add_output("Scenario by commune")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        split = lambda name: [x.strip() for x in self.parameterAsString(parameters, name, context).split(",") if x.strip()]  # noqa: E731
        close, open_ = split(self.CLOSE), split(self.OPEN)
        ctx = self.context_of(parameters, context)
        fac, year, kind = self.facilities_of(parameters, context, feedback)
        threshold = self.threshold_of(parameters, context)
        table = self.run_job(
            parameters,
            context,
            feedback,
            lambda ma: ma.scenario(ctx, fac, close=close, open=open_, year=year, kind=kind, threshold=threshold),
        )
        return self.write(table, parameters, context, feedback)


class RankAlgorithm(_Base):
    def name(self):
        return "rank"

    def displayName(self):  # noqa: N802
        return "Rank facilities by the effect of their closure"

    def shortHelpString(self):  # noqa: N802
        return (
            "Every facility with the population its closure alone would push beyond the threshold and the "
            "person-minutes it adds (medaccess rank)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_scope()
        self.add_facilities()
        self.add_output("Facilities ranked")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        ctx = self.context_of(parameters, context)
        fac, year, kind = self.facilities_of(parameters, context, feedback)
        threshold = self.threshold_of(parameters, context)
        table = self.run_job(
            parameters, context, feedback, lambda ma: ma.rank(ctx, fac, year=year, kind=kind, threshold=threshold)
        )
        return self.write(table, parameters, context, feedback)


class IsochronesAlgorithm(_Base):
    def name(self):
        return "isochrones"

    def displayName(self):  # noqa: N802
        return "Isochrone bands"

    def shortHelpString(self):  # noqa: N802
        return "Polygons of the drive-time bands to the nearest facility, with the population of each (medaccess isochrones)."

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_scope()
        self.add_facilities()
        self.add_output("Isochrone bands")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        ctx = self.context_of(parameters, context)
        fac, year, kind = self.facilities_of(parameters, context, feedback)
        threshold = self.threshold_of(parameters, context)
        table = self.run_job(
            parameters, context, feedback, lambda ma: ma.isochrones(ctx, fac, year=year, kind=kind, threshold=threshold)
        )
        return self.write(table, parameters, context, feedback)


class GpAlgorithm(_Base):
    DECAY = "DECAY"
    UNDER = "UNDER_SERVED"
    CPG = "CONSULTATIONS_PER_GP"

    def name(self):
        return "gp"

    def displayName(self):  # noqa: N802
        return "GP access (2SFCA, APL)"

    def shortHelpString(self):  # noqa: N802
        return (
            "For every commune: minutes to the nearest GP, GPs within 10/20/30 minutes and the APL-style "
            "two-step floating catchment in consultations per inhabitant per year, flagged under-served below "
            "the threshold (medaccess gp, on the BPE GP counts shipped in medaccess)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_scope()
        self.addParameter(
            QgsProcessingParameterString(
                self.DECAY, "Distance decay: drees, binary:MIN, gaussian:MIN or steps:MIN=W,...", defaultValue="drees"
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.UNDER, "Under-served below (consultations/inhabitant/year)", type=QgsProcessingParameterNumber.Double, defaultValue=2.5, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CPG, "Consultations per GP per year", type=QgsProcessingParameterNumber.Double, defaultValue=5400.0, minValue=1.0
            )
        )
        self.add_output("GP access by commune")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        ctx = self.context_of(parameters, context)
        decay = self.parameterAsString(parameters, self.DECAY, context)
        under = self.parameterAsDouble(parameters, self.UNDER, context)
        cpg = self.parameterAsDouble(parameters, self.CPG, context)
        table = self.run_job(
            parameters,
            context,
            feedback,
            lambda ma: ma.gp(ctx, decay=decay, under_served=under, consultations_per_gp=cpg),
        )
        return self.write(table, parameters, context, feedback)
