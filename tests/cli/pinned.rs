//! Old configs give old bytes. `tests/cli/pinned/` holds frozen copies of
//! every config shipped before the world could move during the talks
//! (time-varying threat, events, outside options chosen every round). A
//! seeded `run --trace` of each, and a small sweep of each that has a
//! `[sweep]` table, must write exactly the datasets they wrote then: the
//! SHA-256 of every CSV file is pinned below. A config that leaves the new
//! keys out must not notice that they exist.
//!
//! The copies are frozen on purpose: `configs/` may change (the baseline now
//! encodes the 2007–2009 timeline); these may not. A hash that changes is a
//! change of behaviour of an old config and a bug, not a snapshot to accept.

use std::path::Path;

use tempfile::TempDir;

use super::common::*;

const PINNED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/pinned");

/// (config, command, file, SHA-256) as written before the new mechanisms.
const HASHES: &[(&str, &str, &str, &str)] = &[
    (
        "baseline.toml",
        "run",
        "runs.csv",
        "5942c8e0c2edb81865283fbf456819c0ad210af68e3d0a7afea1a84720364cad",
    ),
    (
        "baseline.toml",
        "run",
        "rounds.csv",
        "3d2451d99f85bd8be3a2a601a93438451a8a3cfa14c52a1af3c5e48aaad26f86",
    ),
    (
        "baseline.toml",
        "sweep",
        "design.csv",
        "f1164aa058cc707999174dbc3ad01fb4852882f5c31c4cfb186a8451ed39f54c",
    ),
    (
        "baseline.toml",
        "sweep",
        "runs.csv",
        "6af7edfa78707af1cebbcaec29311655525eb91e2ba830849f445e62d1d8cbab",
    ),
    (
        "baseline.toml",
        "sweep",
        "rounds.csv",
        "755c189c9ac19e9cc5e5edbefd5538e3b4a7cfbd2aedadfd82fd4fd8e8f152df",
    ),
    (
        "baseline.toml",
        "sweep",
        "summary.csv",
        "84fb40a1eb4ab53c304302eb6064ce8aa6213f8ea25d881535613fdf0997bfa4",
    ),
    (
        "baseline_calibrated.toml",
        "run",
        "runs.csv",
        "8fa06ff0d437ba2cd98902b5363a771d12dfa83366225a7a29a43af3e87eea77",
    ),
    (
        "baseline_calibrated.toml",
        "run",
        "rounds.csv",
        "39f4f426bf6adfeef231f04fdb5ff9dab741af912ae767f3fdec2894b931231e",
    ),
    (
        "german_pressure.toml",
        "run",
        "runs.csv",
        "5942c8e0c2edb81865283fbf456819c0ad210af68e3d0a7afea1a84720364cad",
    ),
    (
        "german_pressure.toml",
        "run",
        "rounds.csv",
        "3d2451d99f85bd8be3a2a601a93438451a8a3cfa14c52a1af3c5e48aaad26f86",
    ),
    (
        "german_pressure.toml",
        "sweep",
        "design.csv",
        "ad69f6474d96346d1db3768660f3311b4f308cdea2f2121675edaa1401a30cc1",
    ),
    (
        "german_pressure.toml",
        "sweep",
        "runs.csv",
        "e0d99db519ee22610c7095a1a2de2bb7a1bd9327f5af3289529d788ee692b434",
    ),
    (
        "german_pressure.toml",
        "sweep",
        "rounds.csv",
        "d53adad5395442fecea007818e658f197d4105f2746314af4955f74daf1849a5",
    ),
    (
        "german_pressure.toml",
        "sweep",
        "summary.csv",
        "a8f6d5057e8683f7e25afd251b46f00ef097215c4b7019da5b00e1920f13aa88",
    ),
    (
        "history.toml",
        "run",
        "runs.csv",
        "5942c8e0c2edb81865283fbf456819c0ad210af68e3d0a7afea1a84720364cad",
    ),
    (
        "history.toml",
        "run",
        "rounds.csv",
        "3d2451d99f85bd8be3a2a601a93438451a8a3cfa14c52a1af3c5e48aaad26f86",
    ),
    (
        "oil_leverage.toml",
        "run",
        "runs.csv",
        "5942c8e0c2edb81865283fbf456819c0ad210af68e3d0a7afea1a84720364cad",
    ),
    (
        "oil_leverage.toml",
        "run",
        "rounds.csv",
        "3d2451d99f85bd8be3a2a601a93438451a8a3cfa14c52a1af3c5e48aaad26f86",
    ),
    (
        "oil_leverage.toml",
        "sweep",
        "design.csv",
        "7f991b219daecaa5611e5c9dec3bf11ff5a6e23de6cceb0b24dbc3a2101e34a0",
    ),
    (
        "oil_leverage.toml",
        "sweep",
        "runs.csv",
        "43a2be6db846b2c98189997a0118fc8f28b7f74ac73c9b01f52bd819ca9312f8",
    ),
    (
        "oil_leverage.toml",
        "sweep",
        "rounds.csv",
        "073e36def6303996d028ddf5a6cacb94ebe4749032302e34e84cceee71ea44c6",
    ),
    (
        "oil_leverage.toml",
        "sweep",
        "summary.csv",
        "e99f16193dbbc211f231fa3064881132ee170e84d81d6a835304263bdde76a54",
    ),
    (
        "sensitivity.toml",
        "run",
        "runs.csv",
        "5942c8e0c2edb81865283fbf456819c0ad210af68e3d0a7afea1a84720364cad",
    ),
    (
        "sensitivity.toml",
        "run",
        "rounds.csv",
        "3d2451d99f85bd8be3a2a601a93438451a8a3cfa14c52a1af3c5e48aaad26f86",
    ),
    (
        "sensitivity.toml",
        "sweep",
        "design.csv",
        "397c188330b62acede0eb975c616575b80438cd9b3ab80aa5ba4324088705ced",
    ),
    (
        "sensitivity.toml",
        "sweep",
        "runs.csv",
        "4dd943f1fcfcd12a4b32fac95123ac90fe91b1cf7c8ef5fce565347f30d52db6",
    ),
    (
        "sensitivity.toml",
        "sweep",
        "rounds.csv",
        "87cb7dfa74acc28fadbe54cda3992c407e3b5aa52cd3f72486acdf77d4290264",
    ),
    (
        "sensitivity.toml",
        "sweep",
        "summary.csv",
        "961c00dfb57e8ad7b71c689465d3bd768036e4d6ca3669180ae29ff044461d42",
    ),
    (
        "split_the_pie.toml",
        "run",
        "runs.csv",
        "8c1c4cc6c4a2d52abf3927bcb0bcda85fcad319961d7632f428f82dc5520572f",
    ),
    (
        "split_the_pie.toml",
        "run",
        "rounds.csv",
        "5675c8f19476592be9944981310e23e43738f74d8c07f4b0395bdb5c57a1c0e8",
    ),
    (
        "start_linkage.toml",
        "run",
        "runs.csv",
        "5942c8e0c2edb81865283fbf456819c0ad210af68e3d0a7afea1a84720364cad",
    ),
    (
        "start_linkage.toml",
        "run",
        "rounds.csv",
        "3d2451d99f85bd8be3a2a601a93438451a8a3cfa14c52a1af3c5e48aaad26f86",
    ),
    (
        "start_linkage.toml",
        "sweep",
        "design.csv",
        "f13728bb4198a06ff6ba4108ec0102cd58883af18d0fafebe390ce69b0c61656",
    ),
    (
        "start_linkage.toml",
        "sweep",
        "runs.csv",
        "48c7480d17553d288abf339c067e3d9fa1cbdfe9cc9ea223286b03008ffd015b",
    ),
    (
        "start_linkage.toml",
        "sweep",
        "rounds.csv",
        "eeece6d65f5a910b7628109f182b0dcb0370ab80f705cad7bcd06d907a9b7ca0",
    ),
    (
        "start_linkage.toml",
        "sweep",
        "summary.csv",
        "1e77349210bcb803d7cdc18935698c37688aa68f1bb4e9ebc078b1f115c5218d",
    ),
    (
        "us_strategy.toml",
        "run",
        "runs.csv",
        "5942c8e0c2edb81865283fbf456819c0ad210af68e3d0a7afea1a84720364cad",
    ),
    (
        "us_strategy.toml",
        "run",
        "rounds.csv",
        "3d2451d99f85bd8be3a2a601a93438451a8a3cfa14c52a1af3c5e48aaad26f86",
    ),
    (
        "us_strategy.toml",
        "sweep",
        "design.csv",
        "43cebace627b8bf1e04980e871d4e7d64af418a4ac08fb8cc1a8e9e9b1079305",
    ),
    (
        "us_strategy.toml",
        "sweep",
        "runs.csv",
        "283370b52ac9bcea8975be29a0552ece7e5fa61c072a65d461c9931ce99a6c1c",
    ),
    (
        "us_strategy.toml",
        "sweep",
        "rounds.csv",
        "40a9d529ee1582d992a41415add78af448de51865a2487fffb153c12b2e25248",
    ),
    (
        "us_strategy.toml",
        "sweep",
        "summary.csv",
        "f53eecf76cd4e730bd7a909f4ba69ebf4370ad4cf8933b8c3288d31118b24bbc",
    ),
    (
        "theory/clamped_pie.toml",
        "run",
        "runs.csv",
        "b13556af90a22f24bf2e172e679f4ad83c2e75bd7dd30d26b3b244bd010b9f42",
    ),
    (
        "theory/clamped_pie.toml",
        "run",
        "rounds.csv",
        "4344ffaf62a192b452031d23e98bdf8f13064e963e3f905fd6198be83ac9c045",
    ),
    (
        "theory/nash_vs_ks.toml",
        "run",
        "runs.csv",
        "ec03b8d11c5bcd481de07d9058b18dad5dabb6fcf524ed688834c1ebb50bbf56",
    ),
    (
        "theory/nash_vs_ks.toml",
        "run",
        "rounds.csv",
        "bdb0af8b4f81e3ce011cb62c584fb815a3350ecf6eb8cd8c2ff2e5abd8873292",
    ),
    (
        "theory/rubinstein.toml",
        "run",
        "runs.csv",
        "0f44cf65591da1a1f95d9bcc50197517befc689e99d9a7560b483a69f34668f4",
    ),
    (
        "theory/rubinstein.toml",
        "run",
        "rounds.csv",
        "2838d54174319c21507459f52e17741b10768f8aedf27d3372c8b22384410fa8",
    ),
    (
        "theory/rubinstein_unequal.toml",
        "run",
        "runs.csv",
        "527a3d75c2de0ffa6ee1e415ed41f21040efafa238f1a61df1b9f6521788ffc3",
    ),
    (
        "theory/rubinstein_unequal.toml",
        "run",
        "rounds.csv",
        "06be800f033538938de6c0e679b91f934238a3280dff98728781fb39a5b2292b",
    ),
    (
        "theory/two_pies.toml",
        "run",
        "runs.csv",
        "ff9bd63f40ba4bb7bd6dc196b597ec14a34df4dc3ac0714027874e4eaf5387d8",
    ),
    (
        "theory/two_pies.toml",
        "run",
        "rounds.csv",
        "6a5a1d10ab471e8bf1a6e9dd786b753c499298223b01b5c03e698a73703a269b",
    ),
    (
        "theory/zeuthen_nash.toml",
        "run",
        "runs.csv",
        "37e40d886f728d94d5095d6d4cbbbeb722e43f46eb027e9dbe03c9e0537f0e36",
    ),
    (
        "theory/zeuthen_nash.toml",
        "run",
        "rounds.csv",
        "3b6e06b3f6f9274162ec80d9fb30770fb171103999dffea2c32782b1526c14c1",
    ),
];

