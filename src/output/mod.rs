//! Writing a run's outputs: what lands in the output folder, and how safely.
//!
//! Owns the staging of every file in a hidden folder beside the outputs and
//! the renames that put them in place only after all were written, so a run
//! that fails part-way leaves the last good outputs untouched. The formats
//! live in `csv.rs` (files for people and scripts) and `json.rs` (the summary).

pub mod csv;
pub mod json;

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Files written to a staging folder, moved into place by `commit`.
pub struct Staged {
    out: PathBuf,
    dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    has_calls: bool,
    archive: Option<String>,
}

impl Staged {
    /// Create the output folder (if needed) and a staging folder inside it.
    pub fn new(out: &Path) -> Result<Staged> {
        fs::create_dir_all(out).with_context(|| format!("cannot create the output folder {}", out.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(".triage-staging-")
            .tempdir_in(out)
            .with_context(|| format!("cannot write in the output folder {}", out.display()))?;
        Ok(Staged {
            out: out.to_path_buf(),
            dir,
            files: Vec::new(),
            has_calls: false,
            archive: None,
        })
    }

    /// Write one file (a path relative to the output folder) through `f`.
    pub fn write(&mut self, rel: &str, f: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let file = fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = BufWriter::new(file);
        f(&mut w).with_context(|| format!("cannot write {}", self.out.join(rel).display()))?;
        w.flush()
            .with_context(|| format!("cannot write {}", self.out.join(rel).display()))?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all().ok();
        if rel.starts_with("calls/") {
            self.has_calls = true;
        } else {
            self.files.push(PathBuf::from(rel));
        }
        Ok(())
    }

    /// Mark that this run has a calls folder, even an empty one.
    pub fn calls_folder(&mut self) -> Result<()> {
        let p = self.dir.path().join("calls");
        fs::create_dir_all(&p).with_context(|| format!("cannot create {}", p.display()))?;
        self.has_calls = true;
        Ok(())
    }

    /// Keep the call lists this run replaces under `archive/<label>/`
    /// instead of deleting them (agents may still be filling in results).
    pub fn archive_old_calls(&mut self, label: &str) {
        self.archive = Some(label.to_string());
    }

    /// Move every staged file into place. Each file is replaced by a rename,
    /// so a reader never sees half a file; the calls folder is swapped whole,
    /// so lists of agents not in this run do not linger.
    pub fn commit(self) -> Result<()> {
        if let Err(e) = self.move_into_place() {
            // the ledger already counts these lists as handed out: keep them
            let kept = self.dir.keep();
            return Err(e.context(format!(
                "this run's outputs are kept in {}; move them into {} by hand",
                kept.display(),
                self.out.display()
            )));
        }
        let staging = self.dir.path().to_path_buf();
        self.dir
            .close()
            .with_context(|| format!("cannot remove {}", staging.display()))?;
        Ok(())
    }

    fn move_into_place(&self) -> Result<()> {
        for rel in &self.files {
            let to = self.out.join(rel);
            fs::rename(self.dir.path().join(rel), &to)
                .with_context(|| format!("cannot move {} into place", to.display()))?;
        }
        let calls = self.out.join("calls");
        if self.has_calls {
            let old = self.dir.path().join("calls.old");
            if calls.exists() {
                let keep = match &self.archive {
                    Some(label) => {
                        let root = self.out.join("archive");
                        fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
                        let mut to = root.join(label);
                        let mut n = 2;
                        while to.exists() {
                            to = root.join(format!("{label}-{n}"));
                            n += 1;
                        }
                        to
                    }
                    None => old,
                };
                fs::rename(&calls, &keep).with_context(|| format!("cannot replace {}", calls.display()))?;
            }
            fs::rename(self.dir.path().join("calls"), &calls)
                .with_context(|| format!("cannot move {} into place", calls.display()))?;
        }
        Ok(())
    }
}

/// The call-list file name of each agent, in roster order: the name made
/// safe (`file_name_for`), cut to a length every file system takes, and
/// made unique even where case is ignored (Windows, macOS), so that no list
/// overwrites another: `a/b` and `a_b` give `a_b` and `a_b-2`.
pub fn call_list_names<'a>(agents: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    agents
        .into_iter()
        .map(|agent| {
            let mut base = file_name_for(agent);
            if base.len() > MAX_NAME_BYTES {
                let cut = (0..=MAX_NAME_BYTES)
                    .rev()
                    .find(|&i| base.is_char_boundary(i))
                    .unwrap_or(0);
                base.truncate(cut);
            }
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// Bytes of an agent's name kept in a file name (most file systems take 255
/// in all, with room left for a `-2` and `.csv`).
const MAX_NAME_BYTES: usize = 120;

/// A file name for an agent's list: the name, with characters that no file
/// system accepts replaced.
pub fn file_name_for(agent: &str) -> String {
    let cleaned: String = agent
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').to_string();
    // names Windows keeps for devices (CON.csv cannot be made there)
    let upper = cleaned.to_ascii_uppercase();
    let device = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit());
    if cleaned.is_empty() {
        "_".into()
    } else if device {
        format!("{cleaned}_")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_files_appear_only_on_commit_and_replace_old_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("calls")).unwrap();
        fs::write(out.join("summary.json"), "old").unwrap();
        fs::write(out.join("calls/离职的人.csv"), "old").unwrap();
        let mut s = Staged::new(&out).unwrap();
        s.write("summary.json", |w| Ok(w.write_all(b"new")?)).unwrap();
        s.write("calls/小李.csv", |w| Ok(w.write_all(b"list")?)).unwrap();
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "old");
        // a failed run drops its staging folder and leaves the old outputs
        let mut failed = Staged::new(&out).unwrap();
        let err = failed.write("triaged.csv", |_| anyhow::bail!("disk full"));
        assert!(err.is_err());
        drop(failed);
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "new");
        assert!(out.join("calls/小李.csv").exists());
        assert!(!out.join("calls/离职的人.csv").exists());
        assert!(!out.join("triaged.csv").exists());
        let left: Vec<_> = fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }

    #[test]
    fn agent_names_become_safe_file_names() {
        assert_eq!(file_name_for("张伟"), "张伟");
        assert_eq!(file_name_for("a/b:c"), "a_b_c");
        assert_eq!(file_name_for(".."), "_");
        assert_eq!(file_name_for("con"), "con_");
        assert_eq!(file_name_for("Com1"), "Com1_");
        assert_eq!(file_name_for("Connie"), "Connie");
    }

    #[test]
    fn every_agent_gets_a_list_of_their_own() {
        let long = "张".repeat(100);
        let names = call_list_names(["a/b", "a_b", "Amy", "amy", "a_b-2", &long, "张伟"]);
        assert_eq!(names[..5], ["a_b", "a_b-2", "Amy", "amy-2", "a_b-2-2"]);
        assert!(
            names[5].len() <= MAX_NAME_BYTES && names[5].starts_with("张张"),
            "{}",
            names[5]
        );
        assert_eq!(names[6], "张伟");
    }
}
