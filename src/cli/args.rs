use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use medaccess::Scope;
use medaccess::access::Bands;
use medaccess::facilities::{FacilityKind, KindDefaults};
use medaccess::jobs::{Data, DataPaths, FacilitySource, Roads};
use medaccess::report::Lang;

/// What every command that runs a job takes: the communes, the data and
/// engine, the outputs. The commands that write a report (access, scenario,
/// rank, history, gp) add [`ReportArgs`]; the others do not offer it.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--report FILE --lang fr|en`, on the commands that write a report.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Also write a self-contained HTML report (maps, tables, method).
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
    /// Language of the report: fr (default) or en.
    #[arg(long, default_value = "fr")]
    pub lang: String,
}

impl ReportArgs {
    pub fn lang(&self) -> Result<Lang> {
        Lang::parse(&self.lang).map_err(|e| anyhow::anyhow!("--lang: {e}"))
    }
}

/// Which communes to report on. Facilities outside the scope still count.
#[derive(Debug, Clone, Args)]
pub struct ScopeArgs {
    /// Départements, comma-separated (e.g. 64 or 64,65,40).
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["region", "insee", "france"])]
    pub dep: Vec<String>,
    /// INSEE region codes, comma-separated (e.g. 75 for Nouvelle-Aquitaine).
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["insee", "france"])]
    pub region: Vec<String>,
    /// INSEE commune codes, comma-separated.
    #[arg(long, value_delimiter = ',', conflicts_with = "france")]
    pub insee: Vec<String>,
    /// All of France.
    #[arg(long)]
    pub france: bool,
}

impl ScopeArgs {
    pub fn scope(&self) -> Result<Scope> {
        Ok(if !self.dep.is_empty() {
            Scope::Departements(self.dep.iter().map(|d| d.trim().to_uppercase()).collect())
        } else if !self.region.is_empty() {
            Scope::Regions(self.region.iter().map(|r| r.trim().to_string()).collect())
        } else if !self.insee.is_empty() {
            Scope::Communes(self.insee.iter().map(|r| r.trim().to_uppercase()).collect())
        } else if self.france {
            Scope::All
        } else {
            bail!("say which communes: --dep 64, --region 75, --insee 64422,64445 or --france")
        })
    }
}

/// Input data; every path defaults to the shipped fixtures/.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Folder of data laid out as the project's fixtures/ (default:
    /// $MEDACCESS_DATA, else fixtures/ beside the executable, else the data
    /// built into medaccess).
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Folder with polygons/dep-XX.geojson[.gz] (e.g. ../shared/data/communes-france).
    #[arg(long, value_name = "DIR")]
    pub communes_dir: Option<PathBuf>,
    /// Commune graph file (from `medaccess graph build-communes`).
    #[arg(long, value_name = "FILE")]
    pub commune_graph: Option<PathBuf>,
    /// Profile of the commune estimate: v2 (default), v1 (the first engine,
    /// for comparison) or a JSON profile file (see docs/commune-engine.md).
    #[arg(long, value_name = "v1|v2|FILE")]
    pub commune_profile: Option<String>,
    /// DREES maternity list (`;`, UTF-8 with BOM).
    #[arg(long, value_name = "FILE")]
    pub maternities: Option<PathBuf>,
    /// Eurostat/GISCO healthcare CSV with WGS84 positions.
    #[arg(long, value_name = "FILE")]
    pub positions: Option<PathBuf>,
    /// Official FINESS establishment extract (Latin-1, Lambert-93), tried first.
    #[arg(long, value_name = "FILE")]
    pub finess: Option<PathBuf>,
    /// Real roads instead of the commune estimate, recognised by content: an
    /// OpenStreetMap extract (.osm.pbf, .osm), a MATSim network (XML, plain or
    /// gzipped), a CSV link table (plain or gzipped), IGN BD TOPO or ROUTE 500
    /// road sections (Shapefile .shp with its .dbf and .prj, or GeoPackage).
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Use the source's own speeds instead of the French car profile's class
    /// speeds: BD TOPO VITESSE_MOYENNE_VL, MATSim freespeed, a link table's
    /// time or speed column.
    #[arg(long, requires = "roads")]
    pub source_speed: bool,
    /// Column names of a --roads link table, role=COLUMN comma-separated.
    /// Roles (default column): id (link_id), from (from_node), to (to_node),
    /// length (length_m, metres), speed (freespeed_kmh, km/h), time (time_s,
    /// seconds), oneway (oneway: yes/no/-1), class (highway: OSM class),
    /// modes (modes), geometry (geometry: WKT LINESTRING), and for the nodes
    /// file node_id (node_id), lon (lon), lat (lat), x (x_l93), y (y_l93).
    /// E.g. `--link-columns from=A,to=B,length=LEN,class=HW,geometry=WKT`.
    #[arg(long, value_name = "ROLE=COL,...", requires = "roads")]
    pub link_columns: Option<String>,
    /// Nodes file of a --roads link table (id and lon,lat or x,y); default:
    /// the *_nodes.csv[.gz] beside a *_links.csv[.gz].
    #[arg(long, value_name = "FILE", requires = "roads")]
    pub roads_nodes: Option<PathBuf>,
    /// EPSG code of --roads coordinates the file does not name: a link
    /// table's x,y (default 2154) and WKT (default 4326) columns, a MATSim
    /// network without CRS (default 2154), a Shapefile without .prj.
    #[arg(long, value_name = "CODE", requires = "roads")]
    pub roads_epsg: Option<u32>,
    /// Where the road graph cache goes (default: ~/.cache/medaccess/roads).
    #[arg(long, value_name = "DIR")]
    pub roads_cache: Option<PathBuf>,
    /// Rebuild the road graph on every run, without a cache.
    #[arg(long)]
    pub no_roads_cache: bool,
    /// Drive winding roads at their class speeds (no slowdown for bends;
    /// see docs/roads.md).
    #[arg(long)]
    pub no_winding: bool,
    /// Points farther than this from any road are listed and left unreachable (metres, up to 50,000).
    #[arg(long, default_value_t = 1000.0)]
    pub snap_limit_m: f64,
    /// Speed of the leg from a point to its road, km/h (up to 130).
    #[arg(long, default_value_t = 15.0)]
    pub leg_kmh: f64,
    /// Largest share (0 to 1) of the communes in scope, or of the facilities
    /// within their extent, allowed farther than the snap limit from any road
    /// of --roads; beyond it the run stops (the network misses the scope).
    #[arg(long, default_value_t = medaccess::roads::sanity::DEFAULT_MAX_FAR_SHARE, requires = "roads")]
    pub snap_share_max: f64,
    /// Run on a --roads network that misses the scope or is fragments
    /// (largest connected part under half its nodes): warn instead of stopping.
    #[arg(long, requires = "roads")]
    pub allow_sparse_network: bool,
}

