//! A completed form as a phone sends it (the XML instance of `xml_submission_file`), read into
//! its identity (form, version, `meta/instanceID`, `meta/deprecatedID`) and its answers by
//! path below the root (`person/first_name`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The longest instance and form id OpenRosa allows.
pub const MAX_ID: usize = 249;

/// At most this many answers in one instance (the largest form has about a hundred).
pub const MAX_ANSWERS: usize = 2_000;

/// A completed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The form's id (the root's `id`).
    pub form_id: String,
    /// The form's version it was filled on (the root's `version`).
    pub version: String,
    /// `meta/instanceID`: the key of the submission.
    pub instance_id: String,
    /// `meta/deprecatedID`: the instance this one edits, if any.
    pub deprecated_id: Option<String>,
    /// Every answer that is not empty, by path below the root (`meta` left out).
    pub answers: BTreeMap<String, String>,
}

/// Why an instance is not read. Each names a stable rule for the response's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    /// Not well-formed XML.
    #[error("the submission is not well-formed XML: {0}")]
    Xml(String),
    /// No `id` on the root.
    #[error("the submission names no form (no id on its root element)")]
    NoForm,
    /// No `meta/instanceID`.
    #[error("the submission has no meta/instanceID")]
    NoInstanceId,
    /// An id too long.
    #[error("an id of the submission is longer than {MAX_ID} characters")]
    IdTooLong,
    /// Too many answers.
    #[error("the submission holds more than {MAX_ANSWERS} answers")]
    TooLarge,
}

impl InstanceError {
    /// A stable name of the rule.
    pub fn rule(&self) -> &'static str {
        match self {
            InstanceError::Xml(_) => "xml",
            InstanceError::NoForm => "no_form",
            InstanceError::NoInstanceId => "no_instance_id",
            InstanceError::IdTooLong => "id_too_long",
            InstanceError::TooLarge => "too_large",
        }
    }
}

impl Instance {
    /// Read an instance.
    pub fn parse(xml: &[u8]) -> Result<Instance, InstanceError> {
        let text = std::str::from_utf8(xml).map_err(|e| InstanceError::Xml(e.to_string()))?;
        let doc = roxmltree::Document::parse_with_options(
            text,
            roxmltree::ParsingOptions {
                allow_dtd: false,
                ..Default::default()
            },
        )
        .map_err(|e| InstanceError::Xml(e.to_string()))?;
        let root = doc.root_element();
        let form_id = root
            .attribute("id")
            .filter(|s| !s.trim().is_empty())
            .ok_or(InstanceError::NoForm)?
            .trim()
            .to_string();
        let version = root.attribute("version").unwrap_or("").trim().to_string();
        let mut answers = BTreeMap::new();
        let mut instance_id = None;
        let mut deprecated_id = None;
        let mut stack = vec![(root, String::new())];
        while let Some((node, prefix)) = stack.pop() {
            for child in node.children().filter(|c| c.is_element()) {
                let name = child.tag_name().name();
                let path = format!("{prefix}{name}");
                if child.children().any(|c| c.is_element()) {
                    stack.push((child, format!("{path}/")));
                    continue;
                }
                let value = child.text().unwrap_or("").trim().to_string();
                match path.as_str() {
                    "meta/instanceID" => instance_id = Some(value),
                    "meta/deprecatedID" => deprecated_id = Some(value),
                    _ if path.starts_with("meta/") => {}
                    _ if value.is_empty() => {}
                    _ => {
                        if answers.len() >= MAX_ANSWERS {
                            return Err(InstanceError::TooLarge);
                        }
                        answers.insert(path, value);
                    }
                }
            }
        }
        let instance_id = instance_id
            .filter(|s| !s.is_empty())
            .ok_or(InstanceError::NoInstanceId)?;
        let deprecated_id = deprecated_id.filter(|s| !s.is_empty());
        if [&form_id, &version, &instance_id]
            .into_iter()
            .chain(deprecated_id.as_ref())
            .any(|s| s.chars().count() > MAX_ID)
        {
            return Err(InstanceError::IdTooLong);
        }
        Ok(Instance {
            form_id,
            version,
            instance_id,
            deprecated_id,
            answers,
        })
    }

