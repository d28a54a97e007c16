//! Test harness: a temporary work folder, the real binary, and readers for
//! what it writes. On failure, every assertion prints the command, its
//! folder, stdout and stderr.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What one run of the binary gave.
pub struct Run {
    pub cmd: String,
    pub cwd: PathBuf,
    pub out: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }

    fn report(&self) -> String {
        format!(
            "command: {}\ncwd: {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.cmd,
            self.cwd.display(),
            self.code(),
            self.stdout(),
            self.stderr()
        )
    }

    /// Assert the exit status, showing everything when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code(), code, "unexpected exit status\n{}", self.report());
        self
    }

    pub fn expect_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr().contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.report()
        );
        self
    }

    pub fn expect_stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout().contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.report()
        );
        self
    }
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&p, contents).unwrap();
        p
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Run `triage` with `args` in this folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let bin = env!("CARGO_BIN_EXE_triage");
        let out = Command::new(bin)
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("run triage");
        Run {
            cmd: format!("triage {}", args.join(" ")),
            cwd: self.path().to_path_buf(),
            out,
        }
    }

    /// Rows of a CSV the tool wrote (a BOM is stripped), as header -> value.
    pub fn csv_rows(&self, rel: &str) -> Vec<BTreeMap<String, String>> {
        let bytes = self.read(rel);
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let mut rdr = csv::Reader::from_reader(body);
        let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                headers.iter().cloned().zip(r.iter().map(String::from)).collect()
            })
            .collect()
    }

    pub fn json(&self, rel: &str) -> serde_json::Value {
        serde_json::from_slice(&self.read(rel)).unwrap()
    }
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// ../shared/data beside the repository, where CI puts it.
pub fn shared_data() -> Option<PathBuf> {
    let p = repo().join("../shared/data");
    p.join("dev.csv").exists().then_some(p)
}

/// A Taobao-style export with the given rows (order, buyer, item, rating, text, time).
pub fn taobao_export(rows: &[[&str; 6]]) -> String {
    let mut s = String::from("订单编号,买家昵称,宝贝名称,评价等级,评价内容,评价时间\n");
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    s
}
