# Tabara — Kirundi. Messages without a Kirundi text here are shown in French, then English.
# Translations are added by Kirundi-speaking colleagues; keep the same keys as en.ftl.
# Sign-in page and navigation. To be reviewed by a native Kirundi speaker before production.
nav-dashboard = Urupapuro nyamukuru
nav-cases = Amadosiye
nav-language = Ururimi
nav-language-apply = Hindura ururimi
nav-signout = Sohoka
signin-title = Injira muri Tabara
signin-username = Izina ukoresha
signin-password = Ijambo ry'ibanga
signin-submit = Injira
nav-new-case = Idosiye nshasha
nav-password = Ijambo ry'ibanga
nav-admin-users = Abakoresha
nav-admin-organisations = Inzego
nav-training = Amahugurwa
# Impapuro z'ingendo (issue 15). To be reviewed by a native Kirundi speaker.
mrz-field-primary = Izina ry'umuryango
mrz-field-secondary = Amazina
mrz-field-birth = Itariki y'amavuko
mrz-field-nationality = Ubwenegihugu
mrz-heading-problems = Ingorane:
nav-documents = Suzuma urupapuro
mrz-check-submit = Suzuma

## Impapuro zanditswe ku muntu (issue 15)
doc-heading = Ibiranga umuntu n'impapuro z'urugendo
doc-new-title = Kwandika urupapuro
doc-save = Kwandika urupapuro
mrz-photo-submit = Soma ifoto

# Collecte hors ligne (issue 16). To be reviewed by a native Kirundi speaker before production.
field-yes = Ego
field-no = Oya
