"""The medaccess Processing provider: access, scenario, rank, isochrones, gp."""

from qgis.core import QgsProcessingProvider

from .algorithms import AccessAlgorithm, GpAlgorithm, IsochronesAlgorithm, RankAlgorithm, ScenarioAlgorithm


class MedaccessProvider(QgsProcessingProvider):
    def loadAlgorithms(self):  # noqa: N802
        for alg in (AccessAlgorithm(), ScenarioAlgorithm(), RankAlgorithm(), IsochronesAlgorithm(), GpAlgorithm()):
            self.addAlgorithm(alg)

    def id(self):
        return "medaccess"

    def name(self):
        return "medaccess"

    def longName(self):  # noqa: N802
        return "medaccess: drive times to health care in France"
