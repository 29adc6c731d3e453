//! Tabara's forms for phones, generated from Tabara's own definitions: the intake (the case,
//! its first victim and the consent, as on `/cases/new`), the screening interview (from the
//! screening catalogue, its screens, skips and the child rule's questions), the document
//! check (a document recorded on a person, its zone typed and photographed) and an urgent
//! referral. Nothing here is written by hand in XML; a change of a definition, a catalogue
//! or a label changes the rendered form and so its version.

use crate::Picklist;
use crate::documents::DocumentType;
use crate::htcds::{ExploitationType, Gender, TraffickingStatus};
use crate::referral::{ConsentGiver, DataCategory, ServiceType, UrgencyReason};
use crate::screening::{Catalogue, DimensionId, Indicator, Phase};

use super::xform::*;

/// The intake form's id.
pub const INTAKE: &str = "tabara_intake";
/// The screening form's id.
pub const SCREENING: &str = "tabara_screening";
/// The document check's id.
pub const DOCUMENT: &str = "tabara_document";
/// The urgent referral's id.
pub const REFERRAL: &str = "tabara_referral";

/// Every form id, in the order of the form list.
pub const FORM_IDS: [&str; 4] = [INTAKE, SCREENING, DOCUMENT, REFERRAL];

/// An agency a referral can be sent to, for the referral form's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The agency's id (the value stored).
    pub id: String,
    /// Its name (the same in every language).
    pub name: String,
}

/// What the forms are generated from besides the code: the screening catalogue and the
/// agencies a referral can go to.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The screening catalogue.
    pub catalogue: &'a Catalogue,
    /// The agencies a referral can be sent to.
    pub recipients: &'a [Recipient],
}

fn choices<T: Picklist>() -> Vec<Choice> {
    T::ALL
        .iter()
        .map(|v| Choice {
            value: v.value_name().to_string(),
            label: Text::labels(v.label(crate::Lang::En), v.label(crate::Lang::Fr)),
        })
        .collect()
}

fn yes_no() -> Vec<Choice> {
    vec![
        Choice {
            value: "yes".into(),
            label: Text::Key("field-yes"),
        },
        Choice {
            value: "no".into(),
            label: Text::Key("field-no"),
        },
    ]
}

fn q(name: &str, key: &'static str, kind: Kind) -> Question {
    Question::new(name, Text::Key(key), kind)
}

fn group(name: &str, key: &'static str, children: Vec<Question>) -> Node {
    Node::Group {
        name: name.into(),
        label: Text::Key(key),
        relevant: None,
        one_screen: true,
        children: children.into_iter().map(Node::Question).collect(),
    }
}

/// The XPath test "this answer is empty".
fn empty(rel: &str) -> String {
    format!("string-length({}) = 0", path(rel))
}

/// The person's questions, shared by the intake and the screening (the same fields as the
/// web's intake form).
fn person_nodes(exploitation_required: bool, photo: bool) -> Vec<Node> {
    let mut exploitation = q(
        "exploitation",
        "field-exploitation",
        Kind::SelectOne(choices::<ExploitationType>()),
    );
    if exploitation_required {
        exploitation = exploitation.required();
    }
    let mut person = vec![
        q("first_name", "field-first-name", Kind::Text).hint(Text::Key("field-first-name-hint")),
        q("second_name", "field-second-name", Kind::Text),
        q("birthdate", "field-birthdate", Kind::Date),
        q("age", "field-age", Kind::Integer { min: 0, max: 120 })
            .relevant(empty("person/birthdate")),
        q(
            "age_uncertain",
            "field-age-uncertain",
            Kind::SelectOne(yes_no()),
        )
        .relevant(format!("not({})", empty("person/age"))),
        q(
            "gender",
            "field-gender",
            Kind::SelectOne(choices::<Gender>()),
        ),
        q("citizenship", "field-citizenship", Kind::Text).hint(Text::Key("field-citizenship-hint")),
    ];
    if photo {
        person.push(
            q("document_photo", "field-document-photo", Kind::Image)
                .hint(Text::Key("field-document-photo-hint")),
        );
    }
    vec![
        group(
            "case",
            "field-group-case",
            vec![q("opened_on", "field-opened-on", Kind::Date).required()],
        ),
        group("person", "field-group-person", person),
        group(
            "victim",
            "field-group-victim",
            vec![
                exploitation,
                q(
                    "trafficking_status",
                    "field-trafficking-status",
                    Kind::SelectOne(choices::<TraffickingStatus>()),
                ),
            ],
        ),
        group(
            "consent",
            "field-group-consent",
            vec![
                q("consent_read", "field-consent-read", Kind::Note),
                q("consent", "field-consent", Kind::SelectOne(yes_no())).required(),
            ],
        ),
    ]
}

