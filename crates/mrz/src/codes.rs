//! The three-letter codes of issuing states and nationalities (Doc 9303 Part 3 §5): the
//! ISO 3166-1 alpha-3 codes (249, from the `iso-codes` tables as packaged by pycountry 26.2.16)
//! and the codes ICAO adds.

/// ISO 3166-1 alpha-3, sorted.
const ISO: &[&str] = &[
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
];

/// The codes ICAO adds, with what each stands for (Doc 9303 Part 3 §5, Tables; `UTO` is the
/// specimen state of ICAO's examples, accepted only when specimens are).
pub const ICAO_CODES: &[(&str, &str)] = &[
    ("D", "Germany"),
    ("EUE", "European Union"),
    ("GBD", "British Overseas Territories Citizen"),
    ("GBN", "British National (Overseas)"),
    ("GBO", "British Overseas Citizen"),
    ("GBP", "British Protected Person"),
    ("GBS", "British Subject"),
    ("RKS", "Kosovo"),
    ("UNA", "Specialized agency of the United Nations"),
    ("UNK", "Resident of Kosovo (UN interim administration)"),
    ("UNO", "United Nations Organization"),
    ("XBA", "African Development Bank"),
    ("XCC", "Caribbean Community"),
    ("XCE", "Council of Europe"),
    ("XCO", "Common Market for Eastern and Southern Africa"),
    ("XEC", "Economic Community of West African States"),
    ("XIM", "African Export-Import Bank"),
    ("XOM", "Sovereign Military Order of Malta"),
    ("XPO", "Interpol"),
    ("XXA", "Stateless person"),
    ("XXB", "Refugee (1951 Convention)"),
    ("XXC", "Refugee (other)"),
    ("XXX", "Unspecified nationality"),
];

/// ICAO's specimen state "Utopia".
pub const SPECIMEN: &str = "UTO";

/// Whether `code` (fillers trimmed: `D`, not `D<<`) is an ICAO code of a state, an
/// organisation or a status; the specimen `UTO` is not.
///
/// ```
/// assert!(tabara_mrz::is_known_code("BDI"));
/// assert!(tabara_mrz::is_known_code("D"));
/// assert!(tabara_mrz::is_known_code("XXA"));
/// assert!(!tabara_mrz::is_known_code("UTO"));
/// assert!(!tabara_mrz::is_known_code("QQQ"));
/// ```
pub fn is_known_code(code: &str) -> bool {
    ISO.binary_search(&code).is_ok() || ICAO_CODES.iter().any(|(c, _)| *c == code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_is_sorted_for_its_search() {
        assert!(super::ISO.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(super::ISO.len(), 249);
    }
}
