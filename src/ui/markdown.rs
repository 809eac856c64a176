//! A small Markdown reader for lesson prose: `#` headings, paragraphs, `-`/`*` and `1.` lists,
//! fenced code blocks, `inline code`, **bold**, *italic* and [links](...). It produces a tree of
//! plain strings; the page turns the tree into Yew nodes, so every character of the source ends
//! up as text (nothing is ever parsed as HTML). No web dependencies: `tests/markdown.rs` includes
//! this file and runs its tests natively.

/// A block of prose.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Inline>> },
    Code { lang: String, text: String },
}

/// Text inside a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    /// `href` is only kept when it is safe to follow (see [`safe_href`]); otherwise the link is
    /// rendered as its text.
    Link { text: Vec<Inline>, href: String },
}

/// `Some(href)` for `http:`, `https:`, `mailto:` and scheme-less (relative or `#`) targets;
/// `None` for anything else (`javascript:`, `data:`, ...).
pub fn safe_href(href: &str) -> Option<String> {
    let h = href.trim();
    let lower = h.to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let first_sep = lower.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, first_sep) {
        (Some(c), Some(s)) => c < s,
        (Some(_), None) => true,
        _ => false,
    };
    if !has_scheme || lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:") {
        Some(h.to_string())
    } else {
        None
    }
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(bullet) {
            return Some((false, rest));
        }
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 10 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((true, r));
        }
    }
    None
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) {
        let rest = &line[hashes..];
        if rest.is_empty() || rest.starts_with(' ') {
            return Some((hashes as u8, rest.trim().trim_end_matches('#').trim_end()));
        }
    }
    None
}

/// Reads Markdown into blocks.
pub fn parse(src: &str) -> Vec<Block> {
    let lines: Vec<&str> = src.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if let Some(fence_rest) = trimmed.strip_prefix("```").or_else(|| trimmed.strip_prefix("~~~")) {
            let fence = &trimmed[..3];
            let lang = fence_rest.trim().to_string();
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with(fence) {
                body.push(lines[i]);
                i += 1;
            }
            i += 1; // the closing fence (or the end)
            blocks.push(Block::Code { lang, text: body.join("\n") });
            continue;
        }
        if let Some((level, text)) = heading(trimmed) {
            blocks.push(Block::Heading(level, inline(text)));
            i += 1;
            continue;
        }
        if let Some((ordered, first)) = list_item(line) {
            let mut items = vec![first.to_string()];
            i += 1;
            while i < lines.len() {
                let l = lines[i];
                if l.trim().is_empty() {
                    // A blank line ends the list unless another item of it follows.
                    if i + 1 < lines.len() && list_item(lines[i + 1]).is_some_and(|(o, _)| o == ordered) {
                        i += 1;
                        continue;
                    }
                    break;
                }
                match list_item(l) {
                    Some((o, rest)) if o == ordered => items.push(rest.to_string()),
                    Some(_) => break,
                    None if l.starts_with(' ') || l.starts_with('\t') => {
                        // A continuation line of the last item.
                        let last = items.last_mut().expect("one item");
                        last.push(' ');
                        last.push_str(l.trim());
                    }
                    None => break,
                }
                i += 1;
            }
            blocks.push(Block::List { ordered, items: items.iter().map(|t| inline(t)).collect() });
            continue;
        }
        // A paragraph: lines up to a blank line or the start of another block.
        let mut text = String::from(trimmed);
        i += 1;
        while i < lines.len() {
            let l = lines[i];
            let t = l.trim();
            if t.is_empty() || heading(t).is_some() || t.starts_with("```") || t.starts_with("~~~") || list_item(l).is_some() {
                break;
            }
            text.push(' ');
            text.push_str(t);
            i += 1;
        }
        blocks.push(Block::Paragraph(inline(&text)));
    }
    blocks
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        t.push_str(s);
    } else {
        out.push(Inline::Text(s.to_string()));
    }
}

