# Tabara — Kirundi. Messages without a Kirundi text here are shown in French, then English.
# Translations are added by Kirundi-speaking colleagues; keep the same keys as en.ftl.
