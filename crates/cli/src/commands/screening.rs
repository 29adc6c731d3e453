//! `screening explain`: a recorded screening evaluated again and put in words.

use std::process::ExitCode;

use anyhow::Result;
use tabara_core::Picklist;
use tabara_i18n::t;
use tabara_store::OpenMode;

use super::{lang, open};
use crate::Cli;

pub(super) async fn screening_explain(
    cli: &Cli,
    args: &crate::ScreeningExplainArgs,
) -> Result<ExitCode> {
    use tabara_core::screening::{Catalogue, evaluate};
    use tabara_i18n::screening as words;
    let lang = lang(cli);
    let id: tabara_core::ids::ScreeningId =
        args.id.trim().parse().map_err(|_| {
            anyhow::anyhow!(t!(lang, "error-screening-id", value = args.id.as_str()))
        })?;
    let store = open(cli, OpenMode::Existing).await?;
    let s = store.screening(id).await?;
    let case = store.case(s.case_id).await?;
    let catalogue = Catalogue::embedded()?;
    // A draft is explained on its answers so far, marked provisional.
    let evaluation = s
        .evaluation
        .clone()
        .unwrap_or_else(|| evaluate(catalogue, &s.answers, &s.age));
    let distinction = tabara_core::palermo::distinguish(&s.movement);
    let reasons = words::explain(catalogue, lang, &evaluation);
    let steps = words::next_steps(lang, &evaluation);
    let findings = words::explain_distinction(lang, &distinction);
    if cli.json {
        let out = serde_json::json!({
            "screening": s,
            "case": case.reference(),
            "outcome": evaluation.outcome.as_str(),
            "outcome_label": words::outcome_label(lang, evaluation.outcome),
            "provisional": s.evaluation.is_none(),
            "reasons": reasons,
            "next_steps": steps,
            "verdict": distinction.verdict.as_str(),
            "findings": findings,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-title",
            id = s.id.to_string(),
            case = case.reference(),
            person = s.person_id.to_string()
        )
    );
    let state = match s.state {
        tabara_store::ScreeningState::Draft => t!(lang, "screening-state-draft"),
        tabara_store::ScreeningState::Completed => t!(lang, "screening-state-completed"),
    };
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-state",
            state = state,
            version = s.catalogue_version.as_str()
        )
    );
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-outcome",
            outcome = words::outcome_label(lang, evaluation.outcome)
        )
    );
    outln!("{}", t!(lang, "screening-explain-why"));
    for r in &reasons {
        outln!("  - {r}");
    }
    outln!("{}", t!(lang, "screening-explain-next"));
    for r in &steps {
        outln!("  - {r}");
    }
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-distinction",
            verdict = words::verdict_label(lang, distinction.verdict)
        )
    );
    for f in &findings {
        outln!("  - {f}");
    }
    match &s.decision {
        None => outln!("{}", t!(lang, "screening-explain-undecided")),
        Some(d) => {
            // People read a name, not an account id (the JSON output keeps the id).
            let by = match d
                .decided_by
                .strip_prefix("user:")
                .and_then(|u| u.parse::<uuid::Uuid>().ok())
            {
                Some(id) => match store.user(tabara_core::ids::UserId(id)).await {
                    Ok(u) => u.display_name,
                    Err(_) => d.decided_by.clone(),
                },
                None => d.decided_by.clone(),
            };
            let key = match d.kind {
                tabara_store::DecisionKind::Confirmed => "screening-explain-confirmed",
                tabara_store::DecisionKind::Overridden => "screening-explain-overridden",
            };
            outln!(
                "{}",
                tabara_i18n::catalogue().text(
                    lang,
                    key,
                    &[
                        ("status", tabara_i18n::Value::from(d.status.label(lang))),
                        ("by", tabara_i18n::Value::from(by)),
                        (
                            "at",
                            tabara_i18n::Value::from(
                                d.decided_at.format("%Y-%m-%d %H:%M UTC").to_string()
                            )
                        ),
                        (
                            "reason",
                            tabara_i18n::Value::from(d.reason.clone().unwrap_or_default())
                        ),
                    ]
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
