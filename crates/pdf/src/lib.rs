//! Tabara's printable documents as PDF, written with `pdf-writer` (no fonts embedded: the PDF
//! standard fonts Helvetica and Helvetica-Bold in WinAnsi encoding, which covers French and
//! Kirundi names) and `qrcode` for verification codes. The caller passes every text already
//! translated; this crate only lays pages out.
#![deny(missing_docs)]

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// The translated words of a certificate.
#[derive(Debug, Clone)]
pub struct CertificateLabels {
    /// "Certificate of completion".
    pub title: String,
    /// "This certifies that".
    pub certifies: String,
    /// "completed the training session".
    pub completed: String,
    /// "Modules".
    pub modules: String,
    /// "hours" (after a number).
    pub hours: String,
    /// "Total".
    pub total: String,
    /// "Issued by".
    pub issued_by: String,
    /// "Verification code".
    pub code: String,
    /// "Check it at".
    pub verify_at: String,
}

/// One certificate of completion.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The participant's full name.
    pub holder: String,
    /// Rank and unit, if any (a line under the name).
    pub holder_detail: String,
    /// Session title.
    pub session: String,
    /// Dates and venue, already formatted.
    pub when_where: String,
    /// Modules covered with their hours.
    pub modules: Vec<(String, u32)>,
    /// Issuing organisation.
    pub issuer: String,
    /// Signatories: (name, function).
    pub signatories: Vec<(String, String)>,
    /// Unique verification code.
    pub code: String,
    /// URL of the public verification page for this code (also in the QR code).
    pub verify_url: String,
    /// Translated labels.
    pub labels: CertificateLabels,
}

/// A4 landscape, in points.
const WIDTH: f32 = 842.0;
const HEIGHT: f32 = 595.0;
const MARGIN: f32 = 56.0;

/// Encode text for a standard font with WinAnsiEncoding (Windows-1252); characters outside
/// it become '?'.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            'Œ' => 0x8c,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9c,
            'Ÿ' => 0x9f,
            _ => b'?',
        })
        .collect()
}

fn text(c: &mut Content, font: &[u8], size: f32, x: f32, y: f32, s: &str) {
    c.begin_text();
    c.set_font(Name(font), size);
    c.next_line(x, y);
    c.show(Str(&win_ansi(s)));
    c.end_text();
}

/// Cut a text into lines of at most `max` characters, at spaces.
fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn qr(c: &mut Content, data: &str, x: f32, y: f32, size: f32) {
    let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
        return;
    };
    let n = code.width();
    let module = size / n as f32;
    let colors = code.to_colors();
    c.set_fill_rgb(0.0, 0.0, 0.0);
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (row, col) = (i / n, i % n);
            c.rect(
                x + col as f32 * module,
                y + size - (row + 1) as f32 * module,
                module,
                module,
            );
        }
    }
    c.fill_nonzero();
}

