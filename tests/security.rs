//! Learner, lesson and link content is never rendered as raw HTML: no code path may use Yew's or
//! the DOM's raw-HTML entry points.

#[test]
fn no_raw_html_anywhere_in_the_source() {
    let forbidden = ["inner_html", "set_inner_html", "dangerously_set", "from_html_unchecked", "insertAdjacentHTML", "outer_html", "document.write"];
    let mut hits = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    for f in forbidden {
                        if line.contains(f) {
                            hits.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
    }
    assert!(hits.is_empty(), "raw HTML entry points found:\n{}", hits.join("\n"));
}
