//! A bare Tauri 2 window: one page that calls `ui_ready` once loaded, as PinDesk's UI does. The
//! command writes a `ui ready` line to standard error with the time since `main` started and
//! the wall-clock time it ran (`unix_us`), which the start-up benchmark reads.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{Instant, SystemTime, UNIX_EPOCH};

struct Started(Instant);

#[tauri::command]
fn ui_ready(started: tauri::State<'_, Started>) {
    let elapsed_ms = started.0.elapsed().as_secs_f64() * 1000.0;
    let unix_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    eprintln!("ui ready elapsed_ms={elapsed_ms:.3} unix_us={unix_us}");
}

fn main() {
    let started = Started(Instant::now());
    tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!())
        .expect("the bare window failed to start");
}
