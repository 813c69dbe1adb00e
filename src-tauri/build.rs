//! Reads `tauri.conf.json` (kept at the repository root, beside this package's manifest) and declares Sesame's own commands,
//! so that capabilities can allow exactly them and nothing else.

fn main() {
    // `include!` in a build script is not tracked by Cargo: declare the list as an input.
    println!("cargo:rerun-if-changed=src-tauri/src/command_names.in");
    // Nor are the capabilities once a directive is printed: a new permission must rebuild.
    println!("cargo:rerun-if-changed=capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    let commands: &[&str] = &include!("src/command_names.in");
    let attributes = tauri_build::Attributes::new()
        .config_path("tauri.conf.json")
        .capabilities_path_pattern("capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