impl DataArgs {
    /// The road import options of the `--roads` flags.
    pub fn road_options(&self) -> Result<medaccess::roads::ReadOptions> {
        let link_columns = match &self.link_columns {
            Some(spec) => medaccess::roads::LinkColumns::parse(spec)?,
            None => Default::default(),
        };
        Ok(medaccess::roads::ReadOptions {
            source_speed: self.source_speed,
            link_columns,
            nodes: self.roads_nodes.clone(),
            epsg: self.roads_epsg,
        })
    }

    pub fn paths(&self) -> Result<DataPaths> {
        let mut p = match &self.fixtures {
            Some(dir) => DataPaths::fixtures(dir),
            None => DataPaths::default(),
        };
        if let Some(d) = &self.communes_dir {
            p.communes_dir = d.clone();
        }
        if let Some(f) = &self.commune_graph {
            p.commune_graph = f.clone();
        }
        if let Some(f) = &self.maternities {
            p.maternities = f.clone();
        }
        if let Some(f) = &self.positions {
            p.positions = f.clone();
        }
        p.finess = self.finess.clone();
        p.commune_profile = self
            .commune_profile
            .as_deref()
            .map(medaccess::communes::CommuneProfile::from_arg)
            .transpose()?;
        Ok(p)
    }

    /// The data and engine of the run.
    pub fn data(&self) -> Result<Data> {
        let roads = match &self.roads {
            None => None,
            Some(file) => {
                let mut profile = medaccess::roads::CarProfile::france();
                if self.no_winding {
                    profile = profile.without_winding();
                }
                Some(Roads {
                    file: file.clone(),
                    options: self.road_options()?,
                    cache_dir: if self.no_roads_cache {
                        None
                    } else {
                        Some(self.roads_cache.clone().unwrap_or_else(Roads::default_cache_dir))
                    },
                    profile,
                    snap: medaccess::roads::SnapOptions {
                        leg_kmh: self.leg_kmh,
                        max_distance_m: self.snap_limit_m,
                    },
                    coverage: medaccess::roads::sanity::Coverage {
                        max_far_share: self.snap_share_max,
                        allow_sparse: self.allow_sparse_network,
                    },
                })
            }
        };
        Ok(Data {
            paths: self.paths()?,
            roads,
        })
    }
}

/// Thresholds, bands and outputs.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Désert médical threshold in minutes, in (0, 240]: beyond it, a commune is flagged
    /// (default: the facility kind's: maternity 40, emergency 30, gp 20,
    /// facility 40).
    #[arg(long, allow_negative_numbers = true)]
    pub threshold: Option<f64>,
    /// Band breaks in minutes, increasing, in (0, 240] (default: the facility kind's; maternity
    /// 10,20,30,40,45,60).
    #[arg(long)]
    pub bands: Option<String>,
    /// Output folder.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// One set of files per département instead of one for the scope.
    #[arg(long)]
    pub split_by_dep: bool,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// `--format` and `--crs`: which files a run writes, in which coordinates.
#[derive(Debug, Clone, Args)]
pub struct FormatArgs {
    /// Formats to write, comma-separated: geojson (with the QGIS style
    /// beside it as .qml), gpkg (one GeoPackage per run holding every layer,
    /// styled), csv. Default: the command's usual files (GeoJSON + style +
    /// CSV for communes, CSV for tables).
    #[arg(long, value_name = "LIST")]
    pub format: Option<String>,
    /// Coordinate system of the geometries: 4326 (WGS84 lon/lat, default)
    /// or 2154 (Lambert-93, metres; GeoJSON then names it in a `crs` member,
    /// as GDAL writes it).
    #[arg(long, default_value_t = 4326, value_name = "EPSG")]
    pub crs: u32,
}

