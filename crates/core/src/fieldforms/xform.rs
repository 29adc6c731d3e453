//! An XForm (ODK XForms 1.0, the format ODK Collect, KoboCollect and Enketo fill) as data, and
//! its rendering: the instance, the binds, the body and the translations (itext) in English,
//! French and Kirundi (French where Kirundi is not written, as everywhere in Tabara).
//!
//! A form's `version` is computed from what it renders to, so it changes exactly when
//! anything a phone would show or store changes (a question, a label in any language, a
//! choice, a skip) and never otherwise; the `md5:` hash the form list gives is of the bytes
//! served.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::Lang;
use crate::screening::Texts;

/// The languages of a form, in the order they are offered on the phone (the first is the
/// default).
pub const FORM_LANGS: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Rn];

/// The translation name a phone shows for a language.
pub fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English (en)",
        Lang::Fr => "Français (fr)",
        Lang::Rn => "Ikirundi (rn)",
    }
}

/// A text of a form: a key of the translation catalogue, or words given in each language (the
/// screening catalogue's questions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// A catalogue key, looked up by the renderer's translator.
    Key(&'static str),
    /// Words in each language.
    Words(Texts),
    /// The same words in every language (a value name, a code).
    Plain(String),
}

impl Text {
    /// A text from a picklist value's English and French labels.
    pub fn labels(en: &str, fr: &str) -> Text {
        Text::Words(Texts {
            en: en.to_string(),
            fr: fr.to_string(),
            rn: None,
        })
    }
}

/// One choice of a select question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The value stored (a picklist's value name, an indicator answer).
    pub value: String,
    /// What the phone shows.
    pub label: Text,
}

/// What a question asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// A whole number between the bounds.
    Integer {
        /// Smallest accepted.
        min: i64,
        /// Largest accepted.
        max: i64,
    },
    /// A calendar day.
    Date,
    /// One of the choices.
    SelectOne(Vec<Choice>),
    /// Any of the choices (stored space-separated).
    SelectMany(Vec<Choice>),
    /// A photo taken or chosen on the phone (sent as an attachment, named in the field).
    Image,
    /// Words shown, nothing asked.
    Note,
    /// Computed on the phone from other answers (an XPath expression), stored.
    Calculate(String),
}

/// A question (or a note, or a computed value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Its name in the instance (lower_snake_case).
    pub name: String,
    /// What the phone shows.
    pub label: Text,
    /// Help under the question.
    pub hint: Option<Text>,
    /// What it asks for.
    pub kind: Kind,
    /// An answer is required.
    pub required: bool,
    /// Asked only when this XPath expression holds (a skip).
    pub relevant: Option<String>,
}

impl Question {
    /// A question of `kind`, optional, always asked, without help.
    pub fn new(name: &str, label: Text, kind: Kind) -> Question {
        Question {
            name: name.to_string(),
            label,
            hint: None,
            kind,
            required: false,
            relevant: None,
        }
    }

    /// The same, required.
    pub fn required(mut self) -> Question {
        self.required = true;
        self
    }

    /// The same with help.
    pub fn hint(mut self, hint: Text) -> Question {
        self.hint = Some(hint);
        self
    }

    /// The same, asked only when `expr` holds.
    pub fn relevant(mut self, expr: impl Into<String>) -> Question {
        self.relevant = Some(expr.into());
        self
    }
}

/// A node of a form: a question or a group of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A question.
    Question(Question),
    /// A group: one screen on the phone (`field-list`) or a section.
    Group {
        /// Its name in the instance.
        name: String,
        /// Its title.
        label: Text,
        /// Shown only when this XPath expression holds.
        relevant: Option<String>,
        /// Its questions on one screen.
        one_screen: bool,
        /// What it holds.
        children: Vec<Node>,
    },
}

/// A form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The form's id (`formID`), stable.
    pub id: &'static str,
    /// Its title.
    pub title: Text,
    /// Its questions and groups, in order.
    pub nodes: Vec<Node>,
}

/// The translator a form is rendered with: a catalogue key in a language.
pub type Translate<'a> = &'a dyn Fn(Lang, &str) -> String;

/// A form rendered: the bytes served, their version and their hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The form's id.
    pub id: &'static str,
    /// The title in English (the form list's `name`).
    pub name: String,
    /// The version (the first 16 hex digits of the SHA-256 of the form rendered without it).
    pub version: String,
    /// The XML served.
    pub xml: String,
}

impl Rendered {
    /// `md5:` and the hex MD5 of the bytes served, as the form list gives it.
    pub fn md5(&self) -> String {
        format!("md5:{}", hex_md5(self.xml.as_bytes()))
    }
}

/// Hex MD5 of `bytes` (the OpenRosa hash; not used for security).
pub fn hex_md5(bytes: &[u8]) -> String {
    hex::encode(<md5::Md5 as Digest>::digest(bytes))
}

/// The instance's root element name.
pub const ROOT: &str = "data";

