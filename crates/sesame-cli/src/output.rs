//! Printing results: one JSON object with `--json`, readable `key: value` lines otherwise.

use serde_json::Value;
use sesame_app::AppError;

/// Prints `result` and returns the process exit code.
pub fn print(json: bool, result: Result<Value, AppError>) -> i32 {
    match result {
        Ok(value) if json => {
            println!("{value}");
            0
        }
        Ok(value) => {
            let mut out = String::new();
            render(&value, 0, &mut out);
            print!("{out}");
            0
        }
        Err(e) if json => {
            println!("{}", serde_json::json!({ "error": e.reply() }));
            1
        }
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            1
        }
    }
}

fn render(value: &Value, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::Object(_) | Value::Array(_) if !is_empty(v) => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        render(v, depth + 1, out);
                    }
                    _ => out.push_str(&format!("{pad}{k}: {}\n", scalar(v))),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        out.push_str(&format!("{pad}- [{i}]\n"));
                        render(item, depth + 1, out);
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", scalar(item))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.is_empty()) || matches!(v, Value::Object(o) if o.is_empty())
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
        other => other.to_string(),
    }
}
