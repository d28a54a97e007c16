//! triage: sort a shop's mid/low reviews into call tiers and split them
//! among after-sales agents. The stages, in order: `input` → `classify` →
//! `assign` → `output`; `run` ties them together.

pub mod assign;
pub mod classify;
pub mod cli;
pub mod config;
pub mod eval;
pub mod exit;
pub mod followup;
pub mod gate;
pub mod input;
pub mod learn;
pub mod ledger;
pub mod output;
pub mod progress;
pub mod rules;
pub mod run;
pub mod text;
pub mod tier;