/// The intake: the case, its first victim and the consent to the interview.
pub fn intake() -> Form {
    Form {
        id: INTAKE,
        title: Text::Key("field-form-intake"),
        nodes: person_nodes(true, false),
    }
}

/// The three answers an indicator takes on a phone (plus "not asked", which is a skip).
fn answers() -> Vec<Choice> {
    ["yes", "no", "dont_know", "refused"]
        .into_iter()
        .map(|a| Choice {
            value: a.into(),
            label: Text::Key(match a {
                "yes" => "field-yes",
                "no" => "field-no",
                "dont_know" => "field-dont-know",
                _ => "field-refused",
            }),
        })
        .collect()
}

/// The child rule of [`crate::child::presumed_child`] as an XPath expression over the
/// screening form's answers: a certain age under 18; an estimate under 21; an uncertain or
/// unknown age with a sign of minority.
pub fn child_expression(catalogue: &Catalogue) -> String {
    let age = path("person/age");
    let uncertain = format!("{} = 'yes'", path("person/age_uncertain"));
    let unknown = empty("person/age");
    let signs: Vec<String> = catalogue
        .minority_signs
        .iter()
        .map(|s| format!("{} = 'yes'", path(&format!("age/{}", s.id))))
        .collect();
    let any_sign = if signs.is_empty() {
        "false()".to_string()
    } else {
        signs.join(" or ")
    };
    format!(
        "if((not({unknown}) and not({uncertain}) and {age} < {adult}) or (not({unknown}) and {uncertain} and {age} < {presumed}) or (({unknown} or {uncertain}) and ({any_sign})), 'yes', 'no')",
        adult = crate::child::ADULT_AGE,
        presumed = crate::child::PRESUMED_BELOW,
    )
}

/// When an indicator is asked: on both lists always; on one list only, when the person is
/// (or is not) treated as a child.
fn indicator_relevant(i: &Indicator) -> Option<String> {
    let child = format!("{} = 'yes'", path("child"));
    match (i.dimension, i.adult.is_some(), i.child.is_some()) {
        (DimensionId::Act, _, _) | (_, true, true) => None,
        (_, true, false) => Some(format!("not({child})")),
        (_, false, true) => Some(child),
        (_, false, false) => None,
    }
}

/// The screening interview: the person (as at intake, the exploitation optional), the age
/// and the signs of minority (asked when the age is not certain), the child rule computed on
/// the phone, one screen per screen of the web interview (indicators of one list only skipped
/// on the other), and the trafficking-vs-smuggling facts.
pub fn screening(catalogue: &Catalogue) -> Form {
    let mut nodes = person_nodes(false, true);
    let signs_asked = format!(
        "{} or {} = 'yes'",
        empty("person/age"),
        path("person/age_uncertain")
    );
    let mut age: Vec<Node> = vec![Node::Question(q("age_note", "field-age-signs", Kind::Note))];
    for s in &catalogue.minority_signs {
        age.push(Node::Question(
            Question::new(
                &s.id,
                Text::Words(s.question.clone()),
                Kind::SelectOne(yes_no()),
            )
            .hint(Text::Words(s.help.clone())),
        ));
    }
    nodes.push(Node::Group {
        name: "age".into(),
        label: Text::Key("field-group-age"),
        relevant: Some(signs_asked),
        one_screen: true,
        children: age,
    });
    // The child rule, computed outside the skipped group so it is there for every skip.
    nodes.push(Node::Question(q(
        "child",
        "field-child",
        Kind::Calculate(child_expression(catalogue)),
    )));
    for screen in catalogue.screens() {
        let mut children = Vec::new();
        for id in screen.indicator_ids() {
            let i = catalogue
                .indicator(id)
                .expect("screens name catalogue indicators");
            let mut question = Question::new(
                &i.id,
                Text::Words(i.question.clone()),
                Kind::SelectOne(answers()),
            )
            .hint(Text::Words(i.help.clone()));
            question.relevant = indicator_relevant(i);
            children.push(Node::Question(question));
        }
        let d = screen.dimension.map(|d| catalogue.dimension(d));
        let label = match (screen.phase, d) {
            (_, Some(d)) => Text::labels(&d.en, &d.fr),
            (Phase::Recruitment, None) => Text::Key("field-phase-recruitment"),
            (Phase::Movement, None) => Text::Key("field-phase-movement"),
            (Phase::Exploitation, None) => Text::Key("field-phase-exploitation"),
        };
        nodes.push(Node::Group {
            name: screen.id.replace('-', "_"),
            label,
            relevant: None,
            one_screen: true,
            children,
        });
    }
    let facts = crate::palermo::FactName::ALL
        .iter()
        .map(|f| {
            Node::Question(Question::new(
                f.as_str(),
                Text::Key(fact_key(*f)),
                Kind::SelectOne(vec![
                    Choice {
                        value: "yes".into(),
                        label: Text::Key("field-yes"),
                    },
                    Choice {
                        value: "no".into(),
                        label: Text::Key("field-no"),
                    },
                    Choice {
                        value: "unknown".into(),
                        label: Text::Key("field-unknown"),
                    },
                ]),
            ))
        })
        .collect();
    nodes.push(Node::Group {
        name: "facts".into(),
        label: Text::Key("field-group-movement"),
        relevant: None,
        one_screen: true,
        children: facts,
    });
    Form {
        id: SCREENING,
        title: Text::Key("field-form-screening"),
        nodes,
    }
}

