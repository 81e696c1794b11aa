//! `medaccess matrix`: origin-destination drive times as a long table.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use medaccess::facilities::{CoordColumns, FacilityColumns, FacilityKind};
use medaccess::jobs::{self, Endpoints, FacilitySource, MatrixRequest, TableFormat};
use medaccess::output::WriteOptions;

use super::args::{DataArgs, FacilityArgs, ScopeArgs};
use super::console;
use super::setup::{self, Bar};

#[derive(Debug, Args)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Destinations: the facilities (DREES maternities of --year by
    /// default, --kind gp, or --facilities FILE).
    #[command(flatten)]
    pub facilities: FacilityArgs,
    /// Origins: a CSV or GeoJSON of points (columns --origins-id-col,
    /// --origins-lon-col, --origins-lat-col) instead of the communes in scope.
    #[arg(long, value_name = "FILE")]
    pub origins: Option<PathBuf>,
    #[arg(long, default_value = "id", value_name = "COL")]
    pub origins_id_col: String,
    #[arg(long, default_value = "lon", value_name = "COL")]
    pub origins_lon_col: String,
    #[arg(long, default_value = "lat", value_name = "COL")]
    pub origins_lat_col: String,
    /// Destinations are the communes in scope (commune x commune), not facilities.
    #[arg(long, conflicts_with = "facilities")]
    pub to_communes: bool,
    /// Leave out pairs more than this many minutes apart.
    #[arg(long, value_name = "MIN", allow_negative_numbers = true)]
    pub limit: Option<f64>,
    /// csv or parquet.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Output folder.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(a: MatrixArgs) -> Result<()> {
    let format = TableFormat::parse(&a.format)?;
    let progress = Bar::new();
    let ctx = setup::load(&a.scope, &a.data, &progress)?;
    let origins = match &a.origins {
        None => Endpoints::Communes,
        Some(path) => Endpoints::Points(ctx.facilities(&FacilitySource::File {
            path: path.clone(),
            columns: FacilityColumns {
                id: a.origins_id_col.clone(),
                name: None,
                coords: CoordColumns::LonLat {
                    lon: a.origins_lon_col.clone(),
                    lat: a.origins_lat_col.clone(),
                },
                ..FacilityColumns::default()
            },
            kind: FacilityKind::Other,
        })?),
    };
    let mut inputs = a.data.data()?.inputs();
    inputs.extend(a.origins.clone());
    let (destinations, set) = if a.to_communes {
        (Endpoints::Communes, "communes".to_string())
    } else {
        let source = a.facilities.source(a.facilities.year)?;
        inputs.extend(source.input().map(std::path::Path::to_path_buf));
        let set = ctx.facilities(&source)?;
        let local = match set.kind {
            FacilityKind::Maternity => ctx.departements.clone(),
            _ => None,
        };
        setup::set_warnings(&set.warnings, local.as_deref(), None);
        let tag = setup::set_tag(&set);
        (Endpoints::Points(set), tag)
    };
    let req = MatrixRequest {
        origins,
        destinations,
        limit: a.limit,
    };
    let m = jobs::matrix::run(&ctx, &req, &progress)?;
    let stem = format!("matrix-{}-{set}", ctx.scope.tag());
    let name = format!("{stem}.{}", format.extension());
    let opts = WriteOptions {
        inputs,
        ..WriteOptions::new(&a.out, stem)
    };
    let staged = setup::stage(&opts, &[], &[m.document(&name, format)?])?;
    if !m.far_origins.is_empty() || !m.far_destinations.is_empty() {
        console::note(&format!(
            "{} origins and {} destinations are farther than the snap limit from any road: no row",
            m.far_origins.len(),
            m.far_destinations.len()
        ));
    }
    let mut text = format!(
        "== Drive times (engine={}): {} origins x {} destinations; {} pairs{}\n",
        m.engine,
        m.origins.len(),
        m.destinations.len(),
        m.rows.len(),
        a.limit.map_or(String::new(), |l| format!(" within {l} min"))
    );
    if m.without_row > 0 {
        text.push_str(&format!(
            "   {} pairs have no row: {}\n",
            m.without_row,
            match a.limit {
                Some(l) => format!("beyond {l} min or no road between them"),
                None => "no road between them (another island, or no road out)".into(),
            }
        ));
    }
    setup::wrote(&mut text, staged.files());
    setup::print_and_commit(&text, staged)?;
    Ok(())
}
