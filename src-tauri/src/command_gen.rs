//! What follows from the list of commands in `command_list.rs`: the invoke handler
//! ([`command_handler!`]) and, in the tests, the generated files (`capabilities/default.json`,
//! `capabilities/kiosk.json`, `ui/src/commands.ts`) and the check that the list matches the
//! `#[tauri::command]` functions in `src/commands/`.

/// `tauri::generate_handler!` over every listed command (`for_each_command!(command_handler)`).
macro_rules! command_handler {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, kiosk: $kiosk:literal;)*) => {
        tauri::generate_handler![$(crate::commands::$name),*]
    };
}

/// The names of the listed commands a kiosk may call (`kiosk: true`).
macro_rules! kiosk_command_names {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, kiosk: $kiosk:literal;)*) => {
        &[$(($kiosk, stringify!($name))),*]
    };
}

/// Whether a kiosk may call the app's command `name`, as the list says; any other name
/// (including one the list does not know) is refused.
pub fn kiosk_allows(name: &str) -> bool {
    const LISTED: &[(bool, &str)] = for_each_command!(kiosk_command_names);
    LISTED
        .iter()
        .any(|&(kiosk, listed)| kiosk && listed == name)
}

#[cfg(test)]
mod tests {
    //! `export_bindings_capabilities` and `export_bindings_commands` fail when the committed
    //! files differ from what the list generates, and rewrite them when
    //! `PINDESK_WRITE_BINDINGS=1` is set (`make bindings`), as `export_bindings` does for
    //! `ui/src/bindings/`. `the_list_matches_the_command_functions` reads `src/commands/`.

    use crate::commands::CmdResult;
    use crate::ipc::*;
    use pindesk_core::api::*;
    use pindesk_core::profile::AppSettings;
    use quote::ToTokens;
    use serde::Serialize;
    use std::any::TypeId;
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::path::{Path, PathBuf};
    use ts_rs::{Config, Dependency, TypeVisitor, TS};

    /// One listed command, with its TypeScript types.
    struct Command {
        name: &'static str,
        doc: Vec<&'static str>,
        kiosk: bool,
        args: Vec<Arg>,
        /// The return type as the list writes it.
        ret: &'static str,
        /// The type the UI's promise resolves to.
        ret_ts: String,
        /// The binding types the argument and return types use.
        imports: Vec<String>,
    }

    struct Arg {
        name: &'static str,
        rust: &'static str,
        ts: String,
    }

