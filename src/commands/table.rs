//! Text tables that fit the screen: the terminal's width on a terminal, 80
//! columns otherwise. Free-text cells are cut with `…` and the least useful
//! columns hidden (named under the table) until the table fits; `--wide`
//! shows everything in full.

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

/// Width when the output is not a terminal.
const DEFAULT_WIDTH: usize = 80;
/// Free-text columns are first cut to this many characters (or their
/// header's width), before any column is hidden.
const SOFT_MIN: usize = 16;
/// ... and, if hiding every hideable column was not enough, to this.
const HARD_MIN: usize = 6;

/// What a column may give up to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Shown in full: ids, counts.
    Keep,
    /// Free text, cut with `…`.
    Cut,
    /// Hidden when the table does not fit; the higher rank goes first.
    Hide(u8),
}

/// A table under construction.
pub(crate) struct Grid {
    headers: Vec<&'static str>,
    fits: Vec<Fit>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    /// A table with these columns.
    pub(crate) fn new(columns: &[(&'static str, Fit)]) -> Grid {
        Grid {
            headers: columns.iter().map(|c| c.0).collect(),
            fits: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are blank, extra ones dropped).
    pub(crate) fn row(&mut self, mut cells: Vec<String>) {
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// The table, fitted to the screen unless `wide`, with a line naming
    /// the columns it hid.
    pub(crate) fn render(&self, wide: bool) -> String {
        let limit = if wide {
            usize::MAX
        } else {
            Table::new().width().map_or(DEFAULT_WIDTH, usize::from)
        };
        self.render_to(limit)
    }

    fn render_to(&self, limit: usize) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| text_width(&r[i]))
                    .chain(std::iter::once(text_width(self.headers[i])))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // A hideable column with nothing in it ("-" throughout) goes first,
        // without a note.
        let blank = |i: usize| self.rows.iter().all(|r| r[i].is_empty() || r[i] == "-");
        let mut shown: Vec<bool> = (0..n)
            .map(|i| limit == usize::MAX || !matches!(self.fits[i], Fit::Hide(_)) || !blank(i))
            .collect();
        let total = |widths: &[usize], shown: &[bool]| {
            let visible = shown.iter().filter(|s| **s).count();
            (0..n).filter(|i| shown[*i]).map(|i| widths[i]).sum::<usize>() + 3 * visible + 1
        };
        // 1. Cut free text to its soft minimum; 2. hide columns, highest rank
        // (then rightmost) first; 3. cut free text further.
        let floor = |i: usize, min: usize| text_width(self.headers[i]).max(min);
        self.cut(&mut widths, &shown, limit, |i| floor(i, SOFT_MIN), total);
        while total(&widths, &shown) > limit {
            let next = (0..n)
                .filter(|i| shown[*i])
                .filter_map(|i| match self.fits[i] {
                    Fit::Hide(rank) => Some((rank, i)),
                    _ => None,
                })
                .max();
            match next {
                Some((_, i)) => shown[i] = false,
                None => break,
            }
        }
        self.cut(&mut widths, &shown, limit, |i| floor(i, HARD_MIN), total);

        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header((0..n).filter(|i| shown[*i]).map(|i| self.headers[i]));
        for row in &self.rows {
            table.add_row((0..n).filter(|i| shown[*i]).map(|i| truncate(&row[i], widths[i])));
        }
        let mut text = table.to_string();
        let hidden: Vec<String> = (0..n)
            .filter(|i| !shown[*i] && !blank(*i))
            .map(|i| self.headers[i].replace('\n', " "))
            .collect();
        if !hidden.is_empty() {
            text.push_str(&format!(
                "\n(hidden to fit {limit} columns: {}; --wide shows them)",
                hidden.join(", ")
            ));
        }
        text
    }

    /// Narrows the widest free-text column, one character at a time, until
    /// the table fits or every such column is at its floor.
    fn cut(
        &self,
        widths: &mut [usize],
        shown: &[bool],
        limit: usize,
        floor: impl Fn(usize) -> usize,
        total: impl Fn(&[usize], &[bool]) -> usize,
    ) {
        while total(widths, shown) > limit {
            let widest = (0..widths.len())
                .filter(|i| shown[*i] && self.fits[*i] == Fit::Cut && widths[*i] > floor(*i))
                .max_by_key(|i| (widths[*i], *i));
            match widest {
                Some(i) => widths[i] -= 1,
                None => return,
            }
        }
    }
}

/// The width of the widest line of `text`, in characters.
fn text_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// `text` with each line cut to `width` characters, the last one a `…`.
fn truncate(text: &str, width: usize) -> String {
    text.lines()
        .map(|line| {
            if line.chars().count() > width {
                let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
                cut.push('…');
                cut
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest_line(text: &str) -> usize {
        text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
    }

    #[test]
    fn a_long_table_is_cut_and_hidden_to_fit_and_says_what_it_hid() {
        let mut grid = Grid::new(&[
            ("id", Fit::Keep),
            ("task", Fit::Cut),
            ("error", Fit::Cut),
            ("replay", Fit::Hide(1)),
        ]);
        grid.row(vec![
            "01JD0000000000000000000000".into(),
            "reports.generate_monthly_statement".into(),
            "ConnectionError: the upstream service refused the connection after 3 tries".into(),
            "01JD0000000000000000000001".into(),
        ]);
        let text = grid.render_to(80);
        let table: String = text
            .lines()
            .filter(|l| !l.starts_with('('))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(widest_line(&table) <= 80, "{text}");
        assert!(text.contains("01JD0000000000000000000000"), "ids are never cut: {text}");
        assert!(text.contains('…'), "{text}");
        assert!(text.contains("hidden to fit 80 columns: replay"), "{text}");
        let mut blank = Grid::new(&[("id", Fit::Keep), ("replay", Fit::Hide(1))]);
        blank.row(vec!["01JD0000000000000000000002".into(), "-".into()]);
        assert!(
            !blank.render_to(80).contains("replay"),
            "an empty column is dropped quietly"
        );
        assert!(blank.render_to(usize::MAX).contains("replay"));

        let wide = grid.render_to(usize::MAX);
        assert!(wide.contains("after 3 tries") && wide.contains("01JD0000000000000000000001"));
        assert!(!wide.contains("hidden"));
    }

    #[test]
    fn a_table_that_fits_is_left_alone() {
        let mut grid = Grid::new(&[("queue", Fit::Cut), ("pending", Fit::Keep)]);
        grid.row(vec!["default".into(), "12".into()]);
        assert_eq!(grid.render_to(80), grid.render_to(usize::MAX));
    }
}
