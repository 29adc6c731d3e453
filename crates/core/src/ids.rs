//! Typed identifiers. Records are identified by UUID v7 (time-ordered, so indexes stay compact
//! and ids can be made offline at a border post without asking a server).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered id.
            pub fn new() -> Self {
                $name(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map($name)
            }
        }
    };
}

id_type!(
    /// An organisation (agency or partner).
    OrganisationId
);
id_type!(
    /// An office of an organisation: border post, police station, headquarters.
    OfficeId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A person: victim, suspect, witness or other.
    PersonId
);
id_type!(
    /// A case.
    CaseId
);
id_type!(
    /// A comment on a case.
    CommentId
);
id_type!(
    /// A consent record.
    ConsentId
);
id_type!(
    /// A screening interview of a person.
    ScreeningId
);
id_type!(
    /// A training session.
    TrainingSessionId
);
id_type!(
    /// A participant of a training session.
    ParticipantId
);
id_type!(
    /// A certificate of completion.
    CertificateId
);
id_type!(
    /// An awareness material (a poster, a flyer, a brochure).
    MaterialId
);
id_type!(
    /// A movement of awareness materials.
    MovementId
);
id_type!(
    /// A person's consent to referrals to one agency (`referral::Consent`).
    ReferralConsentId
);
id_type!(
    /// A referral of a person to another agency.
    ReferralId
);
id_type!(
    /// A provider of services in the directory (`services::ServiceProvider`).
    ServiceProviderId
);