impl FormatArgs {
    /// The formats asked; `None`: each layer's usual files.
    pub fn formats(&self) -> Result<Option<medaccess::output::Formats>> {
        Ok(match &self.format {
            None => None,
            Some(f) => Some(medaccess::output::Formats::parse(f)?),
        })
    }
}

impl OutputArgs {
    /// The threshold and bands asked, else the kind's.
    pub fn bands(&self, kind: &KindDefaults) -> Result<(Bands, f64)> {
        let threshold = self.threshold.unwrap_or(kind.threshold_min);
        let bands = match &self.bands {
            Some(b) => Bands::parse(b).map_err(|e| anyhow::anyhow!("--bands: {e}"))?,
            None => Bands {
                breaks: kind.bands.to_vec(),
            },
        };
        medaccess::jobs::access::check_minutes(threshold, &bands)?;
        Ok((bands, threshold))
    }
}

/// Which facilities: the DREES maternities of a year (default), the GPs of
/// the BPE, or a user file of any kind.
#[derive(Debug, Clone, Args)]
pub struct FacilityArgs {
    /// Kind of facility: maternity (default; the DREES list of --year), gp
    /// (GPs per commune, INSEE BPE), emergency, facility. With --facilities,
    /// the kind of the file's facilities (default facility); the kind sets
    /// the default threshold and bands.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Year of the DREES maternity list (2013-2023): the sites open that year.
    #[arg(long, default_value_t = 2023)]
    pub year: u16,
    /// CSV or GeoJSON of facilities (replaces the DREES maternity list).
    #[arg(long, value_name = "FILE")]
    pub facilities: Option<PathBuf>,
    /// Id column of --facilities.
    #[arg(long, default_value = "id", value_name = "COL")]
    pub id_col: String,
    /// Name column of --facilities.
    #[arg(long, default_value = "name", value_name = "COL")]
    pub name_col: String,
    /// Longitude column (WGS84) of --facilities.
    #[arg(long, default_value = "lon", value_name = "COL")]
    pub lon_col: String,
    /// Latitude column (WGS84) of --facilities.
    #[arg(long, default_value = "lat", value_name = "COL")]
    pub lat_col: String,
    /// Projected x/y columns instead of lon/lat, e.g. `--xy x,y --epsg 2154`.
    #[arg(long, value_delimiter = ',', value_name = "X,Y", requires = "epsg")]
    pub xy: Vec<String>,
    /// EPSG code of --xy (2154 Lambert-93, 5490/2972/2975/4471 overseas…).
    #[arg(long)]
    pub epsg: Option<u32>,
    /// INSEE commune column, for the town-hall fallback when a row has no position.
    #[arg(long, value_name = "COL")]
    pub commune_col: Option<String>,
    /// Capacity / weight column (beds, GPs, FTE…).
    #[arg(long, value_name = "COL")]
    pub capacity_col: Option<String>,
}

impl FacilityArgs {
    /// The kind asked (`--kind`), else maternity, or facility for a file.
    pub fn kind(&self) -> Result<FacilityKind> {
        Ok(match (&self.kind, &self.facilities) {
            (Some(k), _) => FacilityKind::parse(k)?,
            (None, Some(_)) => FacilityKind::Other,
            (None, None) => FacilityKind::Maternity,
        })
    }

    /// Where the facility set comes from, for `year`.
    pub fn source(&self, year: u16) -> Result<FacilitySource> {
        let kind = self.kind()?;
        Ok(match (&self.facilities, kind) {
            (Some(path), kind) => FacilitySource::File {
                path: path.clone(),
                columns: self.columns()?,
                kind,
            },
            (None, FacilityKind::Maternity) => FacilitySource::Drees { year },
            (None, FacilityKind::GeneralPractitioner) => FacilitySource::Bpe { path: None },
            (None, k) => bail!("--kind {k} needs a file of facilities: --facilities FILE"),
        })
    }

    pub fn columns(&self) -> anyhow::Result<medaccess::facilities::FacilityColumns> {
        if !self.xy.is_empty() && self.xy.len() != 2 {
            anyhow::bail!("--xy takes two column names, e.g. --xy x,y");
        }
        use medaccess::facilities::{CoordColumns, FacilityColumns};
        let coords = match (&self.xy[..], self.epsg) {
            ([x, y], Some(epsg)) => CoordColumns::Xy {
                x: x.clone(),
                y: y.clone(),
                epsg,
            },
            _ => CoordColumns::LonLat {
                lon: self.lon_col.clone(),
                lat: self.lat_col.clone(),
            },
        };
        Ok(FacilityColumns {
            id: self.id_col.clone(),
            name: Some(self.name_col.clone()),
            coords,
            commune: self.commune_col.clone(),
            capacity: self.capacity_col.clone(),
            ..FacilityColumns::default()
        })
    }
}