/// Finds `close` in `s` starting at byte `from`, not immediately preceded by whitespace.
fn find_close(s: &str, from: usize, close: &str) -> Option<usize> {
    let mut at = from;
    while let Some(k) = s[at..].find(close) {
        let pos = at + k;
        if pos > from && !s[..pos].ends_with(char::is_whitespace) {
            return Some(pos);
        }
        at = pos + close.len();
        if at >= s.len() {
            break;
        }
    }
    None
}

/// The byte offset of the `)` that closes a link target (nested parentheses balance).
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (k, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(k),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Reads inline markup: code spans first (their content is literal), then links, bold, italic.
pub fn inline(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() {
        let rest = &s[i..];
        let c = bytes[i];
        if c == b'\\' && i + 1 < s.len() {
            let next = rest[1..].chars().next().expect("a char");
            if next.is_ascii_punctuation() {
                push_text(&mut out, &rest[1..1 + next.len_utf8()]);
                i += 1 + next.len_utf8();
                continue;
            }
        }
        if c == b'`' {
            let ticks = rest.bytes().take_while(|&b| b == b'`').count();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let code = &rest[ticks..ticks + end];
                let code = if code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty() { &code[1..code.len() - 1] } else { code };
                out.push(Inline::Code(code.to_string()));
                i += ticks + end + ticks;
                continue;
            }
            push_text(&mut out, fence);
            i += ticks;
            continue;
        }
        if c == b'[' {
            if let Some(close) = rest.find("](") {
                if let Some(paren) = matching_paren(&rest[close + 2..]) {
                    let text = &rest[1..close];
                    let href = &rest[close + 2..close + 2 + paren];
                    if !text.contains('[') && !href.contains(char::is_whitespace) {
                        let label = inline(text);
                        match safe_href(href) {
                            Some(h) => out.push(Inline::Link { text: label, href: h }),
                            None => {
                                for l in label {
                                    match l {
                                        Inline::Text(t) => push_text(&mut out, &t),
                                        other => out.push(other),
                                    }
                                }
                            }
                        }
                        i += close + 2 + paren + 1;
                        continue;
                    }
                }
            }
        }
        if rest.starts_with("**") || rest.starts_with("__") {
            let mark = &rest[..2];
            if rest.len() > 2 && !rest[2..].starts_with(char::is_whitespace) {
                if let Some(end) = find_close(rest, 2, mark) {
                    // `***` closes an inner emphasis and then the bold: the bold ends last.
                    let run = rest[end..].bytes().take_while(|&b| b == c).count();
                    let end = end + run - 2;
                    out.push(Inline::Strong(inline(&rest[2..end])));
                    i += end + 2;
                    continue;
                }
            }
        }
        if c == b'*' || c == b'_' {
            let mark = &rest[..1];
            // `_` inside a word (snake_case) is not emphasis.
            let word_before = c == b'_' && s[..i].chars().last().is_some_and(|p| p.is_alphanumeric());
            if !word_before && rest.len() > 1 && !rest[1..].starts_with(char::is_whitespace) && !rest[1..].starts_with(mark) {
                if let Some(end) = find_close(rest, 1, mark) {
                    let after_ok = c == b'*' || !rest[end + 1..].starts_with(|ch: char| ch.is_alphanumeric());
                    if after_ok {
                        out.push(Inline::Emphasis(inline(&rest[1..end])));
                        i += end + 1;
                        continue;
                    }
                }
            }
        }
        let ch = rest.chars().next().expect("a char");
        push_text(&mut out, &rest[..ch.len_utf8()]);
        i += ch.len_utf8();
    }
    out
}

