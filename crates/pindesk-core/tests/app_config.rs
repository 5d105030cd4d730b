//! A guard on the desktop app's security configuration, read from `src-tauri/` as it is in
//! the repository (the app itself is not built here):
//!
//! - the CSP (`app.security.csp` in `tauri.conf.json`) must exist and allow no inline or
//!   evaluated script and no remote script source: in `script-src` (and `script-src-elem`,
//!   `script-src-attr`, `worker-src`, `object-src`, and `default-src` as their fallback) only
//!   `'self'`, `'none'` and Tauri's own hashes and nonces; and the UI may connect only to
//!   the IPC bridge;
//! - no capability grants filesystem (`fs:`), shell (`shell:`), generic HTTP (`http:`) or
//!   unscoped opener access, or lets a remote page call the app;
//! - devtools are off in release: no `devtools` feature on the `tauri` dependency (directly,
//!   in the workspace, or through a default feature) and no `"devtools": true` window.
//!
//! Every check reads the configuration as Tauri does on each platform: `tauri.conf.json`
//! with that platform's overlay (`tauri.linux.conf.json`, `tauri.windows.conf.json`,
//! `tauri.macos.conf.json`) merged over it as a JSON Merge Patch (RFC 7396), so an overlay
//! cannot reopen what the base file closes.
//!
//! Each check is a function returning the problems it finds; the last tests feed them bad
//! configurations to prove each rule can fail.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tauri_conf() -> Value {
    serde_json::from_str(&read(&repo().join("src-tauri/tauri.conf.json"))).unwrap()
}

/// The platforms Tauri reads an overlay for, by the overlay's file-name part.
const PLATFORMS: &[&str] = &["linux", "windows", "macos"];

/// `patch` merged over `base` as a JSON Merge Patch (RFC 7396), as Tauri merges an overlay.
fn merge_patch(base: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *base = patch.clone();
        return;
    };
    if !base.is_object() {
        *base = json!({});
    }
    let target = base.as_object_mut().expect("an object");
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// The configuration each platform runs with: `(platform, merged)`; the base alone where a
/// platform has no overlay.
fn platform_confs_in(dir: &Path) -> Vec<(&'static str, Value)> {
    let base: Value = serde_json::from_str(&read(&dir.join("tauri.conf.json"))).unwrap();
    PLATFORMS
        .iter()
        .map(|platform| {
            let mut conf = base.clone();
            let overlay = dir.join(format!("tauri.{platform}.conf.json"));
            if overlay.exists() {
                merge_patch(&mut conf, &serde_json::from_str(&read(&overlay)).unwrap());
            }
            (*platform, conf)
        })
        .collect()
}

fn platform_confs() -> Vec<(&'static str, Value)> {
    platform_confs_in(&repo().join("src-tauri"))
}

/// Every problem `check` finds in any platform's configuration, named by platform.
fn on_every_platform(check: impl Fn(&Value) -> Vec<String>) -> Vec<String> {
    platform_confs()
        .iter()
        .flat_map(|(platform, conf)| {
            check(conf)
                .into_iter()
                .map(move |p| format!("{platform}: {p}"))
        })
        .collect()
}