    /// What a command's reply is in TypeScript: a `CmdResult<T>` resolves to `T` (its error is
    /// the rejection), any other return type to itself.
    trait Reply {
        type Ok: TS + 'static;
    }
    impl<T: TS + 'static> Reply for CmdResult<T> {
        type Ok = T;
    }
    impl Reply for () {
        type Ok = ();
    }
    impl Reply for AppInfo {
        type Ok = AppInfo;
    }

    /// A type's TypeScript name, with `X[]` for ts-rs's `Array<X>` (as the UI writes it).
    fn ts_name<T: TS>(cfg: &Config) -> String {
        let name = T::name(cfg);
        match name
            .strip_prefix("Array<")
            .and_then(|n| n.strip_suffix('>'))
        {
            Some(inner) if inner.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                format!("{inner}[]")
            }
            _ => name,
        }
    }

    fn reply_ts<R: Reply>(cfg: &Config) -> String {
        if TypeId::of::<R::Ok>() == TypeId::of::<()>() {
            "void".to_owned()
        } else {
            ts_name::<R::Ok>(cfg)
        }
    }

    /// The binding files (their names, without `.ts`) that `T` names: itself when it is one,
    /// and its type arguments (`Vec<ProfileView>`, `Option<DemoSms>`).
    fn imports<T: TS + 'static>(cfg: &Config) -> Vec<String> {
        struct Visit<'a>(&'a Config, Vec<String>);
        impl TypeVisitor for Visit<'_> {
            fn visit<U: TS + 'static + ?Sized>(&mut self) {
                if let Some(dep) = Dependency::from_ty::<U>(self.0) {
                    let stem = dep.output_path.with_extension("");
                    self.1.push(stem.to_string_lossy().into_owned());
                }
            }
        }
        let mut visit = Visit(cfg, Vec::new());
        visit.visit::<T>();
        T::visit_generics(&mut visit);
        visit.1
    }

    macro_rules! commands {
        ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, kiosk: $kiosk:literal;)*) => {
            |cfg: &Config| -> Vec<Command> {
                vec![$(Command {
                    name: stringify!($name),
                    doc: vec![$($doc.trim()),*],
                    kiosk: $kiosk,
                    args: vec![$(Arg {
                        name: stringify!($arg),
                        rust: stringify!($ty),
                        ts: ts_name::<$ty>(cfg),
                    }),*],
                    ret: stringify!($ret),
                    ret_ts: reply_ts::<$ret>(cfg),
                    imports: imports::< <$ret as Reply>::Ok >(cfg)
                        .into_iter()
                        $(.chain(imports::<$ty>(cfg)))*
                        .collect(),
                }),*]
            }
        };
    }

    fn listed() -> Vec<Command> {
        let cfg = Config::new();
        (for_each_command!(commands))(&cfg)
    }

    fn src_tauri() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// `snake_case` → `camelCase`, as Tauri maps argument names to the keys the UI sends.
    fn camel(snake: &str) -> String {
        let mut out = String::new();
        for (i, part) in snake.split('_').enumerate() {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) if i > 0 => out.extend(first.to_uppercase().chain(chars)),
                _ => out.push_str(part),
            }
        }
        out
    }

    /// The longest signature line a wrapper keeps on one line (a longer one gets a line per
    /// argument), as in the wrappers written by hand before.
    const WIDTH: usize = 121;

    /// `ui/src/commands.ts`: one typed wrapper per command.
    fn commands_ts(commands: &[Command]) -> String {
        let mut out = String::from(
            "// Generated from src-tauri/src/command_list.rs by `make bindings`. Do not edit this file manually.\n\
             /**\n \
             * The typed wrappers of the desktop app's commands, re-exported by `./ipc`. Each function names\n \
             * one Rust command and uses the types generated from Rust into `./bindings/`, so no payload\n \
             * type is written by hand. Screens call these functions, never `invoke` directly.\n \
             */\n\
             import { invoke } from \"@tauri-apps/api/core\";\n",
        );
        let imports: BTreeSet<&String> = commands.iter().flat_map(|c| &c.imports).collect();
        for name in imports {
            out += &format!("import type {{ {name} }} from \"./bindings/{name}\";\n");
        }
        for c in commands {
            out.push('\n');
            match c.doc.as_slice() {
                [line] => out += &format!("/** {line} */\n"),
                lines => {
                    out += "/**\n";
                    for line in lines {
                        out += &format!(" * {line}\n");
                    }
                    out += " */\n";
                }
            }
            let params: Vec<String> = c
                .args
                .iter()
                .map(|a| format!("{}: {}", camel(a.name), a.ts))
                .collect();
            let function = camel(c.name);
            let promise = format!("Promise<{}>", c.ret_ts);
            let one_line = format!(
                "export function {function}({}): {promise} {{",
                params.join(", ")
            );
            if one_line.len() <= WIDTH {
                out += &one_line;
                out.push('\n');
            } else {
                out += &format!("export function {function}(\n");
                for p in &params {
                    out += &format!("  {p},\n");
                }
                out += &format!("): {promise} {{\n");
            }
            let keys: Vec<String> = c.args.iter().map(|a| camel(a.name)).collect();
            let args = if keys.is_empty() {
                String::new()
            } else {
                format!(", {{ {} }}", keys.join(", "))
            };
            out += &format!("  return invoke<{}>(\"{}\"{args});\n}}\n", c.ret_ts, c.name);
        }
        out
    }

    /// A capability file, its fields in the order Tauri's documentation uses.
    #[derive(Serialize)]
    struct Capability {
        #[serde(rename = "$schema")]
        schema: &'static str,
        identifier: &'static str,
        description: &'static str,
        windows: Vec<&'static str>,
        permissions: Vec<String>,
    }

    fn capability(
        identifier: &'static str,
        description: &'static str,
        windows: Vec<&'static str>,
        commands: impl Iterator<Item = &'static str>,
    ) -> String {
        let capability = Capability {
            schema: "../gen/schemas/desktop-schema.json",
            identifier,
            description,
            windows,
            permissions: commands
                .map(|c| format!("allow-{}", c.replace('_', "-")))
                .collect(),
        };
        serde_json::to_string_pretty(&capability).expect("capability as JSON") + "\n"
    }

    /// `capabilities/*.json` by file name: `default` grants every command to the main
    /// window; `kiosk` grants the kiosk's commands only, to a kiosk's window (labelled
    /// `kiosk`). `tauri.conf.json` enables both.
    fn capabilities(commands: &[Command]) -> BTreeMap<String, String> {
        let default = capability(
            "default",
            "What the main window's UI may call: the app's own commands, one by one, and nothing of Tauri's core it does not use.",
            vec![crate::window::MAIN],
            commands.iter().map(|c| c.name),
        );
        let kiosk = capability(
            "kiosk",
            "What a kiosk's UI may call: the commands of the Vault and Solid screens (none of the credentials, settings or history commands). A kiosk's window is labelled 'kiosk', so the page cannot even call the others.",
            vec![crate::window::KIOSK],
            commands.iter().filter(|c| c.kiosk).map(|c| c.name),
        );
        BTreeMap::from([
            ("default.json".to_owned(), default),
            ("kiosk.json".to_owned(), kiosk),
        ])
    }

    /// Writes the generated files with `PINDESK_WRITE_BINDINGS=1`, else fails naming every
    /// file of `generated` that differs from the one on disk.
    fn write_or_compare(dir: &Path, generated: &BTreeMap<String, String>, what: &str) {
        if std::env::var("PINDESK_WRITE_BINDINGS").as_deref() == Ok("1") {
            for (name, text) in generated {
                fs::write(dir.join(name), text).expect("write generated file");
            }
            return;
        }
        let stale: Vec<&String> = generated
            .iter()
            .filter(|(name, text)| fs::read_to_string(dir.join(name)).ok().as_ref() != Some(text))
            .map(|(name, _)| name)
            .collect();
        assert!(
            stale.is_empty(),
            "{what} {stale:?} differ from the list of commands in src-tauri/src/command_list.rs: \
             run `make bindings` and commit the result"
        );
    }

    #[test]
    fn export_bindings_capabilities() {
        let dir = src_tauri().join("capabilities");
        write_or_compare(&dir, &capabilities(&listed()), "capabilities");
    }

    #[test]
    fn export_bindings_commands() {
        let dir = src_tauri().join("../ui/src");
        let generated = BTreeMap::from([("commands.ts".to_owned(), commands_ts(&listed()))]);
        write_or_compare(&dir, &generated, "the UI's command wrappers");
    }

    /// Tauri's build script writes one permission file per command it was given.
    #[test]
    fn the_build_script_makes_a_permission_per_command() {
        let dir = src_tauri().join("permissions/autogenerated");
        let on_disk: BTreeSet<String> = fs::read_dir(&dir)
            .expect("permissions/autogenerated")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        let listed: BTreeSet<String> = listed().iter().map(|c| c.name.to_owned()).collect();
        assert_eq!(
            on_disk, listed,
            "permissions/autogenerated/ has a file per command build.rs gives Tauri; \
             remove the files of commands no longer listed"
        );
        let names: &[&str] = for_each_command!(command_names);
        assert_eq!(names.len(), listed.len(), "a command is listed twice");
    }

    /// A `#[tauri::command]` function as its source declares it.
    #[derive(Debug, PartialEq)]
    struct Declared {
        /// (name, type) of each argument the UI passes.
        args: Vec<(String, String)>,
        ret: String,
    }

    /// Types Tauri injects rather than reading them from the UI's arguments.
    const INJECTED: &[&str] = &["State", "AppHandle", "Window", "Webview", "WebviewWindow"];

    fn tokens(t: &impl ToTokens) -> String {
        t.to_token_stream().to_string().replace(' ', "")
    }

    /// Every `#[tauri::command]` in `src/commands/`, by name.
    fn declared() -> BTreeMap<String, Declared> {
        let mut found = BTreeMap::new();
        for entry in fs::read_dir(src_tauri().join("src/commands")).expect("src/commands") {
            let path = entry.expect("entry").path();
            let text = fs::read_to_string(&path).expect("read command source");
            let file = syn::parse_file(&text).expect("parse command source");
            for item in file.items {
                let syn::Item::Fn(f) = item else { continue };
                let Some(attr) = f
                    .attrs
                    .iter()
                    .find(|a| tokens(a.path()) == "tauri::command")
                else {
                    continue;
                };
                assert!(
                    matches!(attr.meta, syn::Meta::Path(_)),
                    "{}: the wrappers send camelCase keys, Tauri's default; \
                     #[tauri::command] takes no options here",
                    f.sig.ident
                );
                let mut args = Vec::new();
                for input in &f.sig.inputs {
                    let syn::FnArg::Typed(arg) = input else {
                        continue;
                    };
                    let injected = match &*arg.ty {
                        syn::Type::Path(p) => p
                            .path
                            .segments
                            .last()
                            .is_some_and(|s| INJECTED.contains(&s.ident.to_string().as_str())),
                        _ => false,
                    };
                    if !injected {
                        args.push((tokens(&arg.pat), tokens(&arg.ty)));
                    }
                }
                let ret = match &f.sig.output {
                    syn::ReturnType::Default => "()".to_owned(),
                    syn::ReturnType::Type(_, ty) => tokens(ty),
                };
                found.insert(f.sig.ident.to_string(), Declared { args, ret });
            }
        }
        found
    }

    #[test]
    fn the_list_matches_the_command_functions() {
        let mut declared = declared();
        let mut problems = Vec::new();
        for c in listed() {
            let listed = Declared {
                args: c
                    .args
                    .iter()
                    .map(|a| (a.name.to_owned(), a.rust.replace(' ', "")))
                    .collect(),
                ret: c.ret.replace(' ', ""),
            };
            match declared.remove(c.name) {
                None => problems.push(format!("{} is listed but no #[tauri::command]", c.name)),
                Some(d) if d != listed => problems.push(format!(
                    "{}: the function takes {:?} -> {}, the list says {:?} -> {}",
                    c.name, d.args, d.ret, listed.args, listed.ret
                )),
                Some(_) => {}
            }
        }
        for name in declared.keys() {
            problems.push(format!(
                "#[tauri::command] {name} is missing from src-tauri/src/command_list.rs"
            ));
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_kiosk_gets_only_the_vault_and_solid_screens_commands() {
        let kiosk: Vec<&str> = listed()
            .iter()
            .filter(|c| c.kiosk)
            .map(|c| c.name)
            .collect();
        for admin in [
            "about_info",
            "save_settings",
            "save_profile",
            "remove_profile",
            "use_profile",
            "sign_out_profile",
            "test_profile",
            "history_page",
            "history_export_csv",
        ] {
            assert!(!kiosk.contains(&admin), "a kiosk would get {admin}");
        }
        for needed in ["app_info", "ui_ready", "forget_secrets", "list_profiles"] {
            assert!(kiosk.contains(&needed), "a kiosk needs {needed}");
        }
    }
}
