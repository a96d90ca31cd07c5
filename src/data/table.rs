//! Reading the datasets back, the one reader of every CSV file detente
//! wrote: small tables whole, large ones a record at a time. Both read only
//! files whose checksums were verified (`Verified`).

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
        let mut rows = Rows::open(study, name)?;
        let mut all = Vec::new();
        while let Some(record) = rows.next_record()? {
            all.push(record.iter().map(String::from).collect());
        }
        Ok(Table {
            header: rows.header,
            rows: all,
        })
    }

    /// Reads a CSV file whole without verifying it against a manifest: for
    /// a directory being continued, whose caller checks what it keeps.
    pub fn from_path(path: &std::path::Path) -> Result<Table, Error> {
        let mut reader = csv::Reader::from_path(path).map_err(|e| Error::csv(path, e))?;
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

/// A CSV file read one record at a time, so memory does not grow with its
/// length: figures keep their aggregates, never the rows.
pub struct Rows {
    reader: csv::Reader<std::io::Take<std::fs::File>>,
    header: Vec<String>,
    path: std::path::PathBuf,
    record: csv::StringRecord,
}

impl Rows {
    /// Opens the verified file `name` of a study and reads its header.
    pub fn open(study: &Verified, name: &str) -> Result<Rows, Error> {
        let path = study.dir.join(name);
        let mut reader = csv::Reader::from_reader(study.open_file(name)?);
        let header = reader
            .headers()
            .map_err(|e| Error::csv(&path, e))?
            .iter()
            .map(String::from)
            .collect();
        Ok(Rows {
            reader,
            header,
            path,
            record: csv::StringRecord::new(),
        })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The file's path, for messages.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Indices of columns that must be there, or an error naming the first missing.
    pub fn columns<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<usize>, Error> {
        names
            .iter()
            .map(|name| {
                let name = name.as_ref();
                self.column(name).ok_or_else(|| {
                    Error::Usage(format!(
                        "{}: no column `{name}`; the file was not written by this version of detente",
                        self.path.display()
                    ))
                })
            })
            .collect()
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<&csv::StringRecord>, Error> {
        let more = self
            .reader
            .read_record(&mut self.record)
            .map_err(|e| Error::csv(&self.path, e))?;
        Ok(more.then_some(&self.record))
    }
}