    /// The instance written back as XML, its answers nested by path as a phone writes them
    /// (used when a supervisor corrects an answer: the corrected instance is read by the same
    /// code as the phone's).
    pub fn to_xml(&self) -> String {
        use std::fmt::Write as _;
        let esc = crate::fieldforms::xform::escape;
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><{root} id=\"{}\" version=\"{}\">",
            esc(&self.form_id),
            esc(&self.version),
            root = crate::fieldforms::xform::ROOT,
        );
        let mut open: Vec<&str> = Vec::new();
        for (path, value) in &self.answers {
            let parts: Vec<&str> = path.split('/').collect();
            let (groups, leaf) = parts.split_at(parts.len() - 1);
            let common = open.iter().zip(groups).take_while(|(a, b)| a == b).count();
            while open.len() > common {
                let g = open.pop().unwrap_or_default();
                let _ = write!(out, "</{g}>");
            }
            for g in &groups[common..] {
                let _ = write!(out, "<{g}>");
                open.push(g);
            }
            let _ = write!(out, "<{0}>{1}</{0}>", leaf[0], esc(value));
        }
        while let Some(g) = open.pop() {
            let _ = write!(out, "</{g}>");
        }
        let _ = write!(
            out,
            "<meta><instanceID>{}</instanceID>",
            esc(&self.instance_id)
        );
        if let Some(d) = &self.deprecated_id {
            let _ = write!(out, "<deprecatedID>{}</deprecatedID>", esc(d));
        }
        let _ = write!(out, "</meta></{}>", crate::fieldforms::xform::ROOT);
        out
    }

    /// An answer, empty when not given.
    pub fn get(&self, path: &str) -> &str {
        self.answers.get(path).map(String::as_str).unwrap_or("")
    }
}

/// The hex SHA-256 of an instance's bytes: the same instance posted again has the same hash
/// (Collect sends the same XML with every part of a split submission).
pub fn content_hash(xml: &[u8]) -> String {
    hex::encode(Sha256::digest(xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0"?>
<data xmlns:jr="http://openrosa.org/javarosa" id="tabara_intake" version="abc">
  <person><first_name>Aline</first_name><second_name/><age>17</age></person>
  <consent><consent>yes</consent></consent>
  <meta><instanceID>uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</instanceID><deprecatedID/></meta>
</data>"#;

    #[test]
    fn an_instance_is_read_with_its_keys_and_answers() {
        let i = Instance::parse(XML.as_bytes()).unwrap();
        assert_eq!(i.form_id, "tabara_intake");
        assert_eq!(i.version, "abc");
        assert_eq!(i.instance_id, "uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427");
        assert_eq!(i.deprecated_id, None);
        assert_eq!(i.get("person/first_name"), "Aline");
        assert_eq!(i.get("person/second_name"), "");
        assert_eq!(i.get("consent/consent"), "yes");
        assert_eq!(i.answers.len(), 3);
    }

    #[test]
    fn broken_instances_are_refused_by_rule() {
        let rule = |x: &str| Instance::parse(x.as_bytes()).unwrap_err().rule();
        assert_eq!(rule("<data id='x'><a>"), "xml");
        assert_eq!(
            rule("<data><meta><instanceID>u</instanceID></meta></data>"),
            "no_form"
        );
        assert_eq!(
            rule("<data id='x'><meta><instanceID/></meta></data>"),
            "no_instance_id"
        );
        let long = "u".repeat(250);
        assert_eq!(
            rule(&format!(
                "<data id='x'><meta><instanceID>{long}</instanceID></meta></data>"
            )),
            "id_too_long"
        );
        assert_eq!(
            rule(
                "<!DOCTYPE data [<!ENTITY e 'x'>]><data id='x'><meta><instanceID>u</instanceID></meta></data>"
            ),
            "xml"
        );
    }

    #[test]
    fn an_instance_written_back_reads_the_same() {
        let i = Instance::parse(XML.as_bytes()).unwrap();
        let mut j = i.clone();
        j.answers
            .insert("person/first_name".into(), "Aline & <Marie>".into());
        let back = Instance::parse(j.to_xml().as_bytes()).unwrap();
        assert_eq!(back, j);
        assert_eq!(Instance::parse(i.to_xml().as_bytes()).unwrap(), i);
    }

    #[test]
    fn the_same_bytes_have_the_same_hash() {
        assert_eq!(content_hash(XML.as_bytes()), content_hash(XML.as_bytes()));
        assert_ne!(content_hash(XML.as_bytes()), content_hash(b"<data/>"));
    }
}
