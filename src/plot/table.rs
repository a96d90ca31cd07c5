//! Reading the datasets back: small CSV tables whole, large ones by column.

use crate::data::Verified;
use crate::error::Error;

/// A CSV file held in memory, as text.
#[derive(Debug, Clone)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads the verified file `name` of a study whole.
    pub fn read(study: &Verified, name: &str) -> Result<Table, Error> {
        let path = &study.dir.join(name);
        let mut reader = csv::Reader::from_reader(study.open_file(name)?);
        let header = reader
            .headers()
            .map_err(|e| Error::csv(path, e))?
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                r.map(|r| r.iter().map(String::from).collect())
                    .map_err(|e| Error::csv(path, e))
            })
            .collect::<Result<_, _>>()?;
        Ok(Table { header, rows })
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// A column parsed as numbers (`None` where empty or not a number).
    pub fn numbers(&self, name: &str) -> Vec<Option<f64>> {
        match self.column(name) {
            Some(c) => self.rows.iter().map(|r| r[c].parse().ok()).collect(),
            None => vec![None; self.rows.len()],
        }
    }

    /// A column as text.
    pub fn texts(&self, name: &str) -> Vec<&str> {
        match self.column(name) {
            Some(c) => self.rows.iter().map(|r| r[c].as_str()).collect(),
            None => vec![""; self.rows.len()],
        }
    }
}

/// Reads only the named columns of a (possibly large) CSV file, streaming,
/// keeping rows for which `keep` holds on the full record.
pub fn read_columns(
    study: &Verified,
    name: &str,
    names: &[String],
    keep: impl Fn(&csv::StringRecord, &[String]) -> bool,
) -> Result<Vec<Vec<String>>, Error> {
    let path = &study.dir.join(name);
    let mut reader = csv::Reader::from_reader(study.open_file(name)?);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::csv(path, e))?
        .iter()
        .map(String::from)
        .collect();
    let columns: Vec<Option<usize>> = names
        .iter()
        .map(|n| header.iter().position(|h| h == n))
        .collect();
    let mut out = vec![Vec::new(); names.len()];
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| Error::csv(path, e))?
    {
        if !keep(&record, &header) {
            continue;
        }
        for (values, column) in out.iter_mut().zip(&columns) {
            values.push(column.map_or(String::new(), |c| record[c].to_string()));
        }
    }
    Ok(out)
}

/// Value of a named field of a record.
pub fn field<'r>(record: &'r csv::StringRecord, header: &[String], name: &str) -> &'r str {
    header
        .iter()
        .position(|h| h == name)
        .and_then(|c| record.get(c))
        .unwrap_or("")
}
