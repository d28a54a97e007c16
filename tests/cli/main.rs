//! End-to-end tests: the real binary on fixtures written in each test.

mod assign;
mod classifier;
mod exports;
mod ledger;
mod rules_cmd;
mod triage;
mod util;