fn hashes_of(config: &str, command: &str, dir: &Path) -> Vec<(String, String, String, String)> {
    let files: &[&str] = if command == "run" {
        &["runs.csv", "rounds.csv"]
    } else {
        &["design.csv", "runs.csv", "rounds.csv", "summary.csv"]
    };
    files
        .iter()
        .map(|file| {
            (
                config.to_string(),
                command.to_string(),
                file.to_string(),
                sha256_hex(&read_bytes(&dir.join(file))),
            )
        })
        .collect()
}

/// Every frozen config: a run of 40 replicates with its trace, and for a
/// study config a sweep of 2 replicates per point, both with seed 11.
fn outputs() -> Vec<(String, String, String, String)> {
    let work = TempDir::new().unwrap();
    let mut configs: Vec<String> = Vec::new();
    for dir in ["", "theory/"] {
        let mut names: Vec<String> = std::fs::read_dir(Path::new(PINNED).join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("{dir}{n}"))
            .collect();
        names.sort();
        configs.extend(names);
    }
    let mut all = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        let path = Path::new(PINNED).join(config);
        let out = work.path().join(format!("run{i}"));
        detente()
            .args(["run", "-n", "40", "--seed", "11", "--trace", "-j", "2"])
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        all.extend(hashes_of(config, "run", &out));
        let text = std::fs::read_to_string(&path).unwrap();
        let study = text.contains("[sweep]") || config == "sensitivity.toml";
        if study {
            let out = work.path().join(format!("sweep{i}"));
            detente()
                .args(["sweep", "-n", "2", "--seed", "11", "--no-plots", "-q"])
                .args(["-j", "2"])
                .arg(&path)
                .arg("--out")
                .arg(&out)
                .assert()
                .success();
            all.extend(hashes_of(config, "sweep", &out));
        }
    }
    all
}

#[test]
fn old_configs_write_the_bytes_they_wrote_before_the_world_moved() {
    let got = outputs();
    let listing: String = got
        .iter()
        .map(|(c, cmd, f, h)| format!("    (\"{c}\", \"{cmd}\", \"{f}\", \"{h}\"),\n"))
        .collect();
    assert_eq!(
        got.len(),
        HASHES.len(),
        "pinned outputs differ in number; got:\n{listing}"
    );
    for ((c, cmd, f, h), (ec, ecmd, ef, eh)) in got.iter().zip(HASHES) {
        assert_eq!(
            (c.as_str(), cmd.as_str(), f.as_str()),
            (*ec, *ecmd, *ef),
            "got:\n{listing}"
        );
        assert_eq!(
            h, eh,
            "{cmd} {c}: {f} changed; an old config must give old bytes"
        );
    }
}
