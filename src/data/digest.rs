//! Checksums of the files a study writes, so that damage is found before
//! a damaged file is merged, resumed from, analysed or drawn.
//!
//! Every finished file is recorded in its manifest with its length, its
//! number of data rows and the SHA-256 of its bytes; an incomplete study
//! records the same for the prefix of each growing file up to its last
//! checkpoint. Readers check a file against its record with [`verify`]
//! and then read only the recorded bytes.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// What a manifest records of one file (or of its checkpointed prefix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// File name inside the study directory.
    pub name: String,
    /// Length in bytes (of the prefix, for a checkpoint).
    pub bytes: u64,
    /// Data rows (CSV records after the header; 0 for other files).
    pub rows: u64,
    /// Lower-case hex SHA-256 of those bytes.
    pub sha256: String,
}

impl FileDigest {
    /// The record of some bytes held in memory.
    pub fn of_bytes(name: &str, bytes: &[u8], rows: u64) -> FileDigest {
        FileDigest {
            name: name.to_string(),
            bytes: bytes.len() as u64,
            rows,
            sha256: hex(Sha256::digest(bytes).as_slice()),
        }
    }
}

/// A writer that counts and hashes what passes through it.
#[derive(Debug)]
pub struct DigestWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
    rows: u64,
}

impl<W: Write> DigestWriter<W> {
    pub fn new(inner: W) -> DigestWriter<W> {
        DigestWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            rows: 0,
        }
    }

    /// Continues after a prefix already written and hashed (a resumed file).
    pub fn resume(inner: W, prefix: Hashed) -> DigestWriter<W> {
        DigestWriter {
            inner,
            hasher: prefix.hasher,
            bytes: prefix.bytes,
            rows: prefix.rows,
        }
    }

    /// Counts one more data row (the caller knows where rows end).
    pub fn add_rows(&mut self, rows: u64) {
        self.rows += rows;
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The record of everything written so far, under `name`.
    pub fn digest(&self, name: &str) -> FileDigest {
        FileDigest {
            name: name.to_string(),
            bytes: self.bytes,
            rows: self.rows,
            sha256: hex(self.hasher.clone().finalize().as_slice()),
        }
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }
}

impl<W: Write> Write for DigestWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A verified prefix of a file: its hash state, to go on from.
#[derive(Debug, Clone)]
pub struct Hashed {
    hasher: Sha256,
    bytes: u64,
    rows: u64,
}

/// Checks `dir/<record.name>` against its record. With `exact`, the file
/// must have exactly the recorded length (a finished file); otherwise it may
/// be longer (a growing file checked up to its checkpoint). Returns the
/// hash state of the verified bytes.
pub fn verify(dir: &Path, record: &FileDigest, exact: bool) -> Result<Hashed, Error> {
    stream_verified(dir, record, exact, |_| Ok(()))
}

/// Streams the recorded bytes of `dir/<record.name>` to `sink`, checking
/// them against the record as they pass; the error comes after the last
/// bytes when only the hash differs, so `sink` must write to a place that
/// is discarded on error (a staging directory).
pub fn stream_verified(
    dir: &Path,
    record: &FileDigest,
    exact: bool,
    mut sink: impl FnMut(&[u8]) -> io::Result<()>,
) -> Result<Hashed, Error> {
    let path = dir.join(&record.name);
    let damaged = |what: String| {
        Error::Usage(format!(
            "{} is damaged: {what}; it is not what detente wrote, so it cannot be used (rerun the study, or restore the file)",
            path.display()
        ))
    };
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(damaged(format!(
                "the file is missing (the manifest records {} bytes)",
                record.bytes
            )));
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    let length = file.metadata().map_err(|e| Error::io(&path, e))?.len();
    if length < record.bytes || (exact && length != record.bytes) {
        return Err(damaged(format!(
            "{length} bytes where the manifest records {}",
            record.bytes
        )));
    }
    let mut hasher = Sha256::new();
    let mut reader = file.take(record.bytes);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buffer).map_err(|e| Error::io(&path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        sink(&buffer[..n]).map_err(|e| Error::io(&path, e))?;
    }
    if hex(hasher.clone().finalize().as_slice()) != record.sha256 {
        let whose = if exact {
            "its contents differ from the manifest's SHA-256".to_string()
        } else {
            format!(
                "its first {} bytes differ from the manifest's SHA-256",
                record.bytes
            )
        };
        return Err(damaged(whose));
    }
    Ok(Hashed {
        hasher,
        bytes: record.bytes,
        rows: record.rows,
    })
}

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Writes `dir/name` whole and atomically (a temporary file, then a rename),
/// for files rewritten as a study goes on; its digest.
pub fn write_whole(dir: &Path, name: &str, bytes: &[u8], rows: u64) -> Result<FileDigest, Error> {
    let path = dir.join(name);
    let temporary = dir.join(format!(".{name}.tmp"));
    std::fs::write(&temporary, bytes).map_err(|e| Error::io(&temporary, e))?;
    std::fs::rename(&temporary, &path).map_err(|e| Error::io(&path, e))?;
    Ok(FileDigest::of_bytes(name, bytes, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_writer_hashes_like_a_direct_digest() {
        let mut w = DigestWriter::new(Vec::new());
        w.write_all(b"a,b\n1,2\n").expect("write");
        w.add_rows(1);
        let d = w.digest("x.csv");
        assert_eq!(d, FileDigest::of_bytes("x.csv", b"a,b\n1,2\n", 1));
        assert_eq!(d.bytes, 8);
    }

    #[test]
    fn verify_finds_a_flipped_byte_a_cut_and_a_missing_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let text = b"h\n1\n2\n3\n";
        std::fs::write(dir.path().join("f.csv"), text).expect("write");
        let record = FileDigest::of_bytes("f.csv", text, 3);
        verify(dir.path(), &record, true).expect("intact");
        std::fs::write(dir.path().join("f.csv"), b"h\n1\n2\n4\n").expect("write");
        let e = verify(dir.path(), &record, true)
            .expect_err("flipped")
            .to_string();
        assert!(e.contains("differ"), "{e}");
        std::fs::write(dir.path().join("f.csv"), b"h\n1\n2\n").expect("write");
        let e = verify(dir.path(), &record, true)
            .expect_err("cut")
            .to_string();
        assert!(e.contains("6 bytes where the manifest records 8"), "{e}");
        std::fs::remove_file(dir.path().join("f.csv")).expect("remove");
        let e = verify(dir.path(), &record, true)
            .expect_err("missing")
            .to_string();
        assert!(e.contains("missing"), "{e}");
    }

    #[test]
    fn a_prefix_verifies_and_resumes_to_the_whole_files_hash() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("f.csv"), b"h\n1\n2\ntorn").expect("write");
        let prefix = FileDigest::of_bytes("f.csv", b"h\n1\n", 1);
        let hashed = verify(dir.path(), &prefix, false).expect("prefix intact");
        assert!(verify(dir.path(), &prefix, true).is_err());
        let mut w = DigestWriter::resume(Vec::new(), hashed);
        w.write_all(b"3\n").expect("write");
        w.add_rows(1);
        assert_eq!(
            w.digest("f.csv"),
            FileDigest::of_bytes("f.csv", b"h\n1\n3\n", 2)
        );
    }
}