/// The catalogue key of a trafficking-vs-smuggling fact (the web interview's words).
fn fact_key(f: crate::palermo::FactName) -> &'static str {
    use crate::palermo::FactName::*;
    match f {
        Act => "fact-act",
        Means => "fact-means",
        Exploitation => "fact-exploitation",
        Child => "fact-child",
        ConsentToMovement => "fact-consent-to-movement",
        IllegalCrossing => "fact-illegal-crossing",
        BenefitFromCrossing => "fact-benefit-from-crossing",
        ForeignToDestination => "fact-foreign-to-destination",
        RelationshipContinues => "fact-relationship-continues",
    }
}

/// The person of a case a document or a referral is about: the case's number and the
/// person's first name as registered.
fn subject() -> Node {
    group(
        "subject",
        "field-group-subject",
        vec![
            q("case_number", "field-case-number", Kind::Text)
                .required()
                .hint(Text::Key("field-case-number-hint")),
            q("person_name", "field-person-name", Kind::Text)
                .required()
                .hint(Text::Key("field-person-name-hint")),
        ],
    )
}

/// The document check: the document's type, the number on the page, the machine-readable
/// zone as typed and a photo of the data page.
pub fn document() -> Form {
    Form {
        id: DOCUMENT,
        title: Text::Key("field-form-document"),
        nodes: vec![
            subject(),
            group(
                "document",
                "field-group-document",
                vec![
                    q(
                        "doc_type",
                        "field-doc-type",
                        Kind::SelectOne(choices::<DocumentType>()),
                    )
                    .required(),
                    q("number", "field-doc-number", Kind::Text),
                    q("issuing_state", "field-doc-state", Kind::Text),
                    q("zone", "field-doc-zone", Kind::Text).hint(Text::Key("field-doc-zone-hint")),
                    q("photo", "field-doc-photo", Kind::Image),
                    q("notes", "field-notes", Kind::Text),
                ],
            ),
        ],
    }
}

/// An urgent referral with the consent that covers it, made in the field.
pub fn referral(recipients: &[Recipient]) -> Form {
    let agencies = recipients
        .iter()
        .map(|r| Choice {
            value: r.id.clone(),
            label: Text::Plain(r.name.clone()),
        })
        .collect();
    Form {
        id: REFERRAL,
        title: Text::Key("field-form-referral"),
        nodes: vec![
            subject(),
            group(
                "referral",
                "field-group-referral",
                vec![
                    q("agency", "field-ref-agency", Kind::SelectOne(agencies)).required(),
                    q(
                        "services",
                        "field-ref-services",
                        Kind::SelectMany(choices::<ServiceType>()),
                    )
                    .required(),
                    q(
                        "urgency_reason",
                        "field-ref-urgency",
                        Kind::SelectOne(choices::<UrgencyReason>()),
                    )
                    .required(),
                ],
            ),
            group(
                "consent",
                "field-group-consent",
                vec![
                    q("consent_read", "field-ref-consent-read", Kind::Note),
                    q("consent", "field-ref-consent", Kind::SelectOne(yes_no())).required(),
                    q(
                        "given_by",
                        "field-ref-given-by",
                        Kind::SelectOne(choices::<ConsentGiver>()),
                    )
                    .required(),
                    q(
                        "language",
                        "field-ref-language",
                        Kind::SelectOne(
                            [
                                ("rn", "Ikirundi"),
                                ("fr", "Français"),
                                ("en", "English"),
                                ("sw", "Kiswahili"),
                            ]
                            .into_iter()
                            .map(|(code, name)| Choice {
                                value: code.into(),
                                label: Text::Plain(name.into()),
                            })
                            .collect(),
                        ),
                    )
                    .required(),
                    q(
                        "categories",
                        "field-ref-categories",
                        Kind::SelectMany(choices::<DataCategory>()),
                    )
                    .required(),
                ],
            ),
        ],
    }
}

/// Every form, generated from `sources`, in the order of the form list.
pub fn all(sources: Sources<'_>) -> Vec<Form> {
    vec![
        intake(),
        screening(sources.catalogue),
        document(),
        referral(sources.recipients),
    ]
}
