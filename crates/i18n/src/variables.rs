//! The variables a message references, read from its syntax tree: in its placeables, its
//! selectors and their variants, function arguments, and the messages it references (which
//! see the same arguments). A term's own arguments are its own, so a term adds none.

use std::collections::BTreeSet;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};

/// The variables of the message `key` of `bundle`, or `None` when it has no such message.
pub(crate) fn of_message(
    bundle: &FluentBundle<FluentResource>,
    key: &str,
) -> Option<BTreeSet<String>> {
    let pattern = bundle.get_message(key)?.value()?;
    let mut walk = Walk {
        bundle,
        seen: BTreeSet::from([key.to_string()]),
        found: BTreeSet::new(),
    };
    walk.pattern(pattern);
    Some(walk.found)
}

struct Walk<'b> {
    bundle: &'b FluentBundle<FluentResource>,
    /// Messages already walked (a reference cycle is Fluent's error, not an endless walk).
    seen: BTreeSet<String>,
    found: BTreeSet<String>,
}

impl Walk<'_> {
    fn pattern(&mut self, pattern: &Pattern<&str>) {
        for element in &pattern.elements {
            if let PatternElement::Placeable { expression } = element {
                self.expression(expression);
            }
        }
    }

    fn expression(&mut self, expression: &Expression<&str>) {
        match expression {
            Expression::Select { selector, variants } => {
                self.inline(selector);
                for v in variants {
                    self.pattern(&v.value);
                }
            }
            Expression::Inline(inline) => self.inline(inline),
        }
    }

    fn inline(&mut self, inline: &InlineExpression<&str>) {
        match inline {
            InlineExpression::VariableReference { id } => {
                self.found.insert(id.name.to_string());
            }
            InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    self.inline(a);
                }
                for a in &arguments.named {
                    self.inline(&a.value);
                }
            }
            InlineExpression::MessageReference { id, .. } => {
                if self.seen.insert(id.name.to_string())
                    && let Some(p) = self.bundle.get_message(id.name).and_then(|m| m.value())
                {
                    self.pattern(p);
                }
            }
            InlineExpression::Placeable { expression } => self.expression(expression),
            InlineExpression::StringLiteral { .. }
            | InlineExpression::NumberLiteral { .. }
            | InlineExpression::TermReference { .. } => {}
        }
    }
}