fn capabilities() -> Vec<(PathBuf, Value)> {
    let dir = repo().join("src-tauri/capabilities");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => {
                let value = serde_json::from_str(&read(&path)).unwrap();
                out.push((path, value));
            }
            Some("toml") => {
                let value: toml::Value = toml::from_str(&read(&path)).unwrap();
                out.push((path, serde_json::to_value(value).unwrap()));
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The checks.
// ---------------------------------------------------------------------------------------

/// Directives that decide where scripts may come from (`default-src` is their fallback).
const SCRIPT_DIRECTIVES: &[&str] = &[
    "default-src",
    "script-src",
    "script-src-elem",
    "script-src-attr",
    "worker-src",
    "object-src",
];

/// What the UI may connect to: Tauri's IPC bridge only.
const CONNECT_ALLOWED: &[&str] = &["'self'", "ipc:", "http://ipc.localhost"];

/// The CSP's directives as `(name, sources)`, from the object or the string form.
fn csp_directives(csp: &Value) -> Vec<(String, Vec<String>)> {
    let split = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    match csp {
        Value::String(s) => s
            .split(';')
            .filter_map(|d| {
                let mut parts = d.split_whitespace();
                let name = parts.next()?.to_ascii_lowercase();
                Some((name, parts.map(str::to_owned).collect()))
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let sources = match v {
                    Value::String(s) => split(s),
                    Value::Array(a) => a.iter().filter_map(Value::as_str).flat_map(split).collect(),
                    _ => Vec::new(),
                };
                (k.to_ascii_lowercase(), sources)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A script source that is neither local nor one of Tauri's injected hashes/nonces.
fn script_source_problem(source: &str) -> Option<&'static str> {
    let lower = source.to_ascii_lowercase();
    match lower.as_str() {
        "'self'" | "'none'" => None,
        "'unsafe-inline'" | "'unsafe-eval'" | "'unsafe-hashes'" | "'wasm-unsafe-eval'" => {
            Some("allows inline or evaluated script")
        }
        "'strict-dynamic'" => Some("lets loaded scripts load any other"),
        s if s.starts_with("'nonce-")
            || s.starts_with("'sha256-")
            || s.starts_with("'sha384-")
            || s.starts_with("'sha512-") =>
        {
            None
        }
        _ => Some("allows a remote or non-local script source"),
    }
}

fn csp_problems(conf: &Value) -> Vec<String> {
    let security = &conf["app"]["security"];
    let mut problems = Vec::new();
    let csp = &security["csp"];
    if csp.is_null() {
        problems.push("app.security.csp is missing: the webview would load anything".into());
        return problems;
    }
    for flag in [
        "dangerousDisableAssetCspModification",
        "dangerousRemoteDomainIpcAccess",
    ] {
        if !security[flag].is_null() && security[flag] != json!(false) {
            problems.push(format!("app.security.{flag} is set"));
        }
    }
    let directives = csp_directives(csp);
    let has = |name: &str| directives.iter().any(|(n, _)| n == name);
    if !has("script-src") && !has("default-src") {
        problems.push("the CSP has neither script-src nor default-src".into());
    }
    if !has("object-src") && !has("default-src") {
        problems.push("the CSP has neither object-src nor default-src".into());
    }
    for (name, sources) in &directives {
        if SCRIPT_DIRECTIVES.contains(&name.as_str()) {
            if sources.is_empty() {
                problems.push(format!("{name} is empty"));
            }
            for source in sources {
                if let Some(why) = script_source_problem(source) {
                    problems.push(format!("{name} {source}: {why}"));
                }
            }
        }
        if name == "connect-src" {
            for source in sources {
                if !CONNECT_ALLOWED.contains(&source.as_str()) {
                    problems.push(format!(
                        "connect-src {source}: the UI may connect only to the IPC bridge"
                    ));
                }
            }
        }
    }
    problems
}

/// The identifier of a permission entry (a string or `{ "identifier": … }`).
fn permission_id(permission: &Value) -> Option<&str> {
    permission
        .as_str()
        .or_else(|| permission["identifier"].as_str())
}

fn capability_problems(name: &str, capability: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if !capability["remote"].is_null() {
        problems.push(format!("{name}: lets remote pages call the app (remote)"));
    }
    let Some(permissions) = capability["permissions"].as_array() else {
        return problems;
    };
    for permission in permissions {
        let Some(id) = permission_id(permission) else {
            problems.push(format!("{name}: a permission without an identifier"));
            continue;
        };
        let plugin = id.split(':').next().unwrap_or_default();
        match plugin {
            "fs" | "shell" | "http" | "process" => {
                problems.push(format!("{name}: {id} grants {plugin} access"));
            }
            "opener" => {
                // Only opening listed https:// URLs, without wildcards, is acceptable.
                let scoped = permission["allow"].as_array().is_some_and(|allow| {
                    !allow.is_empty()
                        && allow.iter().all(|a| {
                            a["url"]
                                .as_str()
                                .is_some_and(|u| u.starts_with("https://") && !u.contains('*'))
                        })
                });
                if !scoped {
                    problems.push(format!("{name}: {id} can open anything"));
                }
            }
            _ => {}
        }
    }
    problems
}

/// Whether a `[dependencies]`-style table's `tauri` entry enables `devtools`.
fn dep_enables_devtools(deps: Option<&toml::Value>) -> bool {
    deps.and_then(|d| d.get("tauri"))
        .and_then(|t| t.get("features"))
        .and_then(toml::Value::as_array)
        .is_some_and(|f| f.iter().any(|f| f.as_str() == Some("devtools")))
}

fn devtools_problems(
    conf: &Value,
    app_cargo: &toml::Value,
    root_cargo: &toml::Value,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(windows) = conf["app"]["windows"].as_array() {
        for w in windows {
            if w["devtools"] == json!(true) {
                problems.push(format!(
                    "window {}: \"devtools\": true opens the inspector in release builds",
                    w["label"]
                ));
            }
        }
    }
    if dep_enables_devtools(app_cargo.get("dependencies")) {
        problems.push("src-tauri: the tauri dependency has the devtools feature".into());
    }
    if let Some(targets) = app_cargo.get("target").and_then(toml::Value::as_table) {
        for (cfg, table) in targets {
            if dep_enables_devtools(table.get("dependencies")) {
                problems.push(format!("src-tauri: tauri with devtools under target.{cfg}"));
            }
        }
    }
    if dep_enables_devtools(
        root_cargo
            .get("workspace")
            .and_then(|w| w.get("dependencies")),
    ) {
        problems.push("the workspace's tauri dependency has the devtools feature".into());
    }
    // A feature on by default that turns devtools on is the same as having it always.
    if let Some(features) = app_cargo.get("features").and_then(toml::Value::as_table) {
        let mut pending: Vec<String> = vec!["default".into()];
        let mut seen = Vec::new();
        while let Some(name) = pending.pop() {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            let Some(list) = features.get(&name).and_then(toml::Value::as_array) else {
                continue;
            };
            for item in list.iter().filter_map(toml::Value::as_str) {
                if item == "tauri/devtools" || item == "tauri?/devtools" {
                    problems.push(format!(
                        "src-tauri: feature {name} (on by default) enables tauri/devtools"
                    ));
                } else if features.contains_key(item) {
                    pending.push(item.to_owned());
                }
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------
// The repository's configuration passes.
// ---------------------------------------------------------------------------------------

#[test]
fn the_csp_allows_no_inline_or_remote_script() {
    let problems = on_every_platform(csp_problems);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn no_capability_grants_filesystem_shell_http_or_opener_access() {
    let caps = capabilities();
    assert!(!caps.is_empty(), "the app declares its capabilities");
    let mut problems = Vec::new();
    for (path, cap) in &caps {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        problems.extend(capability_problems(&name, cap));
    }
    // Capabilities inlined in the configuration (or an overlay) count too.
    problems.extend(on_every_platform(|conf| {
        conf["app"]["security"]["capabilities"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c.is_object())
            .flat_map(|cap| capability_problems("tauri.conf.json", cap))
            .collect()
    }));
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn devtools_are_off_in_release() {
    let app_cargo: toml::Value =
        toml::from_str(&read(&repo().join("src-tauri/Cargo.toml"))).unwrap();
    let root_cargo: toml::Value = toml::from_str(&read(&repo().join("Cargo.toml"))).unwrap();
    let problems = on_every_platform(|conf| devtools_problems(conf, &app_cargo, &root_cargo));
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn no_plugin_for_filesystem_shell_or_http_is_linked() {
    let app_cargo: toml::Value =
        toml::from_str(&read(&repo().join("src-tauri/Cargo.toml"))).unwrap();
    let deps = app_cargo
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .unwrap();
    for banned in [
        "tauri-plugin-fs",
        "tauri-plugin-shell",
        "tauri-plugin-http",
        "tauri-plugin-opener",
    ] {
        assert!(!deps.contains_key(banned), "src-tauri depends on {banned}");
    }
}

// ---------------------------------------------------------------------------------------
// Each rule can fail.
// ---------------------------------------------------------------------------------------

#[test]
fn every_platform_overlay_is_read_as_tauri_merges_it() {
    let confs = platform_confs();
    assert_eq!(confs.len(), PLATFORMS.len());
    // The Linux overlay in the repository is merged in: its bundle settings are there, and
    // the base file's CSP is still there beside them.
    let (_, linux) = confs.iter().find(|(p, _)| *p == "linux").unwrap();
    assert!(linux["bundle"]["linux"]["deb"]["desktopTemplate"].is_string());
    assert!(
        linux["app"]["security"]["csp"].is_object() || linux["app"]["security"]["csp"].is_string()
    );

    // An overlay that reopens the CSP, turns devtools on or drops the CSP is caught.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("src-tauri/tauri.conf.json"),
        dir.path().join("tauri.conf.json"),
    )
    .unwrap();
    let overlays = [
        (
            "windows",
            json!({"app": {"security": {"csp": {"script-src": "'self' 'unsafe-inline'"}}}}),
        ),
        (
            "macos",
            json!({"app": {"windows": [{"label": "main", "devtools": true}]}}),
        ),
        ("linux", json!({"app": {"security": {"csp": null}}})),
    ];
    let plain: toml::Value = toml::from_str("[dependencies]\ntauri = \"2\"\n").unwrap();
    for (platform, overlay) in &overlays {
        std::fs::write(
            dir.path().join(format!("tauri.{platform}.conf.json")),
            overlay.to_string(),
        )
        .unwrap();
    }
    for (platform, conf) in platform_confs_in(dir.path()) {
        let problems = [
            csp_problems(&conf),
            devtools_problems(&conf, &plain, &plain),
        ]
        .concat();
        assert!(!problems.is_empty(), "the {platform} overlay passed");
    }
}

fn conf_with_csp(csp: Value) -> Value {
    json!({"app": {"security": {"csp": csp}, "windows": [{"label": "main"}]}})
}

#[test]
fn the_csp_check_catches_every_kind_of_hole() {
    let good = tauri_conf()["app"]["security"]["csp"].clone();
    assert!(csp_problems(&conf_with_csp(good.clone())).is_empty());
    let bad = [
        ("script-src", "'self' 'unsafe-inline'"),
        ("script-src", "'self' 'unsafe-eval'"),
        ("script-src", "'self' https://cdn.example.com"),
        ("script-src", "'self' https:"),
        ("script-src", "'self' http:"),
        ("script-src", "*"),
        ("script-src", "'self' data:"),
        ("default-src", "'self' 'unsafe-inline'"),
        ("default-src", "*"),
        ("script-src-elem", "'self' blob:"),
        ("worker-src", "https:"),
        (
            "connect-src",
            "ipc: http://ipc.localhost https://api.example.com",
        ),
    ];
    for (directive, sources) in bad {
        let mut csp = good.clone();
        csp[directive] = json!(sources);
        let problems = csp_problems(&conf_with_csp(csp));
        assert!(!problems.is_empty(), "{directive} {sources} passed");
    }
    // The string form is read too.
    assert!(!csp_problems(&conf_with_csp(json!(
        "default-src 'self'; script-src 'self' 'unsafe-inline'"
    )))
    .is_empty());
    assert!(csp_problems(&conf_with_csp(json!(
        "default-src 'self'; script-src 'self' 'sha256-abc='"
    )))
    .is_empty());
    // No CSP, or no script directive at all.
    assert!(!csp_problems(&conf_with_csp(Value::Null)).is_empty());
    assert!(!csp_problems(&conf_with_csp(json!({"style-src": "'self'"}))).is_empty());
    let mut conf = conf_with_csp(good);
    conf["app"]["security"]["dangerousDisableAssetCspModification"] = json!(true);
    assert!(!csp_problems(&conf).is_empty());
}

#[test]
fn the_capability_check_catches_broad_permissions() {
    for permission in [
        json!("fs:default"),
        json!("fs:allow-read-file"),
        json!("shell:allow-execute"),
        json!("shell:allow-open"),
        json!("http:default"),
        json!({"identifier": "http:default", "allow": [{"url": "https://*"}]}),
        json!("opener:default"),
        json!({"identifier": "opener:allow-open-url", "allow": [{"url": "https://*"}]}),
        json!({"identifier": "opener:allow-open-url", "allow": [{"url": "http://example.com"}]}),
    ] {
        let cap = json!({"identifier": "x", "windows": ["main"], "permissions": ["core:default", permission]});
        assert!(
            !capability_problems("x.json", &cap).is_empty(),
            "{permission} passed"
        );
    }
    let fine = json!({"identifier": "x", "permissions": ["core:default", "allow-app-info", {"identifier": "opener:allow-open-url", "allow": [{"url": "https://pindesk.invalid/help"}]}]});
    assert!(capability_problems("x.json", &fine).is_empty());
    let remote = json!({"identifier": "x", "remote": {"urls": ["https://*.example.com"]}, "permissions": []});
    assert!(!capability_problems("x.json", &remote).is_empty());
}

#[test]
fn the_devtools_check_catches_every_way_to_turn_them_on() {
    let conf = conf_with_csp(json!({"script-src": "'self'"}));
    let plain: toml::Value =
        toml::from_str("[dependencies]\ntauri = { workspace = true }\n").unwrap();
    let root: toml::Value = toml::from_str("[workspace.dependencies]\ntauri = \"2\"\n").unwrap();
    assert!(devtools_problems(&conf, &plain, &root).is_empty());

    let direct: toml::Value =
        toml::from_str("[dependencies]\ntauri = { workspace = true, features = [\"devtools\"] }\n")
            .unwrap();
    assert!(!devtools_problems(&conf, &direct, &root).is_empty());
    let by_target: toml::Value = toml::from_str("[target.'cfg(unix)'.dependencies]\ntauri = { version = \"2\", features = [\"devtools\"] }\n").unwrap();
    assert!(!devtools_problems(&conf, &by_target, &root).is_empty());
    let root_devtools: toml::Value = toml::from_str(
        "[workspace.dependencies]\ntauri = { version = \"2\", features = [\"devtools\"] }\n",
    )
    .unwrap();
    assert!(!devtools_problems(&conf, &plain, &root_devtools).is_empty());
    let by_default: toml::Value =
        toml::from_str("[features]\ndefault = [\"inspect\"]\ninspect = [\"tauri/devtools\"]\n")
            .unwrap();
    assert!(!devtools_problems(&conf, &by_default, &root).is_empty());
    // An opt-in feature, off by default, is not flagged.
    let opt_in: toml::Value =
        toml::from_str("[features]\ninspect = [\"tauri/devtools\"]\n").unwrap();
    assert!(devtools_problems(&conf, &opt_in, &root).is_empty());

    let mut window = conf.clone();
    window["app"]["windows"][0]["devtools"] = json!(true);
    assert!(!devtools_problems(&window, &plain, &root).is_empty());
}