/// The version placeholder while the version is computed.
const VERSION_SLOT: &str = "\u{0}version\u{0}";

/// XML-escape `s` for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

struct Renderer<'a> {
    translate: Translate<'a>,
    /// (text id, text) in order of first use.
    texts: Vec<(String, Text)>,
    binds: String,
    body: String,
    instance: String,
}

impl Renderer<'_> {
    fn text(&mut self, id: String, text: &Text) -> String {
        let r = format!("jr:itext('{id}')");
        self.texts.push((id, text.clone()));
        r
    }

    fn words(&self, lang: Lang, text: &Text) -> String {
        match text {
            Text::Key(k) => (self.translate)(lang, k),
            Text::Words(t) => t.get(lang).to_string(),
            Text::Plain(s) => s.clone(),
        }
    }

    fn node(&mut self, parent: &str, node: &Node) {
        match node {
            Node::Question(q) => self.question(parent, q),
            Node::Group {
                name,
                label,
                relevant,
                one_screen,
                children,
            } => {
                let path = format!("{parent}/{name}");
                let _ = write!(self.instance, "<{name}>");
                if let Some(r) = relevant {
                    let _ = write!(
                        self.binds,
                        "<bind nodeset=\"{path}\" relevant=\"{}\"/>",
                        escape(r)
                    );
                }
                let label = self.text(format!("{path}:label"), label);
                let appearance = if *one_screen {
                    " appearance=\"field-list\""
                } else {
                    ""
                };
                let _ = write!(
                    self.body,
                    "<group ref=\"{path}\"{appearance}><label ref=\"{label}\"/>"
                );
                for c in children {
                    self.node(&path, c);
                }
                self.body.push_str("</group>");
                let _ = write!(self.instance, "</{name}>");
            }
        }
    }

    fn question(&mut self, parent: &str, q: &Question) {
        let path = format!("{parent}/{}", q.name);
        let _ = write!(self.instance, "<{}/>", q.name);
        let (kind, constraint) = match &q.kind {
            Kind::Text | Kind::Note => ("string", None),
            Kind::Integer { min, max } => ("int", Some(format!(". &gt;= {min} and . &lt;= {max}"))),
            Kind::Date => ("date", None),
            Kind::SelectOne(_) => ("string", None),
            Kind::SelectMany(_) => ("string", None),
            Kind::Image => ("binary", None),
            Kind::Calculate(_) => ("string", None),
        };
        let mut bind = format!("<bind nodeset=\"{path}\" type=\"{kind}\"");
        if q.required {
            bind.push_str(" required=\"true()\"");
        }
        if let Some(r) = &q.relevant {
            let _ = write!(bind, " relevant=\"{}\"", escape(r));
        }
        if let Some(c) = constraint {
            let _ = write!(bind, " constraint=\"{c}\"");
        }
        if let Kind::Note = q.kind {
            bind.push_str(" readonly=\"true()\"");
        }
        if let Kind::Calculate(expr) = &q.kind {
            let _ = write!(bind, " calculate=\"{}\"", escape(expr));
        }
        bind.push_str("/>");
        self.binds.push_str(&bind);
        if let Kind::Calculate(_) = q.kind {
            return;
        }
        let label = self.text(format!("{path}:label"), &q.label);
        let hint = q
            .hint
            .as_ref()
            .map(|h| format!("<hint ref=\"{}\"/>", self.text(format!("{path}:hint"), h)));
        let hint = hint.unwrap_or_default();
        match &q.kind {
            Kind::SelectOne(choices) | Kind::SelectMany(choices) => {
                let tag = if matches!(q.kind, Kind::SelectOne(_)) {
                    "select1"
                } else {
                    "select"
                };
                let _ = write!(
                    self.body,
                    "<{tag} ref=\"{path}\"><label ref=\"{label}\"/>{hint}"
                );
                for (i, c) in choices.iter().enumerate() {
                    let id = self.text(format!("{path}/{i}:label"), &c.label);
                    let _ = write!(
                        self.body,
                        "<item><label ref=\"{id}\"/><value>{}</value></item>",
                        escape(&c.value)
                    );
                }
                let _ = write!(self.body, "</{tag}>");
            }
            Kind::Image => {
                let _ = write!(
                    self.body,
                    "<upload ref=\"{path}\" mediatype=\"image/*\"><label ref=\"{label}\"/>{hint}</upload>"
                );
            }
            _ => {
                let _ = write!(
                    self.body,
                    "<input ref=\"{path}\"><label ref=\"{label}\"/>{hint}</input>"
                );
            }
        }
    }
}