/// The plain text of inline content (for titles and tests).
pub fn plain(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => s.push_str(t),
            Inline::Strong(x) | Inline::Emphasis(x) | Inline::Link { text: x, .. } => s.push_str(&plain(x)),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    #[test]
    fn headings_paragraphs_and_lists() {
        let b = parse("# Title\n\nOne line\nand the next.\n\n## Your job\n\n- a\n- b `c`\n\n1. first\n2. second\n");
        assert_eq!(b[0], Block::Heading(1, vec![t("Title")]));
        assert_eq!(b[1], Block::Paragraph(vec![t("One line and the next.")]));
        assert_eq!(b[2], Block::Heading(2, vec![t("Your job")]));
        assert_eq!(b[3], Block::List { ordered: false, items: vec![vec![t("a")], vec![t("b "), Inline::Code("c".into())]] });
        assert_eq!(b[4], Block::List { ordered: true, items: vec![vec![t("first")], vec![t("second")]] });
        assert_eq!(b.len(), 5);
    }

    #[test]
    fn list_items_continue_on_indented_lines() {
        let b = parse("- Two tasks fit when\n  twice the CPU fits.\n- next\n");
        assert_eq!(b, vec![Block::List { ordered: false, items: vec![vec![t("Two tasks fit when twice the CPU fits.")], vec![t("next")]] }]);
    }

    #[test]
    fn fenced_code_is_kept_verbatim() {
        let b = parse("Before:\n\n```json\n\"cpu\": 1024,\n  **not bold** <b>\n```\nAfter");
        assert_eq!(b[1], Block::Code { lang: "json".into(), text: "\"cpu\": 1024,\n  **not bold** <b>".into() });
        assert_eq!(b[2], Block::Paragraph(vec![t("After")]));
    }

    #[test]
    fn bold_italic_code_and_links() {
        assert_eq!(
            inline("a **bold** and *it* and `x*y*` [docs](https://example.com/a_b)"),
            vec![
                t("a "),
                Inline::Strong(vec![t("bold")]),
                t(" and "),
                Inline::Emphasis(vec![t("it")]),
                t(" and "),
                Inline::Code("x*y*".into()),
                t(" "),
                Inline::Link { text: vec![t("docs")], href: "https://example.com/a_b".into() },
            ]
        );
        assert_eq!(inline("**bold *and italic***")[0], Inline::Strong(vec![t("bold "), Inline::Emphasis(vec![t("and italic")])]));
        assert_eq!(inline("snake_case_name stays"), vec![t("snake_case_name stays")]);
        assert_eq!(inline("2 * 3 * 4"), vec![t("2 * 3 * 4")]);
        assert_eq!(inline("_it_"), vec![Inline::Emphasis(vec![t("it")])]);
        assert_eq!(inline("unclosed **bold"), vec![t("unclosed **bold")]);
        assert_eq!(inline(r"\*not\*"), vec![t("*not*")]);
    }

    #[test]
    fn html_is_text_and_unsafe_links_are_dropped() {
        let src = "# <script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> and [click](javascript:alert(1)) and [ok](#top)\n\n- <b>x</b>\n";
        let b = parse(src);
        assert_eq!(b[0], Block::Heading(1, vec![t("<script>alert(1)</script>")]));
        assert_eq!(
            b[1],
            Block::Paragraph(vec![
                t("Hi <img src=x onerror=alert(1)> and click and "),
                Inline::Link { text: vec![t("ok")], href: "#top".into() },
            ])
        );
        assert_eq!(b[2], Block::List { ordered: false, items: vec![vec![t("<b>x</b>")]] });
        assert_eq!(safe_href("JavaScript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,x"), None);
        assert_eq!(safe_href("docs/lessons.md"), Some("docs/lessons.md".into()));
        assert_eq!(safe_href("https://aws.amazon.com/ecs/"), Some("https://aws.amazon.com/ecs/".into()));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in ["", "#", "####### seven", "```", "**", "*", "`", "[", "[a](", "[a](b", "1.", "- ", "é**é**é", "\\", "a\\é", "_é_", "**é", "[é](é)"] {
            let _ = parse(s);
            let _ = inline(s);
        }
        assert_eq!(plain(&inline("a **b** `c`")), "a b c");
    }
}