fn certificate_page(cert: &Certificate) -> Vec<u8> {
    let mut c = Content::new();
    let l = &cert.labels;
    // Frame.
    c.set_stroke_rgb(0.04, 0.36, 0.56);
    c.set_line_width(3.0);
    c.rect(24.0, 24.0, WIDTH - 48.0, HEIGHT - 48.0);
    c.stroke();
    c.set_fill_rgb(0.04, 0.36, 0.56);
    text(&mut c, b"F2", 30.0, MARGIN, HEIGHT - 100.0, &l.title);
    c.set_fill_rgb(0.1, 0.1, 0.1);
    text(&mut c, b"F1", 13.0, MARGIN, HEIGHT - 140.0, &l.certifies);
    text(&mut c, b"F2", 26.0, MARGIN, HEIGHT - 175.0, &cert.holder);
    let mut y = HEIGHT - 197.0;
    if !cert.holder_detail.is_empty() {
        text(&mut c, b"F1", 12.0, MARGIN, y, &cert.holder_detail);
        y -= 24.0;
    } else {
        y -= 6.0;
    }
    text(&mut c, b"F1", 13.0, MARGIN, y, &l.completed);
    y -= 22.0;
    for line in wrap(&cert.session, 70) {
        text(&mut c, b"F2", 16.0, MARGIN, y, &line);
        y -= 20.0;
    }
    text(&mut c, b"F1", 12.0, MARGIN, y, &cert.when_where);
    y -= 28.0;
    text(&mut c, b"F2", 12.0, MARGIN, y, &l.modules);
    y -= 16.0;
    let mut total = 0;
    for (name, hours) in &cert.modules {
        total += hours;
        text(&mut c, b"F1", 10.5, MARGIN + 8.0, y, &format!("• {name}"));
        text(
            &mut c,
            b"F1",
            10.5,
            MARGIN + 420.0,
            y,
            &format!("{hours} {}", l.hours),
        );
        y -= 14.0;
    }
    text(&mut c, b"F2", 10.5, MARGIN + 8.0, y, &l.total);
    text(
        &mut c,
        b"F2",
        10.5,
        MARGIN + 420.0,
        y,
        &format!("{total} {}", l.hours),
    );
    // Issuer and signatories along the bottom.
    let base = 118.0;
    text(
        &mut c,
        b"F1",
        11.0,
        MARGIN,
        base + 26.0,
        &format!("{} {}", l.issued_by, cert.issuer),
    );
    for (i, (name, function)) in cert.signatories.iter().take(3).enumerate() {
        let x = MARGIN + i as f32 * 190.0;
        c.set_stroke_rgb(0.3, 0.3, 0.3);
        c.set_line_width(0.8);
        c.move_to(x, base);
        c.line_to(x + 160.0, base);
        c.stroke();
        text(&mut c, b"F2", 10.0, x, base - 14.0, name);
        text(&mut c, b"F1", 9.0, x, base - 26.0, function);
    }
    // Verification.
    let qr_size = 110.0;
    let qx = WIDTH - MARGIN - qr_size;
    qr(&mut c, &cert.verify_url, qx, 60.0, qr_size);
    c.set_fill_rgb(0.1, 0.1, 0.1);
    text(&mut c, b"F1", 9.0, qx - 180.0, 96.0, &l.code);
    text(&mut c, b"F2", 14.0, qx - 180.0, 78.0, &cert.code);
    text(&mut c, b"F1", 8.0, qx - 180.0, 62.0, &l.verify_at);
    text(&mut c, b"F1", 8.0, qx - 180.0, 51.0, &cert.verify_url);
    c.finish()
}