impl Form {
    /// The form rendered with `translate` for the catalogue's keys.
    pub fn render(&self, translate: Translate<'_>) -> Rendered {
        let mut r = Renderer {
            translate,
            texts: Vec::new(),
            binds: String::new(),
            body: String::new(),
            instance: String::new(),
        };
        let root = format!("/{ROOT}");
        for n in &self.nodes {
            r.node(&root, n);
        }
        let mut xml = String::with_capacity(16 * 1024);
        xml.push_str(concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<h:html xmlns=\"http://www.w3.org/2002/xforms\" xmlns:h=\"http://www.w3.org/1999/xhtml\" ",
            "xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\" ",
            "xmlns:odk=\"http://www.opendatakit.org/xforms\">"
        ));
        let title = r.words(Lang::En, &self.title);
        let _ = write!(
            xml,
            "<h:head><h:title>{}</h:title><model odk:xforms-version=\"1.0.0\"><itext>",
            escape(&title)
        );
        for lang in FORM_LANGS {
            let default = if lang == FORM_LANGS[0] {
                " default=\"true()\""
            } else {
                ""
            };
            let _ = write!(
                xml,
                "<translation lang=\"{}\"{default}>",
                escape(lang_name(lang))
            );
            for (id, text) in &r.texts {
                let _ = write!(
                    xml,
                    "<text id=\"{id}\"><value>{}</value></text>",
                    escape(&r.words(lang, text))
                );
            }
            xml.push_str("</translation>");
        }
        let _ = write!(
            xml,
            "</itext><instance><{ROOT} id=\"{}\" version=\"{VERSION_SLOT}\">{}<meta><instanceID/><deprecatedID/></meta></{ROOT}></instance>",
            self.id, r.instance
        );
        xml.push_str(&r.binds);
        let _ = write!(
            xml,
            "<bind nodeset=\"/{ROOT}/meta/instanceID\" type=\"string\" readonly=\"true()\" jr:preload=\"uid\"/>\
             <bind nodeset=\"/{ROOT}/meta/deprecatedID\" type=\"string\"/>"
        );
        let _ = write!(xml, "</model></h:head><h:body>{}</h:body></h:html>", r.body);
        let version = hex::encode(&Sha256::digest(xml.as_bytes())[..8]);
        Rendered {
            id: self.id,
            name: title,
            xml: xml.replace(VERSION_SLOT, &version),
            version,
        }
    }

    /// Every question of the form with its path below the root (`person/age`), groups
    /// flattened, in order.
    pub fn questions(&self) -> Vec<(String, &Question)> {
        fn walk<'a>(prefix: &str, nodes: &'a [Node], out: &mut Vec<(String, &'a Question)>) {
            for n in nodes {
                match n {
                    Node::Question(q) => out.push((format!("{prefix}{}", q.name), q)),
                    Node::Group { name, children, .. } => {
                        walk(&format!("{prefix}{name}/"), children, out)
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk("", &self.nodes, &mut out);
        out
    }
}

/// The absolute path of a question for XPath expressions (`/data/person/age`).
pub fn path(rel: &str) -> String {
    format!("/{ROOT}/{rel}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(label: &str) -> Form {
        Form {
            id: "tabara_test",
            title: Text::Plain("Test".into()),
            nodes: vec![Node::Group {
                name: "g".into(),
                label: Text::Plain("G".into()),
                relevant: None,
                one_screen: true,
                children: vec![
                    Node::Question(
                        Question::new(
                            "age",
                            Text::Plain(label.into()),
                            Kind::Integer { min: 0, max: 120 },
                        )
                        .required(),
                    ),
                    Node::Question(
                        Question::new(
                            "q",
                            Text::Plain("Q <&>".into()),
                            Kind::SelectOne(vec![Choice {
                                value: "yes".into(),
                                label: Text::Plain("Yes".into()),
                            }]),
                        )
                        .relevant(format!("{} < 18", path("g/age"))),
                    ),
                ],
            }],
        }
    }

    fn plain(_: Lang, k: &str) -> String {
        k.to_string()
    }

    #[test]
    fn the_version_follows_the_content_and_nothing_else() {
        let a = form("Age").render(&plain);
        let again = form("Age").render(&plain);
        let changed = form("Age?").render(&plain);
        assert_eq!(a, again);
        assert_ne!(a.version, changed.version);
        assert_eq!(a.version.len(), 16);
        assert!(a.xml.contains(&format!("version=\"{}\"", a.version)));
        assert_ne!(a.md5(), changed.md5());
        assert!(a.md5().starts_with("md5:") && a.md5().len() == 36);
    }

    #[test]
    fn texts_and_expressions_are_escaped() {
        let x = form("Age").render(&plain).xml;
        assert!(x.contains("Q &lt;&amp;&gt;"));
        assert!(x.contains("relevant=\"/data/g/age &lt; 18\""));
        assert_eq!(x.matches("<translation ").count(), 3);
        assert!(x.contains("<meta><instanceID/><deprecatedID/></meta>"));
    }

    #[test]
    fn questions_are_listed_with_their_paths() {
        let f = form("Age");
        let q: Vec<String> = f.questions().into_iter().map(|(p, _)| p).collect();
        assert_eq!(q, ["g/age", "g/q"]);
    }
}
