//! The one CSV writer of every dataset: append-only files whose rows are
//! formatted by [`push_row`] (RFC 4180) and whose bytes and rows are counted
//! and hashed as they are written, for checkpoints and manifests.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::data::digest::{self, DigestWriter, FileDigest};
use crate::data::row::push_row;
use crate::error::Error;

/// An append-only CSV file that counts and hashes its bytes and rows (for
/// checkpoints and the manifest's digests).
pub struct CsvFile {
    path: PathBuf,
    name: String,
    file: DigestWriter<BufWriter<File>>,
    row: Vec<u8>,
}

impl CsvFile {
    pub fn create(path: &Path) -> Result<CsvFile, Error> {
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(CsvFile::new(path, DigestWriter::new(Self::buffered(file))))
    }

    /// Opens an existing file after checking it against its checkpoint
    /// record, cut back to the recorded length (dropping anything written
    /// after the last checkpoint).
    pub fn reopen(dir: &Path, record: &FileDigest) -> Result<CsvFile, Error> {
        let path = dir.join(&record.name);
        let hashed = digest::verify(dir, record, false)?;
        let file = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.set_len(record.bytes)
            .map_err(|e| Error::io(&path, e))?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(CsvFile::new(
            &path,
            DigestWriter::resume(Self::buffered(file), hashed),
        ))
    }

    fn buffered(file: File) -> BufWriter<File> {
        BufWriter::with_capacity(1 << 16, file)
    }

    fn new(path: &Path, file: DigestWriter<BufWriter<File>>) -> CsvFile {
        CsvFile {
            path: path.to_path_buf(),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            file,
            row: Vec::new(),
        }
    }

    /// Writes the header line (not counted as a data row).
    pub fn write_header(&mut self, fields: &[String]) -> Result<(), Error> {
        let mut line = Vec::new();
        push_row(&mut line, fields);
        self.write_rows(&line, 0)
    }

    pub fn write_row(&mut self, fields: &[String]) -> Result<(), Error> {
        let mut row = std::mem::take(&mut self.row);
        row.clear();
        push_row(&mut row, fields);
        let written = self.write_rows(&row, 1);
        self.row = row;
        written
    }

    /// Writes `rows` formatted rows.
    pub fn write_rows(&mut self, bytes: &[u8], rows: u64) -> Result<(), Error> {
        self.file
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))?;
        self.file.add_rows(rows);
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), Error> {
        self.file.flush().map_err(|e| Error::io(&self.path, e))
    }

    pub fn digest(&self) -> FileDigest {
        self.file.digest(&self.name)
    }
}