/// Certificates as one PDF, a page each (a whole session is printed in one go).
pub fn certificates(certs: &[Certificate]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let mut next = 5;
    let mut pages = Vec::new();
    for cert in certs {
        let page = Ref::new(next);
        let content = Ref::new(next + 1);
        next += 2;
        pages.push(page);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        p.parent(tree);
        p.contents(content);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        p.finish();
        pdf.stream(content, &certificate_page(cert));
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(pages.iter().copied())
        .count(pages.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.finish()
}

/// A line of a [`report`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportLine {
    /// A section's heading.
    Heading(String),
    /// A line of text (wrapped when long).
    Text(String),
}

/// A plain text document on A4 pages: a title, then headings and lines, page after page, each
/// page numbered with the footer given (e.g. what the document is and when it was made).
pub fn report(title: &str, footer: &str, lines: &[ReportLine]) -> Vec<u8> {
    report_paged(title, footer, lines).0
}

/// As [`report`], with the number of its pages.
pub fn report_paged(title: &str, footer: &str, lines: &[ReportLine]) -> (Vec<u8>, usize) {
    // Portrait A4.
    const PW: f32 = 595.0;
    const PH: f32 = 842.0;
    const SIZE: f32 = 10.0;
    const LEAD: f32 = 14.0;
    let max_chars = ((PW - 2.0 * MARGIN) / (SIZE * 0.5)) as usize;
    let mut pages: Vec<Content> = Vec::new();
    let mut c = Content::new();
    let mut y = PH - MARGIN;
    text(&mut c, b"F2", 16.0, MARGIN, y, title);
    y -= 2.0 * LEAD;
    let mut flat: Vec<(bool, String)> = Vec::new();
    for line in lines {
        match line {
            ReportLine::Heading(h) => flat.push((true, h.clone())),
            ReportLine::Text(t) => {
                let wrapped = wrap(t, max_chars);
                if wrapped.is_empty() {
                    flat.push((false, String::new()));
                }
                flat.extend(wrapped.into_iter().map(|l| (false, l)));
            }
        }
    }
    for (heading, line) in flat {
        let need = if heading { 2.0 * LEAD } else { LEAD };
        if y - need < MARGIN + LEAD {
            pages.push(std::mem::replace(&mut c, Content::new()));
            y = PH - MARGIN;
        }
        if heading {
            y -= LEAD * 0.5;
            text(&mut c, b"F2", 12.0, MARGIN, y, &line);
        } else {
            text(&mut c, b"F1", SIZE, MARGIN, y, &line);
        }
        y -= LEAD;
    }
    pages.push(c);
    let count = pages.len();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let mut next = 5;
    let mut refs = Vec::new();
    for (i, mut content) in pages.into_iter().enumerate() {
        text(
            &mut content,
            b"F1",
            8.0,
            MARGIN,
            MARGIN / 2.0,
            &format!("{footer}  {}/{count}", i + 1),
        );
        let page = Ref::new(next);
        let stream = Ref::new(next + 1);
        next += 2;
        refs.push(page);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, PW, PH));
        p.parent(tree);
        p.contents(stream);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        p.finish();
        pdf.stream(stream, &content.finish());
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(refs.iter().copied())
        .count(refs.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    (pdf.finish(), count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_report_runs_over_numbered_pages() {
        let mut lines = vec![ReportLine::Heading("Cases".into())];
        lines.extend((0..120).map(|i| ReportLine::Text(format!("Line {i} of the report"))));
        let pdf = report("Access report", "Tabara", &lines);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"), "three pages");
    }

    #[test]
    fn win_ansi_keeps_french_letters() {
        assert_eq!(
            win_ansi("Béatrice"),
            vec![b'B', 0xe9, b'a', b't', b'r', b'i', b'c', b'e']
        );
        assert_eq!(win_ansi("– œ €"), vec![0x96, b' ', 0x9c, b' ', 0x80]);
        assert_eq!(win_ansi("日"), vec![b'?']);
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let lines = wrap(
            "Formation des officiers de police judiciaire sur la traite",
            20,
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        assert_eq!(
            lines.join(" "),
            "Formation des officiers de police judiciaire sur la traite"
        );
    }

    #[test]
    fn a_pdf_with_one_page_per_certificate() {
        let labels = CertificateLabels {
            title: "Certificate".into(),
            certifies: "This certifies that".into(),
            completed: "completed".into(),
            modules: "Modules".into(),
            hours: "hours".into(),
            total: "Total".into(),
            issued_by: "Issued by".into(),
            code: "Code".into(),
            verify_at: "Check at".into(),
        };
        let cert = Certificate {
            holder: "Aline Niyonkuru".into(),
            holder_detail: String::new(),
            session: "Session".into(),
            when_where: "2–6 March 2026, Bujumbura".into(),
            modules: vec![("Legal frameworks".into(), 6)],
            issuer: "IOM".into(),
            signatories: vec![("A".into(), "B".into())],
            code: "ABCD-EFGH-JKLM".into(),
            verify_url: "https://tabara.example/verify?code=ABCD-EFGH-JKLM".into(),
            labels,
        };
        let pdf = certificates(&[cert.clone(), cert]);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert_eq!(
            text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count(),
            2,
            "{}",
            text.len()
        );
        // Each page names its holder, its session and its code, in the standard faces.
        assert_eq!(text.matches("(Aline Niyonkuru)").count(), 2, "{text}");
        assert!(text.matches("ABCD-EFGH-JKLM").count() >= 2, "{text}");
        assert!(text.contains("/Helvetica"), "{text}");
        assert!(text.ends_with("%%EOF") || text.ends_with("%%EOF\n"));
    }
}
